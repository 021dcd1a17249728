CREATE TABLE "xa_execution_monthly_counts" (
	"organization_id" text NOT NULL,
	"month" date NOT NULL,
	"agent_id" uuid NOT NULL,
	"status" "xa_execution_status" NOT NULL,
	"credit_spike" boolean DEFAULT false NOT NULL,
	"failed_tool" text DEFAULT '' NOT NULL,
	"error_signature" text DEFAULT '' NOT NULL,
	"runs" bigint NOT NULL,
	"credit_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "xa_execution_monthly_counts_pk" PRIMARY KEY("organization_id","month","agent_id","status","credit_spike","failed_tool","error_signature")
);
--> statement-breakpoint
-- Each write counts its run in the month too, beside the day: the same keys, the same transaction.
CREATE OR REPLACE FUNCTION "xa_count_execution"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text;
  cents bigint;
  local_day date;
  tool text;
  signature text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.schedule_id IS NOT NULL THEN
    SELECT time_zone INTO zone FROM xa_organizations WHERE organization_id = OLD.organization_id;
    cents := coalesce((OLD.credits * 100)::bigint, 0);
    local_day := (OLD.started_at AT TIME ZONE zone)::date;
    tool := CASE WHEN OLD.status = 'failed' THEN OLD.failed_tool ELSE '' END;
    signature := CASE WHEN OLD.status = 'failed' THEN OLD.error_signature ELSE '' END;
    UPDATE xa_execution_daily_counts SET runs = runs - 1, credit_cents = credit_cents - cents
     WHERE organization_id = OLD.organization_id AND day = local_day AND agent_id = OLD.agent_id
       AND status = OLD.status AND credit_spike = OLD.credit_spike AND failed_tool = tool AND error_signature = signature;
    UPDATE xa_execution_monthly_counts SET runs = runs - 1, credit_cents = credit_cents - cents
     WHERE organization_id = OLD.organization_id AND month = date_trunc('month', local_day)::date AND agent_id = OLD.agent_id
       AND status = OLD.status AND credit_spike = OLD.credit_spike AND failed_tool = tool AND error_signature = signature;
    UPDATE xa_execution_status_counts SET runs = runs - 1, credit_cents = credit_cents - cents
     WHERE organization_id = OLD.organization_id AND day = local_day AND agent_id = OLD.agent_id AND status = OLD.status;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.schedule_id IS NOT NULL THEN
    SELECT time_zone INTO zone FROM xa_organizations WHERE organization_id = NEW.organization_id;
    cents := coalesce((NEW.credits * 100)::bigint, 0);
    local_day := (NEW.started_at AT TIME ZONE zone)::date;
    tool := CASE WHEN NEW.status = 'failed' THEN NEW.failed_tool ELSE '' END;
    signature := CASE WHEN NEW.status = 'failed' THEN NEW.error_signature ELSE '' END;
    INSERT INTO xa_execution_daily_counts
      (organization_id, day, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
    VALUES (NEW.organization_id, local_day, NEW.agent_id, NEW.status, NEW.credit_spike, tool, signature, 1, cents)
    ON CONFLICT (organization_id, day, agent_id, status, credit_spike, failed_tool, error_signature)
    DO UPDATE SET runs = xa_execution_daily_counts.runs + 1,
                  credit_cents = xa_execution_daily_counts.credit_cents + excluded.credit_cents;
    INSERT INTO xa_execution_monthly_counts
      (organization_id, month, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
    VALUES (NEW.organization_id, date_trunc('month', local_day)::date, NEW.agent_id, NEW.status, NEW.credit_spike, tool, signature, 1, cents)
    ON CONFLICT (organization_id, month, agent_id, status, credit_spike, failed_tool, error_signature)
    DO UPDATE SET runs = xa_execution_monthly_counts.runs + 1,
                  credit_cents = xa_execution_monthly_counts.credit_cents + excluded.credit_cents;
    INSERT INTO xa_execution_status_counts (organization_id, day, agent_id, status, runs, credit_cents)
    VALUES (NEW.organization_id, local_day, NEW.agent_id, NEW.status, 1, cents)
    ON CONFLICT (organization_id, day, agent_id, status)
    DO UPDATE SET runs = xa_execution_status_counts.runs + 1,
                  credit_cents = xa_execution_status_counts.credit_cents + excluded.credit_cents;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "xa_recount"(org text) RETURNS void LANGUAGE sql AS $$
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
  DELETE FROM xa_execution_monthly_counts WHERE organization_id = org;
  INSERT INTO xa_execution_monthly_counts
    (organization_id, month, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
  SELECT organization_id, date_trunc('month', day)::date, agent_id, status, credit_spike, failed_tool, error_signature,
         sum(runs), sum(credit_cents)
    FROM xa_execution_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4, 5, 6, 7;
  DELETE FROM xa_execution_status_counts WHERE organization_id = org;
  INSERT INTO xa_execution_status_counts (organization_id, day, agent_id, status, runs, credit_cents)
  SELECT organization_id, day, agent_id, status, sum(runs), sum(credit_cents)
    FROM xa_execution_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4;
$$;
--> statement-breakpoint
-- Runs counted before this migration: their months, from their days.
INSERT INTO xa_execution_monthly_counts
  (organization_id, month, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
SELECT organization_id, date_trunc('month', day)::date, agent_id, status, credit_spike, failed_tool, error_signature,
       sum(runs), sum(credit_cents)
  FROM xa_execution_daily_counts
 GROUP BY 1, 2, 3, 4, 5, 6, 7;
