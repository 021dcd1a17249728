/**
 * The count tables the summary and the digest sum instead of counting runs: kept exact by the
 * triggers in drizzle/functions.sql, one row per day (or month) and the keys each table holds.
 * The fewer keys, the fewer rows: a filter's condition picks the table with the keys it needs.
 */
import { getTableName } from 'drizzle-orm';
import {
  executionDailyCounts,
  executionMonthlyCounts,
  executionOrgDailyCounts,
  executionOrgMonthlyCounts,
  executionStatusCounts,
} from '../db/schema.js';

/** What a count table may hold beside the period and the status: the agent, the credit spike, the kind of failure. */
export type CountKey = 'agent' | 'spike' | 'failure';

export const DAILY = {
  ...executionDailyCounts,
  table: executionDailyCounts,
  period: executionDailyCounts.day,
  monthly: false as const,
  keys: ['agent', 'spike', 'failure'] as const,
};
export const MONTHLY = {
  ...executionMonthlyCounts,
  table: executionMonthlyCounts,
  period: executionMonthlyCounts.month,
  monthly: true as const,
  keys: ['agent', 'spike', 'failure'] as const,
};
/** Without the spike and the failure: a row per day, agent and status, far fewer rows than DAILY. */
export const BY_STATUS = {
  ...executionStatusCounts,
  table: executionStatusCounts,
  period: executionStatusCounts.day,
  monthly: false as const,
  keys: ['agent'] as const,
};
/** Without the agent and the failure: a few rows per day however many agents and failures (striped, db/count-tables.ts). */
export const ORG_DAILY = {
  ...executionOrgDailyCounts,
  table: executionOrgDailyCounts,
  period: executionOrgDailyCounts.day,
  monthly: false as const,
  keys: ['spike'] as const,
};
export const ORG_MONTHLY = {
  ...executionOrgMonthlyCounts,
  table: executionOrgMonthlyCounts,
  period: executionOrgMonthlyCounts.month,
  monthly: true as const,
  keys: ['spike'] as const,
};

/** The tables with every key, the failure's among them: the digest's. */
export type InsightCounts = typeof DAILY | typeof MONTHLY;
export type Counts = typeof DAILY | typeof MONTHLY | typeof BY_STATUS | typeof ORG_DAILY | typeof ORG_MONTHLY;

/** How the activity chart groups days (see activity.ts). */
export type ActivityUnit = 'day' | 'week' | 'month' | 'year';

/** What the filters allow: whether the monthly counts hold exactly their runs, and the keys their conditions need. */
export interface CountsNeeds {
  wholeMonths: boolean;
  keys: ReadonlySet<CountKey>;
}

const holds = (counts: Counts, keys: ReadonlySet<CountKey>) =>
  [...keys].every((k) => (counts.keys as readonly string[]).includes(k));

/**
 * Which counts to sum: per month when the filters allow and no bar is shorter than a month
 * (`unit` null: no chart, as the digest reads them, which groups by the failure); else per day.
 * Of those, the table with the fewest keys that holds the ones needed.
 */
export function countsFor(needs: CountsNeeds, unit: ActivityUnit | null): Counts {
  const months = needs.wholeMonths && (unit === null || unit === 'month' || unit === 'year');
  if (unit === null) return months ? MONTHLY : DAILY;
  const tables: Counts[] = months ? [ORG_MONTHLY, MONTHLY] : [ORG_DAILY, BY_STATUS, DAILY];
  return tables.find((t) => holds(t, needs.keys)) ?? (months ? MONTHLY : DAILY);
}

/** The table's name, part of a prepared query's shape: which table depends on values, not only presence. */
export const countsName = (counts: Counts) => getTableName(counts.table);
