/**
 * "Download CSV": every run matching the list's filters, streamed in keyset batches so memory
 * stays flat however many there are. Cells are quoted per RFC 4180 and neutralised against
 * formula injection: a spreadsheet must never run an agent name or an error message.
 *
 * Postgres writes the CSV. Each batch is one query answering one row: its lines labelled,
 * formatted, neutralised, quoted and joined in the list's order, and where the batch ends.
 * Decoding every column of every row and formatting it here cost about 20 µs a row, which held
 * the export near 15,000 rows/s; now this process hands text from Postgres to the socket, and
 * Postgres reads the next batch meanwhile. Dates are local times at offsets Intl gives (see
 * `dateTimeSql`), not at Postgres's own time zone data, which is not Intl's: PGlite's and Node's
 * disagree on Vancouver from November 2026, for one. `csv-export.test.ts` holds the SQL equal to
 * `csvCell`, `formatDateTime` and `formatCredits`, and whole files equal to what they write.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { ExecutionsDatabase } from './database.js';
import { filtersFor } from './execution-list.js';
import { STATUS_LABELS } from './list-view-model.js';
import type { ExecutionQuery } from './query.js';
import { cursorText, listedExecutionsQuery, type ExecutionFilters, type Organization, type PageCursor } from './repository.js';
import { agents, conversations, executions } from './schema.js';
import { utcOffsetChanges, type OffsetChange } from './time-zone.js';

/** Rows per query: about 1.3 MB of CSV, each query well inside the statement timeout. */
const BATCH = 10_000;

const HEADER = ['Agent', 'Schedule', 'Date/Time', 'Status', 'Credits', 'Error', 'Execution ID', 'Conversation ID'];

