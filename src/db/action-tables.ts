/** The audit trail of actions taken on runs from the page: who did what to which run, and how it ended. */
import { sql } from 'drizzle-orm';
import { index, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { actionOutcome, executionsAdmin, runAction } from './pg-schema.js';

/**
 * One row per action on one run, written once its outcome is known. The user is the host's, as its
 * `user` option gave it when acting. A run again that succeeded names the run it made
 * (`new_execution_id`): the link both runs' pages show, read back only through a join on the same
 * organization, so an id the host returned of another organization links nowhere. No foreign keys:
 * the trail outlives the runs that retention prunes. `job_id` is for actions taken by a bulk job.
 */
export const runActions = executionsAdmin.table(
  'xa_run_actions',
  {
    organizationId: text('organization_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    executionId: uuid('execution_id').notNull(),
    action: runAction('action').notNull(),
    userId: text('user_id').notNull(),
    userName: text('user_name'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    outcome: actionOutcome('outcome').notNull(),
    /** Why it failed, as the host's scheduler said (cut short); null otherwise. */
    reason: text('reason'),
    newExecutionId: uuid('new_execution_id'),
    jobId: uuid('job_id'),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    index('xa_run_actions_org_execution_at_idx').on(t.organizationId, t.executionId, t.at.desc()),
    // The Activity page's order (`order by at desc, id desc`, nulls first as Postgres has it by default):
    // a page walks the organization's newest actions, not the whole trail.
    index('xa_run_actions_org_at_idx').on(t.organizationId, t.at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('xa_run_actions_org_new_execution_idx')
      .on(t.organizationId, t.newExecutionId)
      .where(sql`${t.newExecutionId} is not null`),
    // A bulk job acts on a run at most once: a second runner's row for the same run is refused.
    uniqueIndex('xa_run_actions_org_job_execution_idx')
      .on(t.organizationId, t.jobId, t.executionId)
      .where(sql`${t.jobId} is not null`),
  ],
);
