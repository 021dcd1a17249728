CREATE TYPE "public"."xa_conversation_channel" AS ENUM('schedule', 'hub', 'public_channel', 'whatsapp', 'api');--> statement-breakpoint
CREATE TYPE "public"."xa_execution_status" AS ENUM('active', 'completed', 'pending', 'failed');--> statement-breakpoint
CREATE TYPE "public"."xa_schedule_kind" AS ENUM('cron', 'interval', 'trigger');--> statement-breakpoint
CREATE TYPE "public"."xa_step_kind" AS ENUM('scheduled_call', 'tool_call', 'final_response', 'error');--> statement-breakpoint
CREATE TABLE "xa_agents" (
	"organization_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "xa_agents_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "xa_conversations" (
	"organization_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"channel" "xa_conversation_channel" NOT NULL,
	"title" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "xa_conversations_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "xa_executions" (
	"organization_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"schedule_id" uuid,
	"status" "xa_execution_status" NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"credits" numeric(12, 2),
	"error_message" text,
	CONSTRAINT "xa_executions_organization_id_id_pk" PRIMARY KEY("organization_id","id"),
	CONSTRAINT "xa_executions_credits_non_negative" CHECK ("xa_executions"."credits" >= 0),
	CONSTRAINT "xa_executions_finished_after_start" CHECK ("xa_executions"."finished_at" >= "xa_executions"."started_at")
);
--> statement-breakpoint
CREATE TABLE "xa_organizations" (
	"organization_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "xa_schedules" (
	"organization_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" "xa_schedule_kind" NOT NULL,
	"expression" text NOT NULL,
	CONSTRAINT "xa_schedules_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "xa_steps" (
	"organization_id" text NOT NULL,
	"conversation_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"kind" "xa_step_kind" NOT NULL,
	"content" text,
	"tool_name" text,
	"tool_input" jsonb,
	"tool_output" jsonb,
	"ok" boolean,
	"duration_ms" integer,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "xa_steps_organization_id_conversation_id_position_pk" PRIMARY KEY("organization_id","conversation_id","position"),
	CONSTRAINT "xa_steps_position_non_negative" CHECK ("xa_steps"."position" >= 0),
	CONSTRAINT "xa_steps_tool_call_has_tool" CHECK ("xa_steps"."kind" <> 'tool_call' or "xa_steps"."tool_name" is not null)
);
--> statement-breakpoint
ALTER TABLE "xa_agents" ADD CONSTRAINT "xa_agents_organization_id_xa_organizations_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."xa_organizations"("organization_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xa_conversations" ADD CONSTRAINT "xa_conversations_organization_id_agent_id_xa_agents_organizatio" FOREIGN KEY ("organization_id","agent_id") REFERENCES "public"."xa_agents"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xa_executions" ADD CONSTRAINT "xa_executions_organization_id_conversation_id_xa_conversations_" FOREIGN KEY ("organization_id","conversation_id") REFERENCES "public"."xa_conversations"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xa_executions" ADD CONSTRAINT "xa_executions_organization_id_agent_id_xa_agents_organization_i" FOREIGN KEY ("organization_id","agent_id") REFERENCES "public"."xa_agents"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xa_executions" ADD CONSTRAINT "xa_executions_organization_id_schedule_id_xa_schedules_organiza" FOREIGN KEY ("organization_id","schedule_id") REFERENCES "public"."xa_schedules"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xa_schedules" ADD CONSTRAINT "xa_schedules_organization_id_agent_id_xa_agents_organization_id" FOREIGN KEY ("organization_id","agent_id") REFERENCES "public"."xa_agents"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xa_steps" ADD CONSTRAINT "xa_steps_organization_id_conversation_id_xa_conversations_organ" FOREIGN KEY ("organization_id","conversation_id") REFERENCES "public"."xa_conversations"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "xa_executions_org_started_idx" ON "xa_executions" USING btree ("organization_id","started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "xa_executions"."schedule_id" is not null;--> statement-breakpoint
CREATE INDEX "xa_executions_org_status_started_idx" ON "xa_executions" USING btree ("organization_id","status","started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "xa_executions"."schedule_id" is not null;--> statement-breakpoint
CREATE INDEX "xa_executions_org_agent_started_idx" ON "xa_executions" USING btree ("organization_id","agent_id","started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "xa_executions"."schedule_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "xa_executions_org_conversation_key" ON "xa_executions" USING btree ("organization_id","conversation_id");