/** A cell a spreadsheet reads as text: formulas defused, then quoted when it must be. */
export function csvCell(value: string): string {
  // =, +, - and @ start a formula in Excel, LibreOffice and Google Sheets; tab and CR can too.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * csvCell in SQL. The value is read several times, so better a column than an expression, which
 * would be computed as often. ascii() and strpos() cost half what left() and a regular
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
 * formatCredits in SQL: en-GB grouping and at most two decimals (1,234.5). FM drops the padding
 * and trailing zeros but leaves the point of a whole number ("12."), hence the rtrim; ten integer
 * digits cover numeric(12, 2).
 */
export function creditsSql(credits: SQL | AnyPgColumn): SQL {
  return sql`rtrim(to_char(${credits}, 'FM9,999,999,990.99'), '.')`;
}

/**
 * The credits cell, '' for none: what csvCell makes of formatCredits, formatted once. Credits are
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

/** The table grown to cover [from, to] as well, computing only what it lacked. */
function widened(table: OffsetTable, timeZone: string, from: number, to: number): OffsetTable {
  const before = from < table.from ? utcOffsetChanges(timeZone, from, table.from) : null;
  const after = to > table.to ? utcOffsetChanges(timeZone, table.to, to).changes : [];
  return {
    from: Math.min(from, table.from),
    to: Math.max(to, table.to),
    offset: before ? before.offset : table.offset,
    changes: [...(before?.changes ?? []), ...table.changes, ...after],
  };
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

const statusLabelSql = sql`(case ${executions.status}::text ${sql.join(
  Object.entries(STATUS_LABELS).map(([status, label]) => sql`when ${status} then ${label}`),
  sql` `,
)} end)`;

/** One run as a CSV line, the columns of HEADER. Ids, dates and labels never need quoting. */
function csvLineSql(table: OffsetTable): SQL<string> {
  return sql<string>`concat_ws(',',
    (case when ${agents.deletedAt} is null then ${csvCellSql(agents.name)} else ${'Agent removed'} end),
    ${csvCellSql(conversations.title)},
    ${dateTimeSql(executions.startedAt, table)},
    ${statusLabelSql},
    ${creditsCellSql(executions.credits)},
    coalesce(${csvCellSql(executions.errorMessage)}, ''),
    ${executions.id},
    ${executions.conversationId}) || E'\\r\\n'`;
}

interface Batch {
  text: string;
  rows: number;
  /** The oldest row's place in the order, where the next batch starts. */
  last: PageCursor | null;
  /** The instants the batch spans (ms, the newest rounded up). */
  span: { from: number; to: number } | null;
}

async function readBatch(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  table: OffsetTable,
  after: PageCursor | null,
): Promise<Batch> {
  const batch = listedExecutionsQuery(db, organizationId, filters, csvLineSql(table), after, BATCH).as('batch');
  const [row] = await db.transaction(async (tx) => {
    // One backend: parallel workers cost more to start and merge than they save on a walk of
    // 10,000 index entries, and take the cores this process and its client need (the export
    // ran 1.4–1.9× slower with them, Postgres's choice for these batches).
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    // An aggregate reads its input in no promised order, so each names the list's.
    return tx
      .select({
        text: sql<string>`coalesce(string_agg(${batch.line}, '' order by ${batch.startedAt} desc, ${batch.id} desc), '')`,
        rows: sql<number>`count(*)`.mapWith(Number),
        oldest: cursorText(sql`min(${batch.startedAt})`),
        newest: cursorText(sql`max(${batch.startedAt})`),
        lastId: sql<string>`(array_agg(${batch.id} order by ${batch.startedAt}, ${batch.id}))[1]`,
      })
      .from(batch);
  });
  if (!row?.rows) return { text: '', rows: 0, last: null, span: null };
  return {
    text: row.text,
    rows: row.rows,
    last: { startedAt: row.oldest, id: row.lastId },
    // Parsing keeps milliseconds: the newest microsecond may be up to 1 ms later.
    span: { from: Date.parse(row.oldest), to: Date.parse(row.newest) + 1 },
  };
}

/**
 * The CSV as a byte stream, in the list's newest-first order. The first batch is read before
 * anything is sent, so a database that cannot serve answers 503 rather than a 200 cut short.
 */
export async function exportCsv(
  db: ExecutionsDatabase,
  organization: Organization,
  query: ExecutionQuery,
): Promise<ReadableStream<Uint8Array>> {
  const { timeZone } = organization;
  const filters = filtersFor(query, timeZone);
  const encoder = new TextEncoder();
  // Offsets for the week around now, to begin with; each batch widens them as it needs.
  const now = Date.now();
  let table = offsetTable(timeZone, now - 7 * 86_400_000, now + 86_400_000);

  /** The batch after `after`, read again (rarely) when its dates fell outside the offsets sent. */
  const read = async (after: PageCursor | null): Promise<Batch> => {
    for (;;) {
      const batch = await readBatch(db, organization.id, filters, table, after);
      const { span } = batch;
      if (!span || (span.from >= table.from && span.to <= table.to)) {
        // Guess the next batch reaches as far back again as this one did, and a day more.
        if (span) table = widened(table, timeZone, span.from - 2 * (span.to - span.from) - 86_400_000, span.to);
        return batch;
      }
      table = widened(table, timeZone, span.from, span.to);
    }
  };
  const prefetch = (after: PageCursor | null) => {
    const batch = read(after);
    // Awaited at the next pull, or never if the download is abandoned: a failure meanwhile must
    // not count as unhandled, which would end the process.
    batch.catch(() => {});
    return batch;
  };
  let pending: Promise<Batch> | null = Promise.resolve(await read(null));
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // A byte-order mark so spreadsheet programs read the UTF-8 as UTF-8.
      controller.enqueue(encoder.encode(`\uFEFF${HEADER.map(csvCell).join(',')}\r\n`));
    },
    // Called once the previous chunk was taken, so a slow client holds the reading back.
    async pull(controller) {
      if (!pending) return;
      const { text, rows, last } = await pending;
      // Postgres reads the next batch while this one goes out.
      pending = rows === BATCH ? prefetch(last) : null;
      if (text) controller.enqueue(encoder.encode(text));
      if (!pending) controller.close();
    },
  });
}
