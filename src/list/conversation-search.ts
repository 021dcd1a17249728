/**
 * The search's "also in conversations" option: the runs of the last CONVERSATION_SEARCH_DAYS days
 * whose steps hold the term — the prompt, the responses and errors, each tool call's input and
 * output, as the conversation page shows them. The conversations found are bound into the
 * search's condition (search-filter.ts), so the list's plans (search-plan.ts) stay as they are.
 *
 * No index serves it: trigrams of payloads that run to megabytes would cost every recorded step
 * far more than a bounded read costs a search (docs/performance.md). The runs the other filters
 * keep are read in chunks in the page's order from its start, each chunk's steps matched, until
 * enough match, the bound is reached or the time allowed runs out; then the page says how far the
 * conversations were searched.
 */
import { and, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { ExecutionsDatabase } from '../db/database.js';
import { asPlaceholders, preparedByShape } from '../db/prepared.js';
import { executions, steps } from '../db/schema.js';
import { filterShape, listConditions, type ExecutionFilters } from './filter-set.js';
import { beyond, listBindings, type PageCursor, type PageRequest } from './page-query.js';
import { cursorText } from './run-columns.js';
import { CONVERSATION_SEARCH_DAYS, containsPattern } from './search-filter.js';
import { COUNT_BOUND } from './summary-query.js';

/** Runs whose steps one statement matches: small enough that the time allowed is checked often. */
export const SCAN_CHUNK = 200;
/** How long a request may spend matching conversations, within its deadline (http/deadline.ts). */
export const CONVERSATION_SEARCH_MS = 600;
/** The share of a request's deadline the search may take: the rest reads and renders the page, past one last chunk. */
export const CONVERSATION_SEARCH_SHARE = 0.4;

/**
 * The time a request may spend matching conversations, of a deadline of `deadlineMs`: the host's
 * `requested` (a number from 0; anything else is no choice, as bulk-runner.ts takes a pace), else
 * CONVERSATION_SEARCH_MS; either way at most CONVERSATION_SEARCH_SHARE of the deadline. Capped,
 * not refused: a longer search could only turn the page that says where it stopped into a 503,
 * so a host that asks for more time, or lowers `deadlineMs`, still gets a page; to search longer,
 * raise `deadlineMs`, and the cap with it.
 */
export function conversationSearchAllowance(deadlineMs: number, requested?: number): number {
  const cap = Math.floor(CONVERSATION_SEARCH_SHARE * deadlineMs);
  const wanted = typeof requested === 'number' && requested >= 0 ? requested : CONVERSATION_SEARCH_MS;
  return Math.min(wanted, cap >= 0 ? cap : CONVERSATION_SEARCH_MS);
}

const DAY_MS = 86_400_000;

/** The first instant the option searches, as a bound for the chunks' query. */
const searchedSince = (now: Date) => new Date(now.getTime() - CONVERSATION_SEARCH_DAYS * DAY_MS).toISOString();

/**
 * A JSON payload as the conversation page shows it (conversation/view-model.ts's showJson): a JSON
 * string as its text; null as nothing; anything else pretty-printed from the stored text, so numbers
 * and the order of keys are Postgres's on the page as here. jsonb_pretty indents
 * by four spaces where the page indents by two and breaks an empty object or array over two lines:
 * the latter is joined again, and a term, which holds no line break and is trimmed, never reaches
 * into an indentation.
 */
const shownPayload = (column: AnyPgColumn): SQL =>
  sql`(case jsonb_typeof(${column}) when 'string' then ${column} #>> '{}' when 'null' then null
    else regexp_replace(jsonb_pretty(${column}), '([[{])\\n *([]}])', '\\1\\2', 'g') end)`;

/**
 * Whether the run's conversation has a step holding the term. `conversationId` qualified: drizzle
 * writes a subquery's columns unqualified, which inside this one would name the step's own.
 */
const stepsHold = (conversationId: SQL): SQL => {
  const pattern = containsPattern(asPlaceholders);
  return sql`exists (select 1 from ${steps} where ${steps.organizationId} = ${sql.placeholder('organizationId')}
    and ${steps.conversationId} = ${conversationId}
    and (lower(${steps.content}) like ${pattern} or lower(${shownPayload(steps.toolInput)}) like ${pattern}
      or lower(${shownPayload(steps.toolOutput)}) like ${pattern}))`;
};

/** A chunk of the runs the other filters keep since `searchedFrom`, from the cursor (or an end), and whether each matches. */
function chunkQuery(db: ExecutionsDatabase, filters: ExecutionFilters, older: boolean, fromCursor: boolean) {
  const order = sql.raw(older ? 'desc nulls last' : 'asc nulls first');
  const runs = db
    .select({ startedAt: executions.startedAt, id: executions.id, conversationId: executions.conversationId })
    .from(executions)
    .where(
      and(
        listConditions(filters, asPlaceholders, 'omitted'),
        sql`${executions.startedAt} >= ${sql.placeholder('searchedFrom')}::timestamptz`,
        fromCursor ? beyond(older ? 'older' : 'newer', asPlaceholders) : undefined,
      ),
    )
    .orderBy(sql`${executions.startedAt} ${order}`, sql`${executions.id} ${order}`)
    .limit(SCAN_CHUNK)
    .as('runs');
  return db
    .select({
      at: cursorText(runs.startedAt),
      id: runs.id,
      conversationId: runs.conversationId,
      found: stepsHold(sql`${sql.identifier('runs')}.${sql.identifier('conversation_id')}`),
    })
    .from(runs)
    .orderBy(sql`${runs.startedAt} ${order}`, sql`${runs.id} ${order}`);
}

/** What a read of conversations found, and where it stopped. */
export interface ConversationScan {
  /** The conversations of the matching runs. */
  conversations: string[];
  /** Read towards older runs (else newer). */
  older: boolean;
  /** The last run read, when runs were left unread; null when every run to the end was read. */
  stoppedAt: PageCursor | null;
  /** Stopped because the time allowed ran out, not because enough were found. */
  cut: boolean;
}

/** One chunk's read: its matching conversations, its first and last run, and whether runs are left. */
interface Chunk {
  conversations: string[];
  first: PageCursor | null;
  last: PageCursor | null;
  more: boolean;
}

async function readChunk(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  searchedFrom: string,
  cursor: PageCursor | null,
  older: boolean,
): Promise<Chunk> {
  const fromCursor = cursor !== null;
  const query = preparedByShape(db, `conversation-scan ${filterShape(filters)} ${older} ${fromCursor}`, (name) =>
    chunkQuery(db, filters, older, fromCursor).prepare(name),
  );
  const page: PageRequest | undefined = cursor ? { kind: 'after', cursor, limit: 0 } : undefined;
  const rows = await query.execute({ ...listBindings(organizationId, filters, page), searchedFrom });
  const at = (row: (typeof rows)[number] | undefined) => (row ? { startedAt: row.at, id: row.id } : null);
  return {
    conversations: rows.filter((row) => row.found).map((row) => row.conversationId),
    first: at(rows[0]),
    last: at(rows.at(-1)),
    more: rows.length === SCAN_CHUNK,
  };
}

async function scan(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  searchedFrom: string,
  start: PageCursor | null,
  older: boolean,
  wanted: number,
  until: number,
): Promise<ConversationScan> {
  const conversations: string[] = [];
  let cursor = start;
  for (;;) {
    const chunk = await readChunk(db, organizationId, filters, searchedFrom, cursor, older);
    conversations.push(...chunk.conversations);
    if (!chunk.more || !chunk.last) return { conversations, older, stoppedAt: null, cut: false };
    cursor = chunk.last;
    if (conversations.length >= wanted) return { conversations, older, stoppedAt: cursor, cut: false };
    if (Date.now() >= until) return { conversations, older, stoppedAt: cursor, cut: true };
  }
}

/** A stretch of the newest-first list, as far as its conversations were read, and those holding the term. */
export interface ConversationStretch {
  /** The newest run read, or null when the search's days hold no run the filters keep. */
  first: PageCursor | null;
  /** The last run read; null when the stretch reaches the end of the searched days. */
  through: PageCursor | null;
  conversations: string[];
}

/**
 * Every conversation the search finds, newest first, for a reader that streams — the CSV — and so
 * is not bound by one request's time: the searched days read stretch by stretch, each as far as
 * `ms` or `runs` runs allow (at least one chunk), until none is left. Null without the option or a term.
 */
export function conversationStretches(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  now: Date,
  { ms, runs }: { ms: number; runs: number },
): AsyncGenerator<ConversationStretch> | null {
  if (filters.search === null || !filters.searchConversations) return null;
  const searchedFrom = searchedSince(now);
  return (async function* () {
    let cursor: PageCursor | null = null;
    let first: PageCursor | null = null;
    for (;;) {
      const until = Date.now() + ms;
      const conversations: string[] = [];
      for (let read = 0; ;) {
        const chunk = await readChunk(db, organizationId, filters, searchedFrom, cursor, true);
        conversations.push(...chunk.conversations);
        first ??= chunk.first;
        read += SCAN_CHUNK;
        if (!chunk.more || !chunk.last) {
          yield { first, through: null, conversations };
          return;
        }
        cursor = chunk.last;
        if (read >= runs || Date.now() >= until) break;
      }
      yield { first, through: cursor, conversations };
    }
  })();
}

/** Where the time ran out, for a page that may lack runs because of it. */
export interface ConversationsCut {
  at: PageCursor;
  older: boolean;
}

/** Whether `a` comes before `b` in the newest-first order. */
const newerThan = (a: PageCursor, b: PageCursor) => a.startedAt > b.startedAt || (a.startedAt === b.startedAt && a.id > b.id);

/**
 * The conversation search of one request, or null without the option or a term. One read from the
 * newest run serves the summary (up to one more match than it counts) and every page it reaches;
 * a page beyond it reads from its own cursor. All share the request's time allowed. `from` reads
 * for the CSV (every match) and for a live poll (the runs newer than the page's newest). Sorted
 * other than newest first (`everyMatch`), any match may be on any page: the one read finds them
 * all, as far as the time allows, and serves every page.
 */
export function conversationSearch(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  now: Date,
  { everyMatch = false, ms = CONVERSATION_SEARCH_MS }: { everyMatch?: boolean; ms?: number } = {},
) {
  if (filters.search === null || !filters.searchConversations) return null;
  const searchedFrom = searchedSince(now);
  const until = Date.now() + ms;
  const read = (start: PageCursor | null, older: boolean, wanted: number) =>
    scan(db, organizationId, filters, searchedFrom, start, older, wanted, until);
  let newest: Promise<ConversationScan> | undefined;
  const fromNewest = () => (newest ??= read(null, true, everyMatch ? Infinity : COUNT_BOUND + 1));
  const found = (s: ConversationScan): ExecutionFilters => ({ ...filters, conversationMatches: s.conversations });
  return {
    async from(start: PageCursor | null, older: boolean, wanted: number): Promise<ExecutionFilters> {
      return found(await read(start, older, wanted));
    },
    /** The filters for the summary, and whether its count may lack runs (then a lower bound). */
    async summary(): Promise<{ filters: ExecutionFilters; cut: boolean }> {
      const s = await fromNewest();
      return { filters: found(s), cut: s.cut };
    },
    /** The filters for a page, and the read that found its conversations. */
    async page(page: PageRequest): Promise<{ filters: ExecutionFilters; scan: ConversationScan }> {
      const s = await fromNewest();
      const reach = page.kind === 'offset' ? page.offset + page.limit : page.limit;
      const covered =
        everyMatch || s.stoppedAt === null || page.kind === 'fromEnd' || (page.kind === 'offset' && reach <= COUNT_BOUND + 1);
      const own = covered
        ? s
        : page.kind === 'offset'
          ? await read(null, true, reach)
          : await read(page.cursor, page.kind === 'after', page.limit);
      return { filters: found(own), scan: own };
    },
  };
}

/**
 * Where the page may lack runs because the time ran out: unless its read reached the end, or the
 * page is full and its furthest run in the read's direction was read (a match past that run would
 * not be on this page). `rows` newest first, as the list shows them; with `everyMatch` (another
 * order) a match left unread could belong anywhere, so any cut may leave this page short.
 */
export function cutShort(
  scan: ConversationScan,
  rows: { cursor: PageCursor }[],
  limit: number,
  everyMatch = false,
): ConversationsCut | null {
  const { stoppedAt, older } = scan;
  if (!scan.cut || stoppedAt === null) return null;
  if (everyMatch) return { at: stoppedAt, older };
  const furthest = older ? rows.at(-1) : rows[0];
  const read = furthest && (older ? !newerThan(stoppedAt, furthest.cursor) : !newerThan(furthest.cursor, stoppedAt));
  return rows.length >= limit && read ? null : { at: stoppedAt, older };
}
