-- The module moves out of public into a schema of its own, executions_admin, which
-- migrateExecutionsAdmin owns: a host's drizzle-kit, filtered to the host's schemas (public by
-- default), then never sees a table, enum or function of the module, so it cannot drop or alter one.
-- SET SCHEMA moves each object with its rows, indexes, constraints and triggers without rewriting
-- anything; it holds an exclusive lock on each table until the migration commits. The migrations'
-- own record stays in drizzle.__executions_admin_migrations, where every version of the module
-- looks for it: moved, an instance of an older version would find no record and build the tables
-- again in public beside these.
CREATE SCHEMA IF NOT EXISTS "executions_admin";
--> statement-breakpoint
ALTER TYPE "public"."xa_conversation_channel" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TYPE "public"."xa_execution_status" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TYPE "public"."xa_schedule_kind" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TYPE "public"."xa_step_kind" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TABLE "public"."xa_organizations" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TABLE "public"."xa_agents" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TABLE "public"."xa_schedules" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TABLE "public"."xa_conversations" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TABLE "public"."xa_executions" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TABLE "public"."xa_steps" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TABLE "public"."xa_execution_daily_counts" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TABLE "public"."xa_execution_status_counts" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER TABLE "public"."xa_execution_monthly_counts" SET SCHEMA "executions_admin";
--> statement-breakpoint
-- Statistics objects do not follow their table.
ALTER STATISTICS "public"."xa_executions_org_agent_status_stats" SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_error_signature"(text) SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_usual"(text, uuid, timestamptz) SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_fill_usual"() SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_note_failed_tool"() SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_count_execution"() SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_recount"(text) SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_recount_organization"() SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_conversation_title"(text, uuid) SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_copy_conversation_title"() SET SCHEMA "executions_admin";
--> statement-breakpoint
ALTER FUNCTION "public"."xa_follow_conversation_title"() SET SCHEMA "executions_admin";
--> statement-breakpoint
-- Foreign keys named as schema.ts names them. drizzle's derived names passed Postgres's 63
-- characters and were cut when created, so drizzle-kit, not finding them, dropped and added them
-- again on every push.
ALTER TABLE "executions_admin"."xa_schedules" RENAME CONSTRAINT "xa_schedules_organization_id_agent_id_xa_agents_organization_id" TO "xa_schedules_agent_fk";
--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_conversations" RENAME CONSTRAINT "xa_conversations_organization_id_agent_id_xa_agents_organizatio" TO "xa_conversations_agent_fk";
--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_executions" RENAME CONSTRAINT "xa_executions_organization_id_conversation_id_xa_conversations_" TO "xa_executions_conversation_fk";
--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_executions" RENAME CONSTRAINT "xa_executions_organization_id_agent_id_xa_agents_organization_i" TO "xa_executions_agent_fk";
--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_executions" RENAME CONSTRAINT "xa_executions_organization_id_schedule_id_xa_schedules_organiza" TO "xa_executions_schedule_fk";
--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_steps" RENAME CONSTRAINT "xa_steps_organization_id_conversation_id_xa_conversations_organ" TO "xa_steps_conversation_fk";
--> statement-breakpoint
-- Every name in a function body schema-qualified, so that the functions work whatever the
-- caller's search_path: the bodies are drizzle/functions.sql's. xa_error_signature calls built-ins
-- only and keeps its body.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_usual"(org text, agent uuid, before timestamptz, OUT credits numeric, OUT duration_ms integer)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  -- PL/pgSQL rather than SQL: its plan is prepared once per session, not on every insert.
  SELECT CASE WHEN count(r.credits) >= 5 THEN percentile_disc(0.5) WITHIN GROUP (ORDER BY r.credits) END,
         CASE WHEN count(*) FILTER (WHERE r.status = 'completed') >= 5
              THEN least(round(percentile_disc(0.5) WITHIN GROUP (ORDER BY r.took) FILTER (WHERE r.status = 'completed')), 2147483647)::integer END
    INTO credits, duration_ms
    FROM (SELECT e.credits, e.status, extract(epoch FROM e.finished_at - e.started_at) * 1000 AS took
            FROM executions_admin.xa_executions e
           WHERE e.organization_id = org AND e.agent_id = agent AND e.schedule_id IS NOT NULL
             AND e.started_at < before AND e.status IN ('completed', 'failed') AND e.finished_at IS NOT NULL
           ORDER BY e.started_at DESC NULLS LAST, e.id DESC NULLS LAST
           LIMIT 20) r;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "executions_admin"."xa_fill_usual"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.schedule_id IS NOT NULL AND NEW.usual_credits IS NULL AND NEW.usual_duration_ms IS NULL THEN
    SELECT u.credits, u.duration_ms INTO NEW.usual_credits, NEW.usual_duration_ms
      FROM executions_admin.xa_usual(NEW.organization_id, NEW.agent_id, NEW.started_at) u;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "executions_admin"."xa_note_failed_tool"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE executions_admin.xa_executions SET failed_tool = NEW.tool_name, failed_step = NEW.position
   WHERE organization_id = NEW.organization_id AND conversation_id = NEW.conversation_id
     AND (failed_step IS NULL OR failed_step > NEW.position);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "executions_admin"."xa_count_execution"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text;
  cents bigint;
  local_day date;
  tool text;
  signature text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.schedule_id IS NOT NULL THEN
    SELECT time_zone INTO zone FROM executions_admin.xa_organizations WHERE organization_id = OLD.organization_id;
    cents := coalesce((OLD.credits * 100)::bigint, 0);
    local_day := (OLD.started_at AT TIME ZONE zone)::date;
    tool := CASE WHEN OLD.status = 'failed' THEN OLD.failed_tool ELSE '' END;
    signature := CASE WHEN OLD.status = 'failed' THEN OLD.error_signature ELSE '' END;
    UPDATE executions_admin.xa_execution_daily_counts SET runs = runs - 1, credit_cents = credit_cents - cents
     WHERE organization_id = OLD.organization_id AND day = local_day AND agent_id = OLD.agent_id
       AND status = OLD.status AND credit_spike = OLD.credit_spike AND failed_tool = tool AND error_signature = signature;
    UPDATE executions_admin.xa_execution_monthly_counts SET runs = runs - 1, credit_cents = credit_cents - cents
     WHERE organization_id = OLD.organization_id AND month = date_trunc('month', local_day)::date AND agent_id = OLD.agent_id
       AND status = OLD.status AND credit_spike = OLD.credit_spike AND failed_tool = tool AND error_signature = signature;
    UPDATE executions_admin.xa_execution_status_counts SET runs = runs - 1, credit_cents = credit_cents - cents
     WHERE organization_id = OLD.organization_id AND day = local_day AND agent_id = OLD.agent_id AND status = OLD.status;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.schedule_id IS NOT NULL THEN
    SELECT time_zone INTO zone FROM executions_admin.xa_organizations WHERE organization_id = NEW.organization_id;
    cents := coalesce((NEW.credits * 100)::bigint, 0);
    local_day := (NEW.started_at AT TIME ZONE zone)::date;
    tool := CASE WHEN NEW.status = 'failed' THEN NEW.failed_tool ELSE '' END;
    signature := CASE WHEN NEW.status = 'failed' THEN NEW.error_signature ELSE '' END;
    INSERT INTO executions_admin.xa_execution_daily_counts
      (organization_id, day, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
    VALUES (NEW.organization_id, local_day, NEW.agent_id, NEW.status, NEW.credit_spike, tool, signature, 1, cents)
    ON CONFLICT (organization_id, day, agent_id, status, credit_spike, failed_tool, error_signature)
    DO UPDATE SET runs = xa_execution_daily_counts.runs + 1,
                  credit_cents = xa_execution_daily_counts.credit_cents + excluded.credit_cents;
    INSERT INTO executions_admin.xa_execution_monthly_counts
      (organization_id, month, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
    VALUES (NEW.organization_id, date_trunc('month', local_day)::date, NEW.agent_id, NEW.status, NEW.credit_spike, tool, signature, 1, cents)
    ON CONFLICT (organization_id, month, agent_id, status, credit_spike, failed_tool, error_signature)
    DO UPDATE SET runs = xa_execution_monthly_counts.runs + 1,
                  credit_cents = xa_execution_monthly_counts.credit_cents + excluded.credit_cents;
    INSERT INTO executions_admin.xa_execution_status_counts (organization_id, day, agent_id, status, runs, credit_cents)
    VALUES (NEW.organization_id, local_day, NEW.agent_id, NEW.status, 1, cents)
    ON CONFLICT (organization_id, day, agent_id, status)
    DO UPDATE SET runs = xa_execution_status_counts.runs + 1,
                  credit_cents = xa_execution_status_counts.credit_cents + excluded.credit_cents;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "executions_admin"."xa_recount"(org text) RETURNS void LANGUAGE sql AS $$
  DELETE FROM executions_admin.xa_execution_daily_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_daily_counts
    (organization_id, day, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
  SELECT e.organization_id, (e.started_at AT TIME ZONE o.time_zone)::date, e.agent_id, e.status, e.credit_spike,
         CASE WHEN e.status = 'failed' THEN e.failed_tool ELSE '' END,
         CASE WHEN e.status = 'failed' THEN e.error_signature ELSE '' END,
         count(*), coalesce(sum((e.credits * 100)::bigint), 0)
    FROM executions_admin.xa_executions e JOIN executions_admin.xa_organizations o ON o.organization_id = e.organization_id
   WHERE e.organization_id = org AND e.schedule_id IS NOT NULL
   GROUP BY 1, 2, 3, 4, 5, 6, 7;
  DELETE FROM executions_admin.xa_execution_monthly_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_monthly_counts
    (organization_id, month, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
  SELECT organization_id, date_trunc('month', day)::date, agent_id, status, credit_spike, failed_tool, error_signature,
         sum(runs), sum(credit_cents)
    FROM executions_admin.xa_execution_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4, 5, 6, 7;
  DELETE FROM executions_admin.xa_execution_status_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_status_counts (organization_id, day, agent_id, status, runs, credit_cents)
  SELECT organization_id, day, agent_id, status, sum(runs), sum(credit_cents)
    FROM executions_admin.xa_execution_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "executions_admin"."xa_recount_organization"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM executions_admin.xa_recount(NEW.organization_id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "executions_admin"."xa_conversation_title"(org text, conversation uuid) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  -- PL/pgSQL rather than SQL, as xa_usual: its plan is prepared once per session, not on every insert.
  RETURN (SELECT c.title FROM executions_admin.xa_conversations c WHERE c.organization_id = org AND c.id = conversation);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "executions_admin"."xa_copy_conversation_title"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.conversation_title := coalesce(executions_admin.xa_conversation_title(NEW.organization_id, NEW.conversation_id), '');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "executions_admin"."xa_follow_conversation_title"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE executions_admin.xa_executions SET conversation_title = NEW.title
   WHERE organization_id = NEW.organization_id AND conversation_id = NEW.id;
  RETURN NULL;
END
$$;
