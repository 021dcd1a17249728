/** The module's Postgres schema and its enums, which the tables of schema.ts and count-tables.ts use. */
import { pgSchema } from 'drizzle-orm/pg-core';

/**
 * Everything of the module lives in this Postgres schema, which migrateExecutionsAdmin owns: a host's
 * drizzle-kit, filtered to its own schemas, never sees a table, enum or function of the module to
 * drop or alter (drizzle/0008_own_schema.sql). Raw SQL names its objects schema-qualified, so the
 * module works whatever the host's search_path.
 */
export const executionsAdmin = pgSchema('executions_admin');

export const scheduleKind = executionsAdmin.enum('xa_schedule_kind', ['cron', 'interval', 'trigger']);

export const conversationChannel = executionsAdmin.enum('xa_conversation_channel', [
  'schedule',
  'hub',
  'public_channel',
  'whatsapp',
  'api',
]);

export const executionStatus = executionsAdmin.enum('xa_execution_status', ['active', 'completed', 'pending', 'failed']);

export const stepKind = executionsAdmin.enum('xa_step_kind', ['scheduled_call', 'tool_call', 'final_response', 'error']);

/** What a user did to a run from the page (src/actions/). */
export const runAction = executionsAdmin.enum('xa_run_action', ['run_again', 'cancel']);

/** How an action ended: done, not needed (the run had moved on), or refused by the host's scheduler. */
export const actionOutcome = executionsAdmin.enum('xa_action_outcome', ['succeeded', 'skipped', 'failed']);

/** Where a bulk job is: waiting for a runner, being run, stopped by a user, or through its runs. */
export const jobStatus = executionsAdmin.enum('xa_job_status', ['queued', 'running', 'cancelled', 'done']);
