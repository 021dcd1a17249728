/** The count tables: derived from the runs by triggers (drizzle/functions.sql), summed by the list and the digest. */
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, primaryKey, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { executionsAdmin, executionStatus } from './pg-schema.js';

/**
 * Scheduled runs counted per organization, local calendar day (in the organization's time zone),
 * agent, status, credit spike and — for failed runs — first failed tool and error signature ('' when
 * none), with their credits, kept exact by triggers on xa_executions in the same transaction as
 * every write (drizzle/0002_daily_counts.sql, 0003_insights.sql). Totals, credits, the activity
 * chart and the failure digest for any filter are a sum over rows per day instead of a scan of
 * every matching run. Derived data: no foreign keys, rebuilt on a time-zone change.
 */
export const executionDailyCounts = executionsAdmin.table(
  'xa_execution_daily_counts',
  {
    organizationId: text('organization_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    agentId: uuid('agent_id').notNull(),
    status: executionStatus('status').notNull(),
    creditSpike: boolean('credit_spike').notNull().default(false),
    failedTool: text('failed_tool').notNull().default(''),
    errorSignature: text('error_signature').notNull().default(''),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    /** Credits in hundredths, exact in a bigint sum. */
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({
      name: 'xa_execution_daily_counts_pk',
      columns: [t.organizationId, t.day, t.agentId, t.status, t.creditSpike, t.failedTool, t.errorSignature],
    }),
    // An agent's rows, and a kind of failure's, without the other agents' and kinds' of each day:
    // an organization of many of them holds thousands a day (drizzle/0025_counts_by_agent_and_failure.sql).
    index('xa_execution_daily_counts_agent_idx').on(t.organizationId, t.agentId, t.day),
    index('xa_execution_daily_counts_failure_idx')
      .on(t.organizationId, t.failedTool, t.errorSignature, t.day)
      .where(sql`${t.status} = 'failed'`),
  ],
);

/**
 * The same counts without the insight keys: one row per organization, local day, agent and status.
 * Totals and the chart read it whenever no spike or failure filter is set — the common case — so
 * they sum far fewer rows (kept by the same trigger, drizzle/0004_status_counts.sql).
 */
export const executionStatusCounts = executionsAdmin.table(
  'xa_execution_status_counts',
  {
    organizationId: text('organization_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    agentId: uuid('agent_id').notNull(),
    status: executionStatus('status').notNull(),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'xa_execution_status_counts_pk', columns: [t.organizationId, t.day, t.agentId, t.status] }),
    index('xa_execution_status_counts_agent_idx').on(t.organizationId, t.agentId, t.day),
  ],
);

/**
 * The insight-keyed counts again, per local calendar month (its first day) instead of per day:
 * with no date filter, or one of whole months, the totals, the chart's month or year bars and
 * the failure digest sum a row per month and key where the daily counts hold one per day, a small
 * fraction of them over a long history (kept by the same trigger, drizzle/0005_monthly_counts.sql).
 * See docs/performance.md.
 */
export const executionMonthlyCounts = executionsAdmin.table(
  'xa_execution_monthly_counts',
  {
    organizationId: text('organization_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    agentId: uuid('agent_id').notNull(),
    status: executionStatus('status').notNull(),
    creditSpike: boolean('credit_spike').notNull().default(false),
    failedTool: text('failed_tool').notNull().default(''),
    errorSignature: text('error_signature').notNull().default(''),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({
      name: 'xa_execution_monthly_counts_pk',
      columns: [t.organizationId, t.month, t.agentId, t.status, t.creditSpike, t.failedTool, t.errorSignature],
    }),
    index('xa_execution_monthly_counts_agent_idx').on(t.organizationId, t.agentId, t.month),
    index('xa_execution_monthly_counts_failure_idx')
      .on(t.organizationId, t.failedTool, t.errorSignature, t.month)
      .where(sql`${t.status} = 'failed'`),
  ],
);

/**
 * Without the agent and the failure: per organization, local day (or month), status and credit
 * spike, each in one of 16 stripes, a run's by its id, summed on read. The page with no agent and
 * no kind of failure sums these: a few rows per day however many agents and kinds of failure the
 * organization has, where the keyed tables hold a row per day and each (docs/performance.md).
 * Striped, concurrent writers of one organization rarely take the same row, and a statement
 * writing many runs does not update one row for each of them (drizzle/0024_organization_counts.sql).
 */
export const executionOrgDailyCounts = executionsAdmin.table(
  'xa_execution_org_daily_counts',
  {
    organizationId: text('organization_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    status: executionStatus('status').notNull(),
    creditSpike: boolean('credit_spike').notNull().default(false),
    stripe: smallint('stripe').notNull(),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({
      name: 'xa_execution_org_daily_counts_pk',
      columns: [t.organizationId, t.day, t.status, t.creditSpike, t.stripe],
    }),
  ],
);

export const executionOrgMonthlyCounts = executionsAdmin.table(
  'xa_execution_org_monthly_counts',
  {
    organizationId: text('organization_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    status: executionStatus('status').notNull(),
    creditSpike: boolean('credit_spike').notNull().default(false),
    stripe: smallint('stripe').notNull(),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({
      name: 'xa_execution_org_monthly_counts_pk',
      columns: [t.organizationId, t.month, t.status, t.creditSpike, t.stripe],
    }),
  ],
);

/**
 * Failed runs per organization and kind of failure (first failed tool, error signature) over all
 * time, and how many of them were credit spikes: the failure digest with no date and no agent — its
 * page as first opened — ranks a row per kind here instead of summing a row per month, agent and
 * kind of the monthly counts, which many agents and kinds multiply (drizzle/0026_failure_counts.sql).
 * A kind's row is shared by every agent failing that way, so the trigger writes it only when a run
 * enters or leaves the kind or becomes a spike or not, not on every change of a failed run.
 */
export const executionFailureCounts = executionsAdmin.table(
  'xa_execution_failure_counts',
  {
    organizationId: text('organization_id').notNull(),
    failedTool: text('failed_tool').notNull(),
    errorSignature: text('error_signature').notNull(),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    spikeRuns: bigint('spike_runs', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'xa_execution_failure_counts_pk',
      columns: [t.organizationId, t.failedTool, t.errorSignature],
    }),
  ],
);

/**
 * The failure counts per month and per year (months and years of the organization's calendar): a
 * digest over whole months or whole years ranks these rows, a row per kind and period, instead of
 * summing a row per month, agent and kind of the monthly counts (drizzle/0027_failure_period_counts.sql).
 * Statistics on the kind's two columns, and no parallel scans: drizzle/0028_failure_kind_statistics.sql.
 */
export const executionFailureMonthlyCounts = executionsAdmin.table(
  'xa_execution_failure_monthly_counts',
  {
    organizationId: text('organization_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    failedTool: text('failed_tool').notNull(),
    errorSignature: text('error_signature').notNull(),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    spikeRuns: bigint('spike_runs', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'xa_execution_failure_monthly_counts_pk',
      columns: [t.organizationId, t.month, t.failedTool, t.errorSignature],
    }),
  ],
);

/** The same per year: `year` is its 1 January. */
export const executionFailureYearlyCounts = executionsAdmin.table(
  'xa_execution_failure_yearly_counts',
  {
    organizationId: text('organization_id').notNull(),
    year: date('year', { mode: 'string' }).notNull(),
    failedTool: text('failed_tool').notNull(),
    errorSignature: text('error_signature').notNull(),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    spikeRuns: bigint('spike_runs', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'xa_execution_failure_yearly_counts_pk',
      columns: [t.organizationId, t.year, t.failedTool, t.errorSignature],
    }),
  ],
);
