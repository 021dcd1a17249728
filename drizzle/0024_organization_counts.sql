-- Counts per organization, local day (and month), status and credit spike, without the agent and
-- the failure (src/db/count-tables.ts): the page with no agent and no kind of failure sums a few
-- rows per day instead of one per day, agent and kind of failure, which an organization with many
-- of those multiplies. Each run is counted in one of 16 stripes of rows, summed on read.
CREATE TABLE "executions_admin"."xa_execution_org_daily_counts" (
	"organization_id" text NOT NULL,
	"day" date NOT NULL,
	"status" "executions_admin"."xa_execution_status" NOT NULL,
	"credit_spike" boolean DEFAULT false NOT NULL,
	"stripe" smallint NOT NULL,
	"runs" bigint NOT NULL,
	"credit_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "xa_execution_org_daily_counts_pk" PRIMARY KEY("organization_id","day","status","credit_spike","stripe")
);
--> statement-breakpoint
CREATE TABLE "executions_admin"."xa_execution_org_monthly_counts" (
	"organization_id" text NOT NULL,
	"month" date NOT NULL,
	"status" "executions_admin"."xa_execution_status" NOT NULL,
	"credit_spike" boolean DEFAULT false NOT NULL,
	"stripe" smallint NOT NULL,
	"runs" bigint NOT NULL,
	"credit_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "xa_execution_org_monthly_counts_pk" PRIMARY KEY("organization_id","month","status","credit_spike","stripe")
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "executions_admin"."xa_count_execution"() RETURNS trigger LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  zone text;
  cents bigint;
  local_day date;
  tool text;
  signature text;
  -- Which of the organization's 16 rows per day, status and spike counts the run: its id's last
  -- byte, so concurrent writers, and one writing many runs at once, spread over them.
  run_stripe smallint;
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
    run_stripe := get_byte(uuid_send(OLD.id), 15) & 15;
    INSERT INTO executions_admin.xa_execution_org_daily_counts
      (organization_id, day, status, credit_spike, stripe, runs, credit_cents)
    VALUES (OLD.organization_id, local_day, OLD.status, OLD.credit_spike, run_stripe, -1, -cents)
    ON CONFLICT (organization_id, day, status, credit_spike, stripe)
    DO UPDATE SET runs = xa_execution_org_daily_counts.runs - 1,
                  credit_cents = xa_execution_org_daily_counts.credit_cents - cents;
    INSERT INTO executions_admin.xa_execution_org_monthly_counts
      (organization_id, month, status, credit_spike, stripe, runs, credit_cents)
    VALUES (OLD.organization_id, date_trunc('month', local_day)::date, OLD.status, OLD.credit_spike, run_stripe, -1, -cents)
    ON CONFLICT (organization_id, month, status, credit_spike, stripe)
    DO UPDATE SET runs = xa_execution_org_monthly_counts.runs - 1,
                  credit_cents = xa_execution_org_monthly_counts.credit_cents - cents;
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
    run_stripe := get_byte(uuid_send(NEW.id), 15) & 15;
    INSERT INTO executions_admin.xa_execution_org_daily_counts
      (organization_id, day, status, credit_spike, stripe, runs, credit_cents)
    VALUES (NEW.organization_id, local_day, NEW.status, NEW.credit_spike, run_stripe, 1, cents)
    ON CONFLICT (organization_id, day, status, credit_spike, stripe)
    DO UPDATE SET runs = xa_execution_org_daily_counts.runs + 1,
                  credit_cents = xa_execution_org_daily_counts.credit_cents + excluded.credit_cents;
    INSERT INTO executions_admin.xa_execution_org_monthly_counts
      (organization_id, month, status, credit_spike, stripe, runs, credit_cents)
    VALUES (NEW.organization_id, date_trunc('month', local_day)::date, NEW.status, NEW.credit_spike, run_stripe, 1, cents)
    ON CONFLICT (organization_id, month, status, credit_spike, stripe)
    DO UPDATE SET runs = xa_execution_org_monthly_counts.runs + 1,
                  credit_cents = xa_execution_org_monthly_counts.credit_cents + excluded.credit_cents;
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
  DELETE FROM executions_admin.xa_execution_org_daily_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_org_daily_counts
    (organization_id, day, status, credit_spike, stripe, runs, credit_cents)
  SELECT organization_id, day, status, credit_spike, 0, sum(runs), sum(credit_cents)
    FROM executions_admin.xa_execution_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4;
  DELETE FROM executions_admin.xa_execution_org_monthly_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_org_monthly_counts
    (organization_id, month, status, credit_spike, stripe, runs, credit_cents)
  SELECT organization_id, date_trunc('month', day)::date, status, credit_spike, 0, sum(runs), sum(credit_cents)
    FROM executions_admin.xa_execution_org_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4;
$$;
--> statement-breakpoint
-- Filled from the daily counts, in stripe 0.
INSERT INTO "executions_admin"."xa_execution_org_daily_counts"
  (organization_id, day, status, credit_spike, stripe, runs, credit_cents)
SELECT organization_id, day, status, credit_spike, 0, sum(runs), sum(credit_cents)
  FROM "executions_admin"."xa_execution_daily_counts"
 GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO "executions_admin"."xa_execution_org_monthly_counts"
  (organization_id, month, status, credit_spike, stripe, runs, credit_cents)
SELECT organization_id, date_trunc('month', day)::date, status, credit_spike, 0, sum(runs), sum(credit_cents)
  FROM "executions_admin"."xa_execution_org_daily_counts"
 GROUP BY 1, 2, 3, 4;
