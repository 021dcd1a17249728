/**
 * A page sorted by credits or duration within a date range, read a week at a time. Walking the
 * sort's index for the range's runs passes every run before them in the order, and ties go by
 * start, the range's own column: with many equal keys the walk crossed every run newer than the
 * range. Instead each week the range touches is walked in the sort's order in its own index
 * (db/schema.ts), its first `limit + offset` runs kept, and the page is the first of those: the
 * same rows in the same order, for a cost that follows the range's weeks, not the runs outside it.
 * An open end is closed at the organization's first or last run (RunsExtent): no run lies beyond.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { findRunsExtent, type RunsExtent } from '../db/organization.js';
import { asPlaceholders, type Bind } from '../db/prepared.js';
import { executions } from '../db/schema.js';
import { countable, weekSpan, type ExecutionFilters } from './filter-set.js';
import type { WeekSpan } from './filter.js';
import { sortKeyColumn, sortOrder, sortOrderOf, type ListSort } from './sort.js';

/** Ten years. Dates run from 1900 to 9999: a range of centuries would walk thousands of empty weeks. */
const MOST_DAYS = 3_653;

/** The range to read by weeks, or null when the page walks the order as it is. */
export function slicedSpan(filters: ExecutionFilters, sort: ListSort, bind: Bind) {
  if (sort.key === 'date') return null;
  const span = weekSpan(filters, bind, filters.runsExtent ?? null);
  return span && span.days <= MOST_DAYS ? span : null;
}

/** An extent no range holds whole: whether a range could be read by weeks once cut to the runs. */
const SOME_EXTENT: RunsExtent = { first: new Date(-8.64e15), before: new Date(8.64e15) };

/** Whether a page of these filters in another order than by date may be read by weeks. */
export const mayReadByWeeks = (filters: ExecutionFilters) =>
  weekSpan(filters, asPlaceholders, filters.runsExtent ?? SOME_EXTENT) !== null;

/**
 * The filters with the organization's runs' extent, when a range and a sort would read it by weeks
 * once cut to the runs: a range with an open end, or one over the weeks' bound ("since 1990"). One
 * more round trip, of two probes of an index, for a page that would otherwise walk the sort's order
 * past every run outside the range. For a search, any range: one around every run is then no
 * filter (narrowingFilters), and the search's walks stay bounded (search-plan.ts), where a walk of
 * each week would read every run of the weeks before a term found only at the order's far end.
 */
export async function withRunsExtent(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  sort: ListSort,
  now: Date,
): Promise<ExecutionFilters> {
  if (sort.key === 'date') return filters;
  const closed = weekSpan(filters, asPlaceholders, null);
  if (closed ? closed.days <= MOST_DAYS && countable(filters) : !weekSpan(filters, asPlaceholders, SOME_EXTENT)) return filters;
  return { ...filters, runsExtent: await findRunsExtent(db, organizationId, now) };
}

/**
 * The runs of the page, as a condition on the id: `where` (the filters' conditions and the
 * cursor's) holds in each week, and the weeks' runs are ordered and cut as the page is.
 */
export function inWeekSlices(span: WeekSpan, sort: ListSort, reversed: boolean, where: SQL | undefined, bind: Bind): SQL {
  const weeks = sql`(select date_trunc('week', ${span.from} at time zone 'UTC') + n * interval '1 week' as week
    from generate_series(0, ${span.laterWeeks}) as n) as w`;
  const order = sql.join(sortOrder(sort, reversed), sql`, `);
  const taken = sql`${bind('limit')}::int + ${bind('offset')}::int`;
  const week = sql`select ${executions.id} as id, ${sortKeyColumn(sort)} as sort_key, ${executions.startedAt} as started_at
    from ${executions} where ${where} and ${executions.startedWeek} = w.week order by ${order} limit ${taken}`;
  const byOrder = sortOrderOf(sort, reversed, { key: sql`s.sort_key`, startedAt: sql`s.started_at`, id: sql`s.id` });
  return sql`${executions.id} in (select s.id from ${weeks} cross join lateral (${week}) as s
    order by ${byOrder} limit ${bind('limit')} offset ${bind('offset')})`;
}
