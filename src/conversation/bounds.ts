/**
 * How much of a long prompt, tool input or output, response or error the conversation page shows.
 * A field the page cannot show whole shows its beginning and links to a download of all of it.
 *
 * Sizes are counted in bytes of the page's HTML, escaped (a `"` is six bytes of `&quot;`, a
 * character outside ASCII two to four), because what must stay small is the document a browser
 * parses: counted in characters, a field of quotes would weigh six times its share.
 */
import type { Messages } from '../i18n/messages.js';
import { numberFormat } from '../lib/format.js';

/**
 * One field's share. A screenful or two of JSON or prose is what a reader takes in on the page;
 * past that they want the file, in an editor or jq, where they can search it.
 */
export const FIELD_BYTES = 16 * 1024;
/**
 * Past this much field text on the page, later fields show only a glimpse: a run with many long
 * tool calls keeps every call visible, and the page small enough to open at once on a slow link
 * and a modest machine, instead of growing by a full share a field.
 */
export const PAGE_BUDGET_BYTES = 128 * 1024;
/** A later field's glimpse: enough to recognise what it is, a few lines of it. */
export const PREVIEW_BYTES = 512;
/**
 * Past this much, a field shows no more than a line: what is left of the page is its markup, a
 * call's title, status and links. A short value still shows whole.
 */
export const PAGE_LIMIT_BYTES = 192 * 1024;
export const LINE_BYTES = 128;

/** How many characters of a field the database sends: each costs at least a byte on the page. */
export const HEAD_CHARS = FIELD_BYTES;

/** What a field costs the page so far, and what the next one may take. */
export class PageBudget {
  private spent = 0;

  /** The next field's share: a full one while the page has room, then a glimpse, then a line. */
  allowance(): number {
    return this.spent < PAGE_BUDGET_BYTES ? FIELD_BYTES : this.spent < PAGE_LIMIT_BYTES ? PREVIEW_BYTES : LINE_BYTES;
  }

  spend(bytes: number): void {
    this.spent += bytes;
  }
}

/** A code point's cost on the page: its UTF-8 bytes, or its escape's. */
function costOf(cp: number): number {
  if (cp === 0x22) return 6; // &quot;
  if (cp === 0x26 || cp === 0x27) return 5; // &amp; &#39;
  if (cp === 0x3c || cp === 0x3e) return 4; // &lt; &gt;
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  return cp < 0x10000 ? 3 : 4;
}

const utf8Bytes = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/** A string's cost on the page. */
export function pageCost(text: string): number {
  let cost = 0;
  for (let i = 0; i < text.length; i += 1) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i += 1;
    cost += costOf(cp);
  }
  return cost;
}

/** The beginning of a field as the page shows it. */
export interface Head {
  text: string;
  /** What the page shows costs this much. */
  cost: number;
  /** UTF-8 bytes of the stored text the shown part covers. */
  coveredBytes: number;
}

/** Text as it came, up to `allowance` bytes of the page, never splitting a character. */
export function textHead(text: string, allowance: number): Head {
  let cost = 0;
  let covered = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const c = costOf(cp);
    if (cost + c > allowance) break;
    cost += c;
    covered += utf8Bytes(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return { text: text.slice(0, i), cost, coveredBytes: covered };
}

const CLOSING: Record<string, string> = { '{': '}', '[': ']' };

/**
 * The beginning of JSON as Postgres writes jsonb (`{"a": 1, "b": [2, 3]}`), laid out as
 * JSON.stringify(value, null, 2) lays out the whole value — the page's format for JSON — up to
 * `allowance` bytes of the page. Works on any prefix: a string or escape cut short is only text.
 */
export function jsonHead(compact: string, allowance: number): Head {
  let out = '';
  let cost = 0;
  let covered = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let full = false;
  /** Appends `piece` if it fits; else as much of it as fits, and the head is full. */
  const emit = (piece: string): boolean => {
    const c = pageCost(piece);
    if (cost + c <= allowance) {
      out += piece;
      cost += c;
      return true;
    }
    const part = textHead(piece, allowance - cost);
    out += part.text;
    cost += part.cost;
    full = true;
    return false;
  };
  const newline = () => `\n${'  '.repeat(depth)}`;
  let i = 0;
  while (i < compact.length && !full) {
    const cp = compact.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const ch = compact.slice(i, i + width);
    let piece = ch;
    let consumed = width;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '{' || ch === '[') {
      if (compact[i + 1] === CLOSING[ch]) {
        piece = `${ch}${CLOSING[ch]}`;
        consumed = 2;
      } else {
        depth += 1;
        piece = `${ch}${newline()}`;
      }
    } else if (ch === '}' || ch === ']') {
      depth = Math.max(0, depth - 1);
      piece = `${newline()}${ch}`;
    } else if (ch === ',' || ch === ':') {
      piece = ch === ',' ? `,${newline()}` : ': ';
      if (compact[i + 1] === ' ') consumed += 1;
    } else if (ch === ' ') {
      piece = '';
    }
    if (!emit(piece)) break;
    covered += utf8Bytes(cp) + (consumed - width);
    i += consumed;
  }
  return { text: out, cost, coveredBytes: covered };
}

/** A size as people read it: "512 bytes", "16.4 KB", "10.0 MB" (powers of 1,000), in the table's words. */
export function formatBytes(bytes: number, m: Messages): string {
  const { count, tenths } = numberFormat(m.locale);
  if (bytes < 1000) return m.bytes(bytes, count(bytes));
  if (bytes < 999_950) return `${tenths(bytes / 1000)} KB`;
  if (bytes < 999_950_000) return `${tenths(bytes / 1_000_000)} MB`;
  return `${tenths(bytes / 1_000_000_000)} GB`;
}
