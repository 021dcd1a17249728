/** Bulk jobs: one action on every run a filtered list held, run in the background (src/actions/bulk-runner.ts). */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { executionsAdmin, jobStatus, runAction } from './pg-schema.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One row per job. `query` is the list's canonical query string as the user confirmed it: the runner
 * parses it again on every batch and never trusts it. The cursor is the sort key (started_at, id) of
 * the last run a batch walked past, in the list's default order; it and the counts change in one
 * statement at the end of each batch. A runner holds the job through its lease (`lease_owner`,
 * `lease_until`): another process takes it over only once the lease has run out. The failures and
 * their reasons are the job's rows of xa_run_actions, not copied here.
 */
export const bulkJobs = executionsAdmin.table(
  'xa_bulk_jobs',
  {
    organizationId: text('organization_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    action: runAction('action').notNull(),
    query: text('query').notNull(),
    userId: text('user_id').notNull(),
    userName: text('user_name'),
    status: jobStatus('status').notNull().default('queued'),
    /** How many runs the filters held when the user confirmed: the progress bar's whole. */
    total: integer('total').notNull(),
    /** The runs a user ticked, when the job acts on those and not on every run the query keeps. */
    runIds: uuid('run_ids').array(),
    cursorStartedAt: timestamptz('cursor_started_at'),
    cursorId: uuid('cursor_id'),
    succeeded: integer('succeeded').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamptz('lease_until'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** When a runner first took the job: its pace, and so the time left, leaves out the time it waited. */
    startedAt: timestamptz('started_at'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    // The per-organization limit, held by the database so that two requests at once cannot both start one.
    uniqueIndex('xa_bulk_jobs_one_unfinished_idx')
      .on(t.organizationId)
      .where(sql`${t.status} in ('queued', 'running')`),
    index('xa_bulk_jobs_org_created_idx').on(t.organizationId, t.createdAt.desc()),
  ],
);
