/**
 * "Download CSV": every run matching the list's filters, streamed in keyset batches so memory
 * stays flat however many there are. Cells are quoted per RFC 4180 and neutralised against
 * formula injection: a spreadsheet must never run an agent name or an error message.
 *
 * Postgres writes the CSV. Each batch is one query answering one row (or a few, for long
 * fields: see PART_BYTES): its lines labelled, formatted, neutralised, quoted and joined in the
 * list's order. Decoding every column of every
 * row and formatting it here made this process the export's bottleneck; instead it hands text
 * from Postgres to the socket. Where batches begin and end is found first, cheaply, from the
 * index, so two backends read the next two batches while one is sent (one batch after another,
 * each starting where the last ended, kept the export to one core of Postgres; see
 * docs/performance.md). Dates are local times at offsets Intl gives (see
 * `dateTimeSql`), not at Postgres's own time zone data, which is not Intl's: PGlite's and Node's
 * disagree on Vancouver from November 2026, for one. `csv-export.test.ts` holds the SQL equal to
 * `csvCell`, `formatDateTime` and English credits (`numberFormat('en')`), and whole files equal
 * to what they write.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { ONE_BACKEND, withLocalSettings } from '../db/local-settings.js';
import type { ExecutionsDatabase } from '../db/database.js';
import { en } from '../i18n/en.js';
import type { ExecutionQuery } from '../list/query.js';
import { listAgents, type Organization } from '../db/organization.js';
import { CONVERSATION_SEARCH_MS, conversationStretches, type ConversationStretch } from '../list/conversation-search.js';
import { checkQuery } from '../list/execution-list.js';
import { filtersFor, type ExecutionFilters } from '../list/filter-set.js';
import { type PageCursor } from '../list/page-query.js';
import { cursorText } from '../list/run-columns.js';
import { batchBoundariesQuery, csvPartQuery, storedText, type ListRange } from './repository.js';
import { agents, executions, runActions } from '../db/schema.js';
import { utcOffsetChanges, type OffsetChange } from '../lib/time-zone.js';

/** Rows per batch query: little memory held per batch, each query well inside the statement timeout. */
const BATCH = 10_000;
/**
 * Bytes of lines per query: a batch whose lines come to more is read in parts, so that
 * megabyte-long names, titles or errors neither make one huge row nor take a query past the
 * statement timeout (docs/performance.md, "The CSV export"). Well above a batch of usual runs
 * (about 1.3 MB), which is never cut.
 */
const PART_BYTES = 4 * 1024 * 1024;
/** Batches whose bounds one index-only query finds. */
const BOUNDS = 20;
/**
 * Batches read at once, each by its own backend, while the one before them is sent: a batch's
 * bounds no longer depend on the batch before it, so two cores' worth of Postgres can format.
 */
const READ_AHEAD = 2;

/**
 * The header row, and the words in cells (statuses, "Agent removed"), are English whatever table
 * the pages speak: the programs and spreadsheet formulas that read the export rely on them.
 */
const HEADER = [
  'Agent',
  'Schedule',
  'Date/Time',
  'Status',
  'Credits',
  'Error',
  'Execution ID',
  'Conversation ID',
  'Duration (s)',
];
/** With the host's actions: each run's newest action, "Cancel by Ana: succeeded". */
const ACTION_HEADER = 'Last action';

