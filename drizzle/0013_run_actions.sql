CREATE TYPE "executions_admin"."xa_action_outcome" AS ENUM('succeeded', 'skipped', 'failed');--> statement-breakpoint
CREATE TYPE "executions_admin"."xa_run_action" AS ENUM('run_again', 'cancel');--> statement-breakpoint
CREATE TABLE "executions_admin"."xa_run_actions" (
	"organization_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"execution_id" uuid NOT NULL,
	"action" "executions_admin"."xa_run_action" NOT NULL,
	"user_id" text NOT NULL,
	"user_name" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" "executions_admin"."xa_action_outcome" NOT NULL,
	"reason" text,
	"new_execution_id" uuid,
	"job_id" uuid,
	CONSTRAINT "xa_run_actions_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE INDEX "xa_run_actions_org_execution_at_idx" ON "executions_admin"."xa_run_actions" USING btree ("organization_id","execution_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "xa_run_actions_org_new_execution_idx" ON "executions_admin"."xa_run_actions" USING btree ("organization_id","new_execution_id") WHERE "executions_admin"."xa_run_actions"."new_execution_id" is not null;