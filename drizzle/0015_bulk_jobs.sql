CREATE TYPE "executions_admin"."xa_job_status" AS ENUM('queued', 'running', 'cancelled', 'done');--> statement-breakpoint
CREATE TABLE "executions_admin"."xa_bulk_jobs" (
	"organization_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"action" "executions_admin"."xa_run_action" NOT NULL,
	"query" text NOT NULL,
	"user_id" text NOT NULL,
	"user_name" text,
	"status" "executions_admin"."xa_job_status" DEFAULT 'queued' NOT NULL,
	"total" integer NOT NULL,
	"cursor_started_at" timestamp with time zone,
	"cursor_id" uuid,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "xa_bulk_jobs_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "xa_bulk_jobs_one_unfinished_idx" ON "executions_admin"."xa_bulk_jobs" USING btree ("organization_id") WHERE "executions_admin"."xa_bulk_jobs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "xa_bulk_jobs_org_created_idx" ON "executions_admin"."xa_bulk_jobs" USING btree ("organization_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "xa_run_actions_org_job_execution_idx" ON "executions_admin"."xa_run_actions" USING btree ("organization_id","job_id","execution_id") WHERE "executions_admin"."xa_run_actions"."job_id" is not null;