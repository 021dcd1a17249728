-- The times the pages read and show, from 1900 to 9999 in UTC as the write API takes them: a run
-- written by plain SQL before Christ or at infinity made its page answer 500, and one in years 1 to 99
-- showed as 19xx or 20xx. NOT VALID, so that adding them does not scan a large table: Postgres checks
-- every row written from now on. Rows already outside the range stay until VALIDATE CONSTRAINT, which
-- a host may run when it likes (it does not block writes).
ALTER TABLE "executions_admin"."xa_agents" ADD CONSTRAINT "xa_agents_deleted_at_shown" CHECK ("executions_admin"."xa_agents"."deleted_at" between '1900-01-01 00:00:00+00' and '9999-12-31 23:59:59.999999+00') NOT VALID;--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_conversations" ADD CONSTRAINT "xa_conversations_created_at_shown" CHECK ("executions_admin"."xa_conversations"."created_at" between '1900-01-01 00:00:00+00' and '9999-12-31 23:59:59.999999+00') NOT VALID;--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_executions" ADD CONSTRAINT "xa_executions_started_at_shown" CHECK ("executions_admin"."xa_executions"."started_at" between '1900-01-01 00:00:00+00' and '9999-12-31 23:59:59.999999+00') NOT VALID;--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_executions" ADD CONSTRAINT "xa_executions_finished_at_shown" CHECK ("executions_admin"."xa_executions"."finished_at" between '1900-01-01 00:00:00+00' and '9999-12-31 23:59:59.999999+00') NOT VALID;--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_steps" ADD CONSTRAINT "xa_steps_created_at_shown" CHECK ("executions_admin"."xa_steps"."created_at" between '1900-01-01 00:00:00+00' and '9999-12-31 23:59:59.999999+00') NOT VALID;
