/**
 * The count tables the summary and the digest sum instead of counting runs: kept exact by the
 * triggers in drizzle/functions.sql, one row per day (or month) and the keys each table holds.
 * The fewer keys, the fewer rows: a filter's condition picks the table with the keys it needs.
 */
import { getTableName } from 'drizzle-orm';
import {
  executionDailyCounts,
  executionFailureCounts,
  executionFailureMonthlyCounts,
  executionFailureYearlyCounts,
  executionMonthlyCounts,
  executionOrgDailyCounts,
  executionOrgMonthlyCounts,
  executionStatusCounts,
} from '../db/schema.js';

/** What a count table may be keyed by: the day or month, the status, the agent, the credit spike, the kind of failure. */
export type CountKey = 'period' | 'status' | 'agent' | 'spike' | 'failure';

export const DAILY = {
  ...executionDailyCounts,
  table: executionDailyCounts,
  period: executionDailyCounts.day,
  monthly: false as const,
  keys: ['period', 'status', 'agent', 'spike', 'failure'] as const,
};
export const MONTHLY = {
  ...executionMonthlyCounts,
  table: executionMonthlyCounts,
  period: executionMonthlyCounts.month,
  monthly: true as const,
  keys: ['period', 'status', 'agent', 'spike', 'failure'] as const,
};
/** Without the spike and the failure: a row per day, agent and status, far fewer rows than DAILY. */
export const BY_STATUS = {
  ...executionStatusCounts,
  table: executionStatusCounts,
  period: executionStatusCounts.day,
  monthly: false as const,
  keys: ['period', 'status', 'agent'] as const,
};
/** Without the agent and the failure: a few rows per day however many agents and failures (striped, db/count-tables.ts). */
export const ORG_DAILY = {
  ...executionOrgDailyCounts,
  table: executionOrgDailyCounts,
  period: executionOrgDailyCounts.day,
  monthly: false as const,
  keys: ['period', 'status', 'spike'] as const,
};
export const ORG_MONTHLY = {
  ...executionOrgMonthlyCounts,
  table: executionOrgMonthlyCounts,
  period: executionOrgMonthlyCounts.month,
  monthly: true as const,
  keys: ['period', 'status', 'spike'] as const,
};

/** Failed runs by kind of failure over all time: the digest's with no period, no agent and no spike. */
export const FAILURES = {
  ...executionFailureCounts,
  table: executionFailureCounts,
  monthly: false as const,
  keys: ['failure'] as const,
  narrows: null,
};
/** The same rows' credit spikes: the digest's of spikes only. Its runs are the spikes, so it holds no run else. */
export const SPIKE_FAILURES = {
  ...FAILURES,
  runs: executionFailureCounts.spikeRuns,
  keys: ['spike', 'failure'] as const,
  narrows: 'spike' as const,
};

/** Failed runs by kind of failure per month: the digest's over whole months, with no agent. */
export const MONTHLY_FAILURES = {
  ...executionFailureMonthlyCounts,
  table: executionFailureMonthlyCounts,
  period: executionFailureMonthlyCounts.month,
  monthly: true as const,
  keys: ['period', 'failure'] as const,
  narrows: null,
};
export const SPIKE_MONTHLY_FAILURES = {
  ...MONTHLY_FAILURES,
  runs: executionFailureMonthlyCounts.spikeRuns,
  keys: ['period', 'spike', 'failure'] as const,
  narrows: 'spike' as const,
};
/** The same per year (`period` is its 1 January): the digest's over whole years. */
export const YEARLY_FAILURES = {
  ...executionFailureYearlyCounts,
  table: executionFailureYearlyCounts,
  period: executionFailureYearlyCounts.year,
  monthly: true as const,
  keys: ['period', 'failure'] as const,
  narrows: null,
};
export const SPIKE_YEARLY_FAILURES = {
  ...YEARLY_FAILURES,
  runs: executionFailureYearlyCounts.spikeRuns,
  keys: ['period', 'spike', 'failure'] as const,
  narrows: 'spike' as const,
};

/** The tables with every key, the failure's among them. */
export type InsightCounts = typeof DAILY | typeof MONTHLY;
/** The tables the failure digest ranks without an agent: a row per kind over all time. */
export type FailureCounts = typeof FAILURES | typeof SPIKE_FAILURES;
/** The same, a row per kind and month or year. */
export type PeriodFailureCounts =
  typeof MONTHLY_FAILURES | typeof SPIKE_MONTHLY_FAILURES | typeof YEARLY_FAILURES | typeof SPIKE_YEARLY_FAILURES;
export type DigestCounts = InsightCounts | FailureCounts | PeriodFailureCounts;
/** The tables the totals and the chart sum: each with the period and the status. */
export type SummaryCounts = InsightCounts | typeof BY_STATUS | typeof ORG_DAILY | typeof ORG_MONTHLY;
export type Counts = SummaryCounts | DigestCounts;

/** How the activity chart groups days (see activity.ts). */
export type ActivityUnit = 'day' | 'week' | 'month' | 'year';

/**
 * What the filters allow: whether the monthly counts hold exactly their runs, and the yearly
 * failure counts, and the keys their conditions need.
 */
export interface CountsNeeds {
  wholeMonths: boolean;
  wholeYears: boolean;
  keys: ReadonlySet<CountKey>;
}

/** Whether the table has every key needed, and counts only what they select when it is narrowed to one. */
const holds = (counts: Counts, keys: ReadonlySet<CountKey>) =>
  [...keys].every((k) => (counts.keys as readonly string[]).includes(k)) &&
  (!('narrows' in counts) || counts.narrows === null || keys.has(counts.narrows));

/**
 * Which counts to sum: per month when the filters allow and no bar is shorter than a month
 * (`unit` null: no chart, as the digest reads them, which groups by the failure — over all time
 * when no filter needs a period or an agent, per year or month when no filter needs an agent);
 * else per day. Of those, the table with the fewest keys that holds the ones needed.
 */
export function countsFor(needs: CountsNeeds, unit: ActivityUnit): SummaryCounts;
export function countsFor(needs: CountsNeeds, unit: null): DigestCounts;
export function countsFor(needs: CountsNeeds, unit: ActivityUnit | null): Counts {
  const months = needs.wholeMonths && (unit === null || unit === 'month' || unit === 'year');
  const tables: Counts[] =
    unit === null
      ? [
          FAILURES,
          SPIKE_FAILURES,
          ...(months && needs.wholeYears ? [YEARLY_FAILURES, SPIKE_YEARLY_FAILURES] : []),
          ...(months ? [MONTHLY_FAILURES, SPIKE_MONTHLY_FAILURES] : []),
          months ? MONTHLY : DAILY,
        ]
      : months
        ? [ORG_MONTHLY, MONTHLY]
        : [ORG_DAILY, BY_STATUS, DAILY];
  return tables.find((t) => holds(t, needs.keys)) ?? (months ? MONTHLY : DAILY);
}

/** The table's name, part of a prepared query's shape: which table depends on values, not only presence. */
export const countsName = (counts: Counts) =>
  'narrows' in counts && counts.narrows ? `${getTableName(counts.table)} ${counts.narrows}` : getTableName(counts.table);
