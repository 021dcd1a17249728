-- What failures group by: the error with its particulars replaced — ids, times, e-mail addresses,
-- quoted values and numbers — whitespace collapsed, cut at 200 characters. A three-digit code
-- where a status code stands (at the start, after a colon or a dash, after HTTP, status, code,
-- returned or error) is kept: "401 expired credential" is the failure, "user 123" a particular.
-- Immutable, so a generated column can store it.
CREATE FUNCTION "xa_error_signature"(message text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
  SELECT left(btrim(regexp_replace(replace(
    regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(message,
      '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}', '<id>', 'g'),
      '\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?', '<time>', 'g'),
      '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}', '<email>', 'g'),
      '"[^"]*"|''[^'']*''', '"…"', 'g'),
      '\m(?=[0-9A-Fa-f]*\d)[0-9A-Fa-f]{12,}\M', '<id>', 'g'),
      '(^|[:(\[—–-]\s*|\m(HTTP|http|[Ss]tatus|[Cc]ode|returned|[Ee]rror)\s*:?\s*)([1-5]\d\d)\M', '\1§\3', 'g'),
      '(?<!§)\m\d+([.,]\d+)*\M', '<n>', 'g'),
    '§', ''), '\s+', ' ', 'g')), 200)
$$;
--> statement-breakpoint
ALTER TABLE "xa_executions" ADD COLUMN "usual_credits" numeric(12, 2);--> statement-breakpoint
ALTER TABLE "xa_executions" ADD COLUMN "usual_duration_ms" integer;--> statement-breakpoint
ALTER TABLE "xa_executions" ADD COLUMN "credit_spike" boolean GENERATED ALWAYS AS (coalesce(credits > 3 * usual_credits, false)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "xa_executions" ADD COLUMN "failed_tool" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "xa_executions" ADD COLUMN "failed_step" integer;--> statement-breakpoint
ALTER TABLE "xa_executions" ADD COLUMN "error_signature" text GENERATED ALWAYS AS (coalesce(xa_error_signature(error_message), '')) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "xa_executions_org_spike_started_idx" ON "xa_executions" USING btree ("organization_id","started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "xa_executions"."schedule_id" is not null and "xa_executions"."credit_spike";--> statement-breakpoint
CREATE INDEX "xa_executions_org_failure_started_idx" ON "xa_executions" USING btree ("organization_id","failed_tool","error_signature","started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "xa_executions"."schedule_id" is not null and "xa_executions"."status" = 'failed';--> statement-breakpoint
ALTER TABLE "xa_execution_daily_counts" DROP CONSTRAINT "xa_execution_daily_counts_organization_id_day_agent_id_status_p";--> statement-breakpoint
ALTER TABLE "xa_execution_daily_counts" ADD COLUMN "credit_spike" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "xa_execution_daily_counts" ADD COLUMN "failed_tool" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "xa_execution_daily_counts" ADD COLUMN "error_signature" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "xa_execution_daily_counts" ADD COLUMN "credit_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "xa_execution_daily_counts" ADD CONSTRAINT "xa_execution_daily_counts_pk" PRIMARY KEY("organization_id","day","agent_id","status","credit_spike","failed_tool","error_signature");--> statement-breakpoint
-- An agent's usual credits and duration before an instant: the medians (the lower middle value,
-- so they are exact) over its last 20 finished scheduled runs — durations of completed ones —
-- once it has 5 of them. One backward walk of the (organization, agent, started_at) index.
CREATE FUNCTION "xa_usual"(org text, agent uuid, before timestamptz, OUT credits numeric, OUT duration_ms integer)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  -- PL/pgSQL rather than SQL: its plan is prepared once per session, not on every insert.
  SELECT CASE WHEN count(r.credits) >= 5 THEN percentile_disc(0.5) WITHIN GROUP (ORDER BY r.credits) END,
         CASE WHEN count(*) FILTER (WHERE r.status = 'completed') >= 5
              THEN round(percentile_disc(0.5) WITHIN GROUP (ORDER BY r.took) FILTER (WHERE r.status = 'completed'))::integer END
    INTO credits, duration_ms
    FROM (SELECT e.credits, e.status, extract(epoch FROM e.finished_at - e.started_at) * 1000 AS took
            FROM xa_executions e
           WHERE e.organization_id = org AND e.agent_id = agent AND e.schedule_id IS NOT NULL
             AND e.started_at < before AND e.status IN ('completed', 'failed') AND e.finished_at IS NOT NULL
           ORDER BY e.started_at DESC NULLS LAST, e.id DESC NULLS LAST
           LIMIT 20) r;
END
$$;
--> statement-breakpoint
-- Each scheduled run is measured against its agent's recent runs as it is recorded; a writer that
-- knows better (a bulk import) may set both itself.
CREATE FUNCTION "xa_fill_usual"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.schedule_id IS NOT NULL AND NEW.usual_credits IS NULL AND NEW.usual_duration_ms IS NULL THEN
    SELECT u.credits, u.duration_ms INTO NEW.usual_credits, NEW.usual_duration_ms
      FROM xa_usual(NEW.organization_id, NEW.agent_id, NEW.started_at) u;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "xa_executions_usual" BEFORE INSERT ON "xa_executions"
FOR EACH ROW EXECUTE FUNCTION "xa_fill_usual"();
--> statement-breakpoint
-- A failed tool call marks its run, unless an earlier step already failed.
CREATE FUNCTION "xa_note_failed_tool"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE xa_executions SET failed_tool = NEW.tool_name, failed_step = NEW.position
   WHERE organization_id = NEW.organization_id AND conversation_id = NEW.conversation_id
     AND (failed_step IS NULL OR failed_step > NEW.position);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "xa_steps_failed_tool" AFTER INSERT OR UPDATE OF kind, ok, tool_name ON "xa_steps"
FOR EACH ROW WHEN (NEW.kind = 'tool_call' AND NEW.ok = false)
EXECUTE FUNCTION "xa_note_failed_tool"();
--> statement-breakpoint
-- The daily counts' key for a run: failure details only on failed runs, so the rest stay one row
-- per day, agent, status and spike.
CREATE OR REPLACE FUNCTION "xa_count_execution"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.schedule_id IS NOT NULL THEN
    SELECT time_zone INTO zone FROM xa_organizations WHERE organization_id = OLD.organization_id;
    UPDATE xa_execution_daily_counts
       SET runs = runs - 1, credit_cents = credit_cents - coalesce((OLD.credits * 100)::bigint, 0)
     WHERE organization_id = OLD.organization_id
       AND day = (OLD.started_at AT TIME ZONE zone)::date
       AND agent_id = OLD.agent_id
       AND status = OLD.status
       AND credit_spike = OLD.credit_spike
       AND failed_tool = CASE WHEN OLD.status = 'failed' THEN OLD.failed_tool ELSE '' END
       AND error_signature = CASE WHEN OLD.status = 'failed' THEN OLD.error_signature ELSE '' END;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.schedule_id IS NOT NULL THEN
    SELECT time_zone INTO zone FROM xa_organizations WHERE organization_id = NEW.organization_id;
    INSERT INTO xa_execution_daily_counts
      (organization_id, day, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
    VALUES (NEW.organization_id, (NEW.started_at AT TIME ZONE zone)::date, NEW.agent_id, NEW.status, NEW.credit_spike,
            CASE WHEN NEW.status = 'failed' THEN NEW.failed_tool ELSE '' END,
            CASE WHEN NEW.status = 'failed' THEN NEW.error_signature ELSE '' END,
            1, coalesce((NEW.credits * 100)::bigint, 0))
    ON CONFLICT (organization_id, day, agent_id, status, credit_spike, failed_tool, error_signature)
    DO UPDATE SET runs = xa_execution_daily_counts.runs + 1,
                  credit_cents = xa_execution_daily_counts.credit_cents + excluded.credit_cents;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER "xa_executions_count" ON "xa_executions";
--> statement-breakpoint
CREATE TRIGGER "xa_executions_count"
AFTER INSERT OR DELETE OR UPDATE OF organization_id, agent_id, schedule_id, status, started_at, credits, usual_credits, failed_tool, error_message
ON "xa_executions"
FOR EACH ROW EXECUTE FUNCTION "xa_count_execution"();
--> statement-breakpoint
-- The whole of one organization's daily counts, from its runs: on a time-zone change, after this
-- migration's backfill, and after a bulk load that bypassed the triggers.
CREATE FUNCTION "xa_recount"(org text) RETURNS void LANGUAGE sql AS $$
  DELETE FROM xa_execution_daily_counts WHERE organization_id = org;
  INSERT INTO xa_execution_daily_counts
    (organization_id, day, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
  SELECT e.organization_id, (e.started_at AT TIME ZONE o.time_zone)::date, e.agent_id, e.status, e.credit_spike,
         CASE WHEN e.status = 'failed' THEN e.failed_tool ELSE '' END,
         CASE WHEN e.status = 'failed' THEN e.error_signature ELSE '' END,
         count(*), coalesce(sum((e.credits * 100)::bigint), 0)
    FROM xa_executions e JOIN xa_organizations o ON o.organization_id = e.organization_id
   WHERE e.organization_id = org AND e.schedule_id IS NOT NULL
   GROUP BY 1, 2, 3, 4, 5, 6, 7;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "xa_recount_organization"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM xa_recount(NEW.organization_id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Runs recorded before this migration: their baselines and first failed tools, then their counts.
ALTER TABLE "xa_executions" DISABLE TRIGGER "xa_executions_count";
--> statement-breakpoint
UPDATE xa_executions e SET (usual_credits, usual_duration_ms) = (SELECT u.credits, u.duration_ms FROM xa_usual(e.organization_id, e.agent_id, e.started_at) u)
 WHERE e.schedule_id IS NOT NULL;
--> statement-breakpoint
UPDATE xa_executions e SET failed_tool = f.tool_name, failed_step = f.position
  FROM (SELECT DISTINCT ON (organization_id, conversation_id) organization_id, conversation_id, tool_name, position
          FROM xa_steps WHERE kind = 'tool_call' AND ok = false
         ORDER BY organization_id, conversation_id, position) f
 WHERE e.organization_id = f.organization_id AND e.conversation_id = f.conversation_id;
--> statement-breakpoint
ALTER TABLE "xa_executions" ENABLE TRIGGER "xa_executions_count";
--> statement-breakpoint
SELECT xa_recount(organization_id) FROM xa_organizations;
