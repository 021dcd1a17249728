/** The CSV export's reads: the list's runs in batches, each found from the filters' index first. */
import { and, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { asParameters } from '../db/prepared.js';
import { agents, executions } from '../db/schema.js';
import { listConditions, type ExecutionFilters } from '../list/filter-set.js';
import { beyond, listBindings, NEWEST_FIRST, type PageCursor } from '../list/page-query.js';
import { cursorText } from '../list/run-columns.js';

/**
 * A stretch of the newest-first list: the runs after `after` (exclusive; from the top without one)
 * through `through` (inclusive), none started after `newest`. Bounded by runs, so that stretches
 * read apart neither lose nor repeat a run, whatever is written meanwhile; and by an instant, so
 * that runs recorded at the top since the stretch was found stay out of it.
 */
export interface ListRange {
  after: PageCursor | null;
  through: PageCursor;
  /** UTC ISO, microseconds: `after`'s start, or the list's first run's when it was found. */
  newest: string;
}

function inRange({ after, through, newest }: ListRange): SQL | undefined {
  // A plain range on started_at for the index, and ties on its two instants settled by id. Not
  // row comparisons: the planner estimates each by its first column alone, and misjudged a
  // batch's size enough to join agent by agent and sort.
  return and(
    gte(executions.startedAt, sql`${through.startedAt}::timestamptz`),
    lte(executions.startedAt, sql`${newest}::timestamptz`),
    sql`(${executions.startedAt} <> ${through.startedAt}::timestamptz or ${executions.id} >= ${through.id}::uuid)`,
    after ? sql`(${executions.startedAt} <> ${after.startedAt}::timestamptz or ${executions.id} < ${after.id}::uuid)` : undefined,
  );
}

/**
 * The stored text a line quotes, each value decompressed once a run: a line reads its values
 * several times, and a stored column read several times is decompressed each time (a megabyte
 * agent name on each of a batch's lines made its query take seconds; docs/performance.md, "The
 * CSV export"). `|| ''` makes each a value of its own, and OFFSET 0 keeps the lateral subquery
 * from being folded into the line, where it would be computed at each use again.
 */
const STORED_TEXT = 'xa_text';
const storedTextColumns = { agent: agents.name, title: executions.conversationTitle, error: executions.errorMessage };
const storedTextLateral = sql`(select ${sql.join(
  Object.entries(storedTextColumns).map(([alias, column]) => sql`${column} || '' as ${sql.identifier(alias)}`),
  sql`, `,
)} offset 0) as ${sql.identifier(STORED_TEXT)}`;
/** One of the run's stored texts, for the line. */
export const storedText = (name: keyof typeof storedTextColumns) =>
  sql<string | null>`${sql.identifier(STORED_TEXT)}.${sql.identifier(name)}`;

/**
 * The list's runs in a range — same organization, filters and newest-first order, agents
 * joined — each as one CSV line (`line`, SQL over the joined tables and `storedText`).
 * Unexecuted: `csvPartQuery` reads it, and the bench checks its plan.
 */
export function csvLinesQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  line: SQL<string>,
  range: ListRange,
) {
  return db
    .select({ line: line.as('line'), startedAt: executions.startedAt, id: executions.id })
    .from(executions)
    .innerJoin(
      agents,
      and(sql`${agents.organizationId} = ${executions.organizationId}`, sql`${agents.id} = ${executions.agentId}`),
    )
    .crossJoinLateral(storedTextLateral)
    .where(and(listConditions(filters, asParameters(listBindings(organizationId, filters))), inRange(range)))
    .orderBy(...NEWEST_FIRST);
}

/**
 * A range's lines as far as `partBytes`: `line` only for the runs whose lines before them in the
 * range come to fewer bytes, so a part stays small (and its query short) however long the stored
 * values are. `last` marks the run that reaches the bound, after which the range's rest is left
 * for another part; no run reaches it when the whole range fits. In the list's order, a running
 * sum over the lines' own order, so neither costs a sort. Unexecuted: the export aggregates a part
 * over it, in one row.
 */
export function csvPartQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  line: SQL<string>,
  range: ListRange,
  partBytes: number,
) {
  const lines = csvLinesQuery(db, organizationId, filters, line, range).as('xa_lines');
  const size = sql<number>`octet_length(${lines.line})`;
  const through = sql<number>`sum(${size}) over (order by ${lines.startedAt} desc nulls last, ${lines.id} desc nulls last rows unbounded preceding)`;
  const sized = db
    .select({
      line: lines.line,
      startedAt: lines.startedAt,
      id: lines.id,
      before: sql<number>`${through} - ${size}`.as('before'),
      size: size.as('size'),
    })
    .from(lines)
    .as('xa_sized');
  return db
    .select({
      line: sql<string | null>`case when ${sized.before} < ${partBytes} then ${sized.line} end`.as('line'),
      last: sql<boolean>`${sized.before} < ${partBytes} and ${sized.before} + ${sized.size} >= ${partBytes}`.as('last'),
      startedAt: sized.startedAt,
      id: sized.id,
    })
    .from(sized);
}

/**
 * Where the list splits into batches of `size` runs, for the next `count` batches after `after`
 * (from the newest without one): the first run (n = 1), every `size`-th, and the last if the
 * list ends sooner. The filters' index alone answers it, without the joins or the rows, so the
 * batches can then be read side by side. A last n below size × count means the list ends there.
 * Unexecuted: the bench checks its plan.
 */
export function batchBoundariesQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  after: PageCursor | null,
  size: number,
  count: number,
) {
  const bind = asParameters(
    listBindings(organizationId, filters, after ? { kind: 'after', cursor: after, limit: 0 } : undefined),
  );
  const runs = db
    .select({ startedAt: executions.startedAt, id: executions.id })
    .from(executions)
    .where(and(listConditions(filters, bind), after ? beyond('older', bind) : undefined))
    .orderBy(...NEWEST_FIRST)
    .limit(size * count)
    .as('runs');
  // The window's order is the subquery's own, so it costs no sort.
  const order = sql`order by ${runs.startedAt} desc nulls last, ${runs.id} desc nulls last`;
  const numbered = db
    .select({
      startedAt: runs.startedAt,
      id: runs.id,
      n: sql<number>`row_number() over (${order})`.as('n'),
      last: sql<boolean>`lead(${runs.id}) over (${order}) is null`.as('last'),
    })
    .from(runs)
    .as('numbered');
  return db
    .select({ startedAt: cursorText(numbered.startedAt), id: numbered.id, n: sql<number>`${numbered.n}`.mapWith(Number) })
    .from(numbered)
    .where(sql`${numbered.n} = 1 or ${numbered.n} % ${size} = 0 or ${numbered.last}`)
    .orderBy(numbered.n);
}