/** A cell a spreadsheet reads as text: formulas defused, then quoted when it must be. */
export function csvCell(value: string): string {
  // =, +, - and @ start a formula in Excel, LibreOffice and Google Sheets; tab and CR can too.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * csvCell in SQL. The value is read several times, so better a column than an expression, which
 * would be computed as often. ascii() and strpos() cost less than left() and a regular
 * expression did.
 */
export function csvCellSql(value: SQL | AnyPgColumn): SQL {
  // =, +, -, @, tab and CR.
  const formula = sql`ascii(${value}) in (61, 43, 45, 64, 9, 13)`;
  const needsQuotes = sql`(strpos(${value}, '"') > 0 or strpos(${value}, ',') > 0 or strpos(${value}, E'\\r') > 0 or strpos(${value}, E'\\n') > 0)`;
  const quoted = sql`replace(${value}, '"', '""') || '"'`;
  return sql`(case
    when ${formula} then case when ${needsQuotes} then '"''' || ${quoted} else '''' || ${value} end
    when ${needsQuotes} then '"' || ${quoted}
    else ${value} end)`;
}

/**
 * English credits in SQL (`numberFormat('en').credits`): grouping and at most two decimals
 * (1,234.5). FM drops the padding and trailing zeros but leaves the point of a whole number
 * ("12."), hence the rtrim; ten integer digits cover numeric(12, 2).
 */
export function creditsSql(credits: SQL | AnyPgColumn): SQL {
  return sql`rtrim(to_char(${credits}, 'FM9,999,999,990.99'), '.')`;
}

/**
 * The credits cell, '' for none: what csvCell makes of English credits, formatted once. Credits are
 * never negative (a check constraint), so only the grouping comma of thousands calls for quotes.
 */
export function creditsCellSql(credits: SQL | AnyPgColumn): SQL {
  return sql`(case when ${credits} is null then '' when ${credits} >= 1000 then '"' || ${creditsSql(credits)} || '"' else ${creditsSql(credits)} end)`;
}

/** A zone's UTC offsets over a span of instants (ms): the offset at `from`, then each change. */
export interface OffsetTable {
  from: number;
  to: number;
  offset: number;
  changes: OffsetChange[];
}

export function offsetTable(timeZone: string, from: number, to: number): OffsetTable {
  return { from, to, ...utcOffsetChanges(timeZone, from, to) };
}

/**
 * formatDateTime in SQL, for instants the table covers: the UTC time shifted by the offset in
 * force (width_bucket finds it by bisection), as dd/MM/yyyy HH:mm. The arrays are parameters,
 * read once per query through scalar subqueries.
 */
export function dateTimeSql(instant: SQL | AnyPgColumn, table: OffsetTable): SQL {
  const changes = `{${table.changes.map((c) => `"${new Date(c.at).toISOString()}"`).join(',')}}`;
  const offsets = `{${[table.offset, ...table.changes.map((c) => c.offset)].map((s) => `"${s} seconds"`).join(',')}}`;
  return sql`to_char((${instant} at time zone 'UTC')
    + (select ${offsets}::interval[])[width_bucket(${instant}, (select ${changes}::timestamptz[])) + 1], 'DD/MM/YYYY HH24:MI')`;
}

/**
 * The Duration cell: finished − started in seconds, to the millisecond ("72.413", "0.5", "3600"),
 * a number a spreadsheet sums; '' while the run has not finished, or when its stored finish comes
 * before its start. Last, so that programs reading the export by position find the columns they
 * knew where they were. Each instant is cut to the millisecond first, as the page's dates are.
 */
export function durationCellSql(startedAt: SQL | AnyPgColumn, finishedAt: SQL | AnyPgColumn): SQL {
  const ms = (instant: SQL | AnyPgColumn) => sql`date_trunc('milliseconds', ${instant})`;
  return sql`(case when ${ms(finishedAt)} >= ${ms(startedAt)}
    then trim_scale(extract(epoch from ${ms(finishedAt)} - ${ms(startedAt)}))::text else '' end)`;
}

const statusLabelSql = sql`(case ${executions.status}::text ${sql.join(
  Object.entries(en.statuses).map(([status, label]) => sql`when ${status} then ${label}`),
  sql` `,
)} end)`;

/**
 * The run's newest action as its cell, or ''. The action is read once, in a subquery of its own, as
 * csvCellSql reads its value several times; by the trail's index, one probe a run.
 */
const lastActionCellSql = sql`coalesce((select ${csvCellSql(sql`xa_last.text`)} from (
    select (case ${runActions.action} when 'cancel' then 'Cancel' else 'Run again' end) || ' by '
      || coalesce(${runActions.userName}, ${runActions.userId}) || ': ' || ${runActions.outcome}::text as text
    from ${runActions}
    where ${runActions.organizationId} = ${executions.organizationId} and ${runActions.executionId} = ${executions.id}
    order by ${runActions.at} desc limit 1) as xa_last), '')`;

/** One run as a CSV line, the columns of HEADER (and the last action's). Ids, dates and labels never need quoting. */
function csvLineSql(table: OffsetTable, lastAction: boolean): SQL<string> {
  return sql<string>`concat_ws(',',
    (case when ${agents.deletedAt} is null then ${csvCellSql(storedText('agent'))} else ${en.agentRemoved} end),
    ${csvCellSql(storedText('title'))},
    ${dateTimeSql(executions.startedAt, table)},
    ${statusLabelSql},
    ${creditsCellSql(executions.credits)},
    coalesce(${csvCellSql(storedText('error'))}, ''),
    ${executions.id},
    ${executions.conversationId},
    ${durationCellSql(executions.startedAt, executions.finishedAt)}${lastAction ? sql`, ${lastActionCellSql}` : sql``}) || E'\\r\\n'`;
}

/** A batch: its runs' range in the list, offsets covering their instants, and the filters it is read with. */
interface BatchBounds {
  range: ListRange;
  table: OffsetTable;
  filters: ExecutionFilters;
}

/**
 * The list's batches in order after `from` (from the top without it), BOUNDS at a time from one
 * query, the next query sent as soon as the one before answers. Each chunk's offsets span its
 * runs, from its newest to its oldest.
 */
async function* batchBounds(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  timeZone: string,
  from: PageCursor | null = null,
): AsyncGenerator<BatchBounds> {
  // Awaited once: a query builder runs its query again at every then().
  const boundaries = async (from: PageCursor | null) => batchBoundariesQuery(db, organizationId, filters, from, BATCH, BOUNDS);
  let after = from;
  let pending = boundaries(from);
  for (;;) {
    const bounds = await pending;
    const first = bounds[0];
    const last = bounds.at(-1);
    if (!first || !last) return;
    const full = last.n === BATCH * BOUNDS;
    if (full) {
      pending = boundaries(last);
      // Awaited at the next chunk, or never if the download is abandoned (see prefetch).
      pending.catch(() => {});
    }
    // The chunk's runs started from its last run's instant to the run before it (or its first, at
    // the top). Parsing keeps milliseconds: the newest microsecond may be up to 1 ms later.
    const table = offsetTable(timeZone, Date.parse(last.startedAt), Date.parse((after ?? first).startedAt) + 1);
    // The first run only dates the chunk; batches end at the others.
    for (const through of bounds.slice(first === last ? 0 : 1)) {
      yield { range: { after, through, newest: (after ?? first).startedAt }, table, filters };
      after = through;
    }
    if (!full) return;
  }
}

/**
 * The batches of a search "also in conversations": each stretch of the searched days as its
 * conversations are read, with those found in it — a match is always a run of the stretch, as
 * each run has its own conversation — then, past the last, the rest of the list as batchBounds
 * reads it, with the last stretch's finds. The whole search is read, however long it takes: the
 * download streams, and no request waits for more than the first stretch.
 */
async function* searchedBatches(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  timeZone: string,
  stretches: AsyncGenerator<ConversationStretch>,
): AsyncGenerator<BatchBounds> {
  let after: PageCursor | null = null;
  for await (const { first, through, conversations } of stretches) {
    const found = { ...filters, conversationMatches: conversations };
    if (through === null || first === null) {
      yield* batchBounds(db, organizationId, found, timeZone, after);
      return;
    }
    const newest = (after ?? first).startedAt;
    const table = offsetTable(timeZone, Date.parse(through.startedAt), Date.parse(newest) + 1);
    yield { range: { after, through, newest }, table, filters: found };
    after = through;
  }
}

/** A part of a batch as CSV lines, and what is left of the batch after it (null: nothing). */
interface Part {
  text: string;
  rest: BatchBounds | null;
}

/** A batch's lines as far as PART_BYTES, formatted and joined by Postgres in one row. */
async function readPart(
  db: ExecutionsDatabase,
  organizationId: string,
  { range, table, filters }: BatchBounds,
  lastAction: boolean,
): Promise<Part> {
  const batch = csvPartQuery(db, organizationId, filters, csvLineSql(table, lastAction), range, PART_BYTES).as('batch');
  // One backend: the export ran slower with parallel workers, though Postgres chooses them for
  // these batches. And a walk of the filters' index in the list's order: without a LIMIT the
  // planner would rather read agent by agent and sort, which takes far longer a batch than the
  // walk. See docs/performance.md.
  const [row] = await withLocalSettings(db, { ...ONE_BACKEND, enable_sort: 'off' }, (tx) => {
    // The lines come in the list's order from the sorted subquery, and string_agg joins them in
    // the order it reads them (as Postgres documents for a sorted subquery): an ORDER BY of its
    // own would sort each batch again. string_agg leaves out the runs past the part (no line).
    return tx
      .select({
        text: sql<string>`coalesce(string_agg(${batch.line}, ''), '')`,
        lastStartedAt: sql<string | null>`(array_agg(${cursorText(batch.startedAt)}) filter (where ${batch.last}))[1]`,
        lastId: sql<string | null>`(array_agg(${batch.id}) filter (where ${batch.last}))[1]`,
      })
      .from(batch);
  });
  const text = row?.text ?? '';
  if (!row?.lastStartedAt || !row.lastId || row.lastId === range.through.id) return { text, rest: null };
  const last = { startedAt: row.lastStartedAt, id: row.lastId };
  return { text, rest: { range: { after: last, through: range.through, newest: last.startedAt }, table, filters } };
}

/**
 * The CSV as a byte stream, in the list's newest-first order. The first batch is read before
 * anything is sent, so a database that cannot serve answers 503 rather than a 200 cut short.
 * `lastAction`: a last column with each run's newest action (when the host acts on runs).
 */
export async function exportCsv(
  db: ExecutionsDatabase,
  organization: Organization,
  query: ExecutionQuery,
  lastAction = false,
  /** The time the "also in conversations" search may take (conversationSearchAllowance). */
  conversationSearchMs = CONVERSATION_SEARCH_MS,
): Promise<ReadableStream<Uint8Array>> {
  // Checked as the list checks it: a search also finds runs by their agents' names.
  const agentList = await listAgents(db, organization.id);
  const checked = filtersFor(checkQuery({ query, errors: {}, rejected: {} }, agentList).query, organization.timeZone);
  // With "also in conversations", every run whose conversation holds the term: each stretch read
  // for as long as a request's search may take, or a batch of runs.
  const stretches = conversationStretches(db, organization.id, checked, new Date(), { ms: conversationSearchMs, runs: BATCH });
  const encoder = new TextEncoder();
  const bounds = stretches
    ? searchedBatches(db, organization.id, checked, organization.timeZone, stretches)
    : batchBounds(db, organization.id, checked, organization.timeZone);
  // Awaited at its pull, or never if the download is abandoned: a failure meanwhile must not
  // count as unhandled, which would end the process.
  const settled = <T>(promise: Promise<T>) => {
    promise.catch(() => {});
    return promise;
  };
  const read = (batch: BatchBounds) => settled(readPart(db, organization.id, batch, lastAction));
  /** The next batch's first part, or null past the last; an async generator answers next() in order. */
  const prefetch = () => settled(bounds.next().then((next) => (next.done ? null : read(next.value))));
  // The first batch alone, then the others: read beside it, they would slow the one the request
  // waits for, which must come within the request's deadline (a cold first batch read beside two
  // others overran it on a large list).
  const ahead = [prefetch()];
  await ahead[0];
  while (ahead.length < READ_AHEAD) ahead.push(prefetch());
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // A byte-order mark so spreadsheet programs read the UTF-8 as UTF-8.
      controller.enqueue(
        encoder.encode(`\uFEFF${[...HEADER, ...(lastAction ? [ACTION_HEADER] : [])].map(csvCell).join(',')}\r\n`),
      );
    },
    // Called once the previous chunk was taken, so a slow client holds the reading back.
    // An empty part (a stretch of the searched days with no match) is passed over here: a pull
    // that enqueues nothing is not called again, and the download would stall.
    async pull(controller) {
      for (;;) {
        const part = await ahead[0]!;
        if (part === null) {
          controller.close();
          return;
        }
        // Postgres reads the rest of the batch, or the batches after it, while this part goes out.
        if (part.rest) {
          ahead[0] = read(part.rest);
        } else {
          ahead.shift();
          ahead.push(prefetch());
        }
        if (part.text) {
          controller.enqueue(encoder.encode(part.text));
          return;
        }
      }
    },
  });
}
