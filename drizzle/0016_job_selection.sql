ALTER TABLE "executions_admin"."xa_bulk_jobs" ADD COLUMN "run_ids" uuid[];--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_bulk_jobs" ADD COLUMN "started_at" timestamp with time zone;