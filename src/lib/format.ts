/** Numbers and spans of time as the page writes them, in the locale of its messages. */

export interface NumberFormat {
  /** A count: "1,234,567" (en), "1.234.567" (pt-BR). */
  count(n: number): string;
  /** Credits, to at most two decimals: "1,234.5". */
  credits(n: number): string;
  /** A ratio to one decimal: "4.2". */
  ratio(n: number): string;
  /** One decimal and no grouping, as sizes and durations are written: "16.4" (KB), "1234.6" (s). */
  tenths(n: number): string;
}

/**
 * A count as Intl writes it, without Intl for safe integers where the locale groups Latin digits
 * by threes from a thousand: a page with its chart formats a hundred and more, and grouping the
 * digits costs a fraction of Intl's call. Anything else (or -0, which Intl writes "-0") goes to Intl.
 */
function countFormat(intl: Intl.NumberFormat): (n: number) => string {
  const group = intl.formatToParts(1000).find((part) => part.type === 'group')?.value;
  const fast = group !== undefined && intl.format(-1234567) === `-1${group}234${group}567`;
  if (!fast) return (n) => intl.format(n);
  return (n) => (!Number.isSafeInteger(n) || Object.is(n, -0) ? intl.format(n) : String(n).replace(/\B(?=(\d{3})+$)/g, group));
}

/** Locales come from the host's message tables, not from requests: a handful at most. */
const formats = new Map<string, NumberFormat>();

/** The locale's number formats, built once. Throws a RangeError for a malformed locale tag. */
export function numberFormat(locale: string): NumberFormat {
  let format = formats.get(locale);
  if (!format) {
    const credits = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    const ratio = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const decimal = credits.formatToParts(0.5).find((part) => part.type === 'decimal')?.value ?? '.';
    format = {
      count: countFormat(new Intl.NumberFormat(locale)),
      credits: (n) => credits.format(n),
      ratio: (n) => ratio.format(n),
      tenths: (n) => n.toFixed(1).replace('.', decimal),
    };
    formats.set(locale, format);
  }
  return format;
}

/** The words a duration needs: the locale writes its decimals, `days` its days ("3 days"). */
export interface DurationWords {
  locale: string;
  days: (n: number, count: string) => string;
}

/**
 * A duration as people say it, in at most two units, each cut (not rounded) so that a run never
 * reads longer than it took: "850 ms", "8.4 s", "42 s", "1 min 12 s", "2 h 5 min", "3 days 4 h".
 * Null for what is no duration (negative, or not a number): a finish stored before its start.
 */
export function formatDuration(ms: number, words: DurationWords): string | null {
  if (!(ms >= 0) || !Number.isFinite(ms)) return null;
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  const { tenths, count } = numberFormat(words.locale);
  if (ms < 10_000) return `${tenths(Math.floor(ms / 100) / 10)} s`;
  const seconds = Math.floor(ms / 1000);
  const two = (big: string, small: number, unit: string) => (small ? `${big} ${small} ${unit}` : big);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return two(`${minutes} min`, seconds % 60, 's');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return two(`${hours} h`, minutes % 60, 'min');
  const days = Math.floor(hours / 24);
  return two(words.days(days, count(days)), hours % 24, 'h');
}

/**
 * `text` cut to its first `length` characters, counted as code points so that no emoji is split,
 * with an ellipsis when it went on.
 */
export function shorten(text: string, length: number): { text: string; cut: boolean } {
  // Cheap for the usual short text: a string no longer in UTF-16 units has no more code points.
  if (text.length <= length) return { text, cut: false };
  const points = Array.from(text.slice(0, 2 * length + 2));
  if (points.length <= length) return { text, cut: false };
  return { text: `${points.slice(0, length).join('')}…`, cut: true };
}
