/**
 * The list's summary: the total, the credits and the activity chart of the runs the filters
 * keep, summed from the count tables (counts.ts) in one pass, so total and chart never disagree.
 */
import { and, sql, type AnyColumn, type SQL, type Subquery } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { asParameters, asPlaceholders, preparedByShape, type Bind, type Bindings } from '../db/prepared.js';
import { executions, type ExecutionStatus } from '../db/schema.js';
import { countsName, type ActivityUnit, type Counts } from './counts.js';
import {
  countable,
  countConditions,
  countsForFilters,
  filterBindings,
  filterShape,
  listConditions,
  type ExecutionFilters,
} from './filter-set.js';

/**
 * How many runs the summary counts itself when the count tables cannot answer a filter (a
 * search): past it the total is "more than" this, and neither credits nor chart are shown.
 */
export const COUNT_BOUND = 1_000;

export interface ActivityBucket {
  /** The bucket's first day, yyyy-MM-dd (a Monday for weeks, the 1st for months). */
  start: string;
  status: ExecutionStatus;
  runs: number;
}

export interface ExecutionSummary {
  /** Every matching run, counted once; when not `exact`, COUNT_BOUND, of more. */
  total: number;
  /**
   * Null when `total` is exact; else it is a lower bound (a search the summary counts by itself):
   * more than COUNT_BOUND run match, or at least `total`. Credits and chart are then not theirs.
   */
  lowerBound: 'moreThan' | 'atLeast' | null;
  /** Their credits, exact to the hundredth. */
  credits: number;
  /** Runs per bucket and status; only buckets with runs. */
  activity: ActivityBucket[];
  /**
   * A search's: its term was rare among the newest runs the other filters keep, and its index
   * counted every match (search-plan.ts); a page in another order reads them by it (sorted-plan.ts).
   */
  rareTerm?: boolean;
}

const summaryBindings = (organizationId: string, filters: ExecutionFilters): Bindings => ({
  organizationId,
  timeZone: filters.timeZone,
  ...filterBindings(filters),
});

/** The organization's counts that the filters keep. */
export function countsWhere(counts: Counts, filters: ExecutionFilters, bind: Bind): SQL | undefined {
  return and(sql`${counts.organizationId} = ${bind('organizationId')}`, ...countConditions(filters, counts, bind));
}

/** The summary query itself, unexecuted: the bench checks its plan. */
export function summarizeExecutionsQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  unit: ActivityUnit,
  bind: Bind = asParameters(summaryBindings(organizationId, filters)),
) {
  if (!countable(filters)) return countRunsQuery(db, filters, unit, bind);
  const c = countsForFilters(filters, unit);
  const where = countsWhere(c, filters, bind);
  // Sums of bigint are numeric, whose arithmetic is slow; a run count or a sum of cents never
  // nears bigint's limit.
  const runs = sql<string>`sum(${c.runs})::bigint`;
  const cents = sql<string>`sum(${c.creditCents})::bigint`;
  let bars;
  if (unit === (c.monthly ? 'month' : 'day')) {
    // A bar per period of the counts' rows: one grouping.
    bars = db
      .select({
        start: sql<string>`to_char(${c.period}, 'YYYY-MM-DD')`.as('start'),
        status: c.status,
        runs: runs.as('runs'),
        cents: cents.as('cents'),
      })
      .from(c.table)
      .where(where)
      .groupBy(c.period, c.status)
      .having(sql`${runs} > 0`)
      .as('bars');
  } else {
    // Days (or months) first, then buckets: the date functions run once per day instead of once
    // per count row (one per agent and status, or more).
    const days = db
      .select({ day: sql<string>`${c.period}`.as('day'), status: c.status, runs: runs.as('runs'), cents: cents.as('cents') })
      .from(c.table)
      .where(where)
      .groupBy(c.period, c.status)
      .as('days');
    const bucket = sql`date_trunc(${sql.raw(`'${unit}'`)}, ${days.day}::timestamp)`;
    bars = db
      .select({
        start: sql<string>`to_char(${bucket}, 'YYYY-MM-DD')`.as('start'),
        status: days.status,
        runs: sql<string>`sum(${days.runs})::bigint`.as('runs'),
        cents: sql<string>`sum(${days.cents})::bigint`.as('cents'),
      })
      .from(days)
      .groupBy(sql`1`, days.status)
      .having(sql`sum(${days.runs}) > 0`)
      .as('bars');
  }
  return barsAsOneRow(db, bars);
}

