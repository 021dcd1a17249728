/** The failure digest's read: failures among the filtered runs, from the count tables. */
import { and, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import type { ExecutionsDatabase } from '../db/database.js';
import { ONE_BACKEND, withLocalSettings } from '../db/local-settings.js';
import { asPlaceholders, runByShape, type Bind, type Bindings } from '../db/prepared.js';
import {
  countsName,
  MONTHLY,
  YEARLY_FAILURES,
  type DigestCounts,
  type FailureCounts,
  type InsightCounts,
  type PeriodFailureCounts,
} from '../list/counts.js';
import { countsForFilters, filterBindings, filterShape, type ExecutionFilters } from '../list/filter-set.js';
import type { FailureKind } from '../list/filters.js';
import { countsWhere } from '../list/summary-query.js';
import { rangeParts, type RangePart } from './range-parts.js';

export interface FailureGroup extends FailureKind {
  runs: number;
  agents: number;
}

/** Failures among the runs matching the filters, by first failed tool and error signature, most runs first. */
export async function digestFailures(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  limit: number,
): Promise<FailureGroup[]> {
  const applied = digestFilters(filters);
  if (applied === null) return [];
  const shape = digestShape(applied);
  const bindings = { ...digestBindings(organizationId, applied), limit };
  const read = (session: ExecutionsDatabase) =>
    runByShape(session, shape, (built) => digestFailuresQuery(built, applied), bindings);
  // A range in parts in one backend: Postgres reads a union of large parts in parallel workers,
  // which made the digest slower, not faster (docs/performance.md).
  const rows = rangePartFilters(applied) === null ? await read(db) : await withLocalSettings(db, ONE_BACKEND, read);
  return rows.map(({ kind: [tool, signature], runs, agents }) => ({ tool, signature, runs, agents }));
}

/**
 * The filters as the digest applies them: every run it counts is failed, so Failed filters nothing
 * more, and another status leaves no run (null).
 */
export function digestFilters(filters: ExecutionFilters): ExecutionFilters | null {
  if (filters.status === null) return filters;
  return filters.status === 'failed' ? { ...filters, status: null } : null;
}

/**
 * The filters of each part of their date range that a table answers whole (range-parts.ts), or
 * null: one table answers the range, or none of its parts is a whole month.
 */
function rangePartFilters(filters: ExecutionFilters): PartFilters[] | null {
  const parts = rangeParts(filters.startDate, filters.endDate);
  return parts && parts.map(({ from, to, sign }) => ({ ...filters, startDate: from, endDate: to, sign }));
}

/** A part's filters, and whether its runs count for or against the range (range-parts.ts). */
type PartFilters = ExecutionFilters & Pick<RangePart, 'sign'>;

/** A part's own placeholders: its filters' names, prefixed with its place in the range. */
const partBind =
  (i: number): Bind =>
  (name) =>
    asPlaceholders(`part${i}.${name}`);

/** The values of the digest's placeholders: the filters', and each part's of the range. */
export function digestBindings(organizationId: string, filters: ExecutionFilters): Bindings {
  const bindings: Bindings = { organizationId, ...filterBindings(filters) };
  rangePartFilters(filters)?.forEach((part, i) => {
    for (const [name, value] of Object.entries({ organizationId, ...filterBindings(part) })) bindings[`part${i}.${name}`] = value;
  });
  return bindings;
}

/**
 * Whether the counts hold one row per kind in the filters' range: over all time, or one month's or
 * one year's failure counts. Those rows are ranked as they are; summing them by kind first hashed
 * every kind's texts for nothing.
 */
function oneRowPerKind(filters: ExecutionFilters, c: DigestCounts): c is FailureCounts | PeriodFailureCounts {
  if (!('period' in c)) return true;
  if ('agentId' in c) return false;
  const { startDate: from, endDate: to } = filters;
  const length = c.period === YEARLY_FAILURES.period ? 4 : 7;
  return from !== null && to !== null && from.slice(0, length) === to.slice(0, length);
}

/** The key of a prepared digest query: the filters' shape and which counts they allow, for each part of the range. */
export const digestShape = (filters: ExecutionFilters) =>
  [
    'digest',
    oneRowPerKind(filters, countsForFilters(filters, null)) ? 'stored' : 'summed',
    `${filterShape(filters)} ${countsName(countsForFilters(filters, null))}`,
    ...(rangePartFilters(filters) ?? []).map((f) => `${f.sign} ${filterShape(f)} ${countsName(countsForFilters(f, null))}`),
  ].join(' ');

/**
 * The digest's query for filters as digestFilters gives them, with placeholders, unexecuted: the
 * page's kinds ranked by their runs first, then each one's agents, counted for those kinds only
 * from the rows that hold the agent — a count of distinct agents over every kind's rows sorted
 * them all, where the ranking alone is a hash of sums.
 */
export function digestFailuresQuery(db: ExecutionsDatabase, filters: ExecutionFilters) {
  const c = countsForFilters(filters, null);
  const parts = rangePartFilters(filters);
  const ranked = (
    parts ? partsKinds(db, parts) : oneRowPerKind(filters, c) ? storedKinds(db, filters, c) : summedKinds(db, filters, c)
  ).as('ranked');
  // The failure counts hold no agent: over all time or whole months, the monthly counts hold the
  // same runs by agent. A range in parts is not whole months: c is the daily counts.
  const a = 'agentId' in c ? c : MONTHLY;
  const agents = db
    .select({ n: sql<number>`count(distinct ${a.agentId})` })
    .from(a.table)
    .where(
      and(
        countsWhere(a, filters, asPlaceholders),
        sql`${a.status} = 'failed'`,
        sql`${a.failedTool} = ${ranked.tool}`,
        sql`${a.errorSignature} = ${ranked.signature}`,
        // A (period, agent) row that went back to zero runs is not an agent that failed.
        sql`${a.runs} > 0`,
      ),
    );
  return db
    .select({
      // As JSON: the digest links to each kind by these exact values, and PGlite's driver drops a
      // byte-order mark at the start of a text value (its decoder's default); inside JSON it stays.
      kind: sql<[tool: string, signature: string]>`json_build_array(${ranked.tool}, ${ranked.signature})`,
      runs: sql<number>`${ranked.runs}`.mapWith(Number),
      agents: sql<number>`(${agents})`.mapWith(Number),
    })
    .from(ranked)
    .orderBy(sql`${ranked.runs} desc`, ranked.tool, ranked.signature);
}

type SummedCounts = InsightCounts | PeriodFailureCounts;

/**
 * A sum of runs, exact and by value: bigint's own sum keeps a numeric per kind, whose arithmetic is
 * slow over tens of thousands of kinds; double precision adds integers exactly below 2^53, which
 * no count of runs nears (docs/performance.md).
 */
const sumOfRuns = (runs: SQLWrapper) => sql<number>`sum(${runs}::float8)::bigint`;

/** The counts' failed rows the filters keep, as (tool, signature, runs). */
function failedRows(
  db: ExecutionsDatabase,
  filters: ExecutionFilters,
  c: SummedCounts,
  bind: Bind,
  runs: SQL | SummedCounts['runs'] = c.runs,
) {
  return db
    .select({
      tool: sql<string>`${c.failedTool}`.as('tool'),
      signature: sql<string>`${c.errorSignature}`.as('signature'),
      runs: sql<number>`${runs}`.as('runs'),
    })
    .from(c.table)
    .where(
      and(
        countsWhere(c, filters, bind),
        'status' in c ? sql`${c.status} = 'failed'` : undefined,
        // No count is negative, so a kind's sum is above zero exactly when one of its rows is: rows
        // at zero (a spike column's most of all) are left out before the grouping, not after.
        sql`${c.runs} > 0`,
      ),
    );
}

/** Over a period or for agents: the counts' failed rows summed by kind, most runs first. */
function summedKinds(db: ExecutionsDatabase, filters: ExecutionFilters, c: SummedCounts) {
  const runs = sumOfRuns(c.runs);
  return failedRows(db, filters, c, asPlaceholders, runs)
    .groupBy(c.failedTool, c.errorSignature)
    .orderBy(sql`3 desc`, c.failedTool, c.errorSignature)
    .limit(sql.placeholder('limit'));
}

/** Over a range in parts: each part's failed rows from the table that answers it, summed by kind. */
function partsKinds(db: ExecutionsDatabase, parts: PartFilters[]) {
  const [first, second, ...rest] = parts.map((part, i) => {
    const c = countsForFilters(part, null);
    if (!('period' in c)) throw new Error('A part of a date range is summed by its period');
    return failedRows(db, part, c, partBind(i), part.sign < 0 ? sql`-${c.runs}` : c.runs);
  });
  const rows = unionAll(first!, second!, ...rest).as('rows');
  const runs = sumOfRuns(rows.runs);
  return (
    db
      .select({ tool: rows.tool, signature: rows.signature, runs: runs.as('runs') })
      .from(rows)
      .groupBy(rows.tool, rows.signature)
      // A kind whose runs in the range are all in months taken away sums to zero.
      .having(sql`${runs} > 0`)
      .orderBy(sql`3 desc`, rows.tool, rows.signature)
      .limit(sql.placeholder('limit'))
  );
}

/** Counts that hold one row per kind (oneRowPerKind): their own rows, most runs first. */
function storedKinds(db: ExecutionsDatabase, filters: ExecutionFilters, k: FailureCounts | PeriodFailureCounts) {
  return db
    .select({
      tool: sql<string>`${k.failedTool}`.as('tool'),
      signature: sql<string>`${k.errorSignature}`.as('signature'),
      runs: sql<number>`${k.runs}`.as('runs'),
    })
    .from(k.table)
    .where(and(countsWhere(k, filters, asPlaceholders), sql`${k.runs} > 0`))
    .orderBy(sql`3 desc`, k.failedTool, k.errorSignature)
    .limit(sql.placeholder('limit'));
}
