/**
 * The count tables the summary and the digest sum instead of counting runs: kept exact by the
 * triggers in drizzle/functions.sql, one row per day (or month), agent, status and — for the
 * insight tables — credit spike, first failed tool and error signature.
 */
import { getTableName } from 'drizzle-orm';
import { executionDailyCounts, executionMonthlyCounts, executionStatusCounts } from '../db/schema.js';

export const DAILY = {
  ...executionDailyCounts,
  table: executionDailyCounts,
  period: executionDailyCounts.day,
  insight: true as const,
};
export const MONTHLY = {
  ...executionMonthlyCounts,
  table: executionMonthlyCounts,
  period: executionMonthlyCounts.month,
  insight: true as const,
};
/** Without the insight keys: a row per day, agent and status, far fewer rows than DAILY. */
export const BY_STATUS = {
  ...executionStatusCounts,
  table: executionStatusCounts,
  period: executionStatusCounts.day,
  insight: false as const,
};

export type InsightCounts = typeof DAILY | typeof MONTHLY;
export type Counts = InsightCounts | typeof BY_STATUS;

/** How the activity chart groups days (see activity.ts). */
export type ActivityUnit = 'day' | 'week' | 'month' | 'year';

/**
 * What the filters allow: whether the monthly counts hold exactly their runs, and whether they
 * need the insight keys.
 */
export interface CountsNeeds {
  wholeMonths: boolean;
  insight: boolean;
}

/**
 * Which counts to sum: the monthly ones when the filters allow and no bar is shorter than a
 * month (`unit` null: no chart, as the digest reads them); else per day, the narrow ones unless
 * a filter, or the digest, needs the insight keys.
 */
export function countsFor(needs: CountsNeeds, unit: ActivityUnit | null): Counts {
  if (needs.wholeMonths && (unit === null || unit === 'month' || unit === 'year')) return MONTHLY;
  return needs.insight || unit === null ? DAILY : BY_STATUS;
}

/** The table's name, part of a prepared query's shape: which table depends on values, not only presence. */
export const countsName = (counts: Counts) => getTableName(counts.table);