/**
 * The summary from the runs themselves, for filters the count tables cannot answer: at most
 * COUNT_BOUND + 1 of them, so the cost is bounded whatever matches, and one more than the bound
 * says the total is not exact. Bars as the counts give them: runs and cents per bucket and status.
 */
export function countRunsQuery(
  db: ExecutionsDatabase,
  filters: ExecutionFilters,
  unit: ActivityUnit,
  bind: Bind,
  plan: 'indexed' | 'walked' | 'walkedAll' = 'indexed',
) {
  const walking = plan !== 'indexed';
  const matched = db
    .select({ startedAt: executions.startedAt, status: executions.status, credits: executions.credits })
    .from(executions)
    .where(
      and(
        listConditions(filters, bind, walking ? 'walked' : 'indexed'),
        plan === 'walked' ? sql`${executions.startedAt} >= ${bind('walkTo')}::timestamptz` : undefined,
      ),
    )
    .limit(COUNT_BOUND + 1)
    .as('matched');
  const day = sql`(${matched.startedAt} at time zone ${bind('timeZone')}::text)::date`;
  const bucket = sql`date_trunc(${sql.raw(`'${unit}'`)}, ${day}::timestamp)`;
  const bars = db
    .select({
      start: sql<string>`to_char(${bucket}, 'YYYY-MM-DD')`.as('start'),
      status: matched.status,
      runs: sql<string>`count(*)`.as('runs'),
      cents: sql<string>`coalesce(sum((${matched.credits} * 100)::bigint), 0)::bigint`.as('cents'),
    })
    .from(matched)
    .groupBy(sql`1`, matched.status)
    .as('bars');
  return barsAsOneRow(db, bars);
}

/**
 * One row holding every bar as JSON, parsed natively by the driver, rather than a row per bar
 * and status mapped field by field by drizzle and the driver.
 */
function barsAsOneRow(
  db: ExecutionsDatabase,
  bars: Subquery & Record<'start' | 'status' | 'runs' | 'cents', SQL.Aliased | AnyColumn>,
) {
  return db
    .select({
      bars: sql<
        SummaryBar[]
      >`coalesce(json_agg(json_build_array(${bars.start}, ${bars.status}, ${bars.runs}, ${bars.cents})), '[]')`.as('bars'),
    })
    .from(bars);
}

/** The key of a prepared summary: the filters' shape, the unit, and which counts the dates' values allow. */
export const summaryShape = (filters: ExecutionFilters, unit: ActivityUnit) =>
  `${filterShape(filters)} ${unit} ${countsName(countsForFilters(filters, unit))}`;

/** A bar's runs of one status: [first day, status, runs, cents]. */
type SummaryBar = [start: string, status: ExecutionStatus, runs: number, cents: number];

/** Totals, credits and the activity chart of the runs matching the filters. */
export async function summarizeExecutions(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  unit: ActivityUnit,
): Promise<ExecutionSummary> {
  const query = preparedByShape(db, `summary ${summaryShape(filters, unit)}`, (name) =>
    summarizeExecutionsQuery(db, organizationId, filters, unit, asPlaceholders).prepare(name),
  );
  const [row] = await query.execute(summaryBindings(organizationId, filters));
  return summaryOf(row?.bars ?? [], !countable(filters));
}

/** The summary of the bars; `counted` when they came from countRunsQuery, bounded. */
export function summaryOf(bars: SummaryBar[], counted: boolean): ExecutionSummary {
  let total = 0;
  let cents = 0;
  const activity: ActivityBucket[] = [];
  for (const [start, status, runs, barCents] of bars) {
    total += runs;
    cents += barCents;
    activity.push({ start, status, runs });
  }
  if (counted && total > COUNT_BOUND) return { total: COUNT_BOUND, lowerBound: 'moreThan', credits: 0, activity: [] };
  return { total, lowerBound: null, credits: cents / 100, activity };
}
