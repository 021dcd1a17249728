-- The failure counts per month and per year (src/db/count-tables.ts): a digest over whole months or
-- whole years ranks a row per kind and period instead of summing a row per month, agent and kind of
-- the monthly counts. As in 0026, the runs are locked against writes (SHARE) before the trigger
-- changes and the backfill, so that no write counted by the old trigger is missed by both; writers
-- wait until the migration commits, which reads the monthly counts, not the runs.
CREATE TABLE "executions_admin"."xa_execution_failure_monthly_counts" (
	"organization_id" text NOT NULL,
	"month" date NOT NULL,
	"failed_tool" text NOT NULL,
	"error_signature" text NOT NULL,
	"runs" bigint NOT NULL,
	"spike_runs" bigint NOT NULL,
	CONSTRAINT "xa_execution_failure_monthly_counts_pk" PRIMARY KEY("organization_id","month","failed_tool","error_signature")
);
--> statement-breakpoint
CREATE TABLE "executions_admin"."xa_execution_failure_yearly_counts" (
	"organization_id" text NOT NULL,
	"year" date NOT NULL,
	"failed_tool" text NOT NULL,
	"error_signature" text NOT NULL,
	"runs" bigint NOT NULL,
	"spike_runs" bigint NOT NULL,
	CONSTRAINT "xa_execution_failure_yearly_counts_pk" PRIMARY KEY("organization_id","year","failed_tool","error_signature")
);
--> statement-breakpoint
LOCK TABLE "executions_admin"."xa_executions" IN SHARE MODE;
--> statement-breakpoint
-- Keeps the count tables exact in the same transaction as every write to a run: one count out of
-- the run's old keys and into its new ones. Only scheduled runs count, and failure details only on
-- failed runs, so the rest stay one row per day, agent, status and spike. The failure counts (over
-- all time, by month and by year) change only when a run enters or leaves a kind of failure in a
-- month, or becomes a credit spike or not: those rows are shared by every agent failing that way,
-- and most writes to a failed run leave them alone.
-- Trigger xa_executions_count.
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
  -- Whether the run was, and is, a failed scheduled run: counted in the failure counts.
  was_failed boolean;
  is_failed boolean;
  -- The local months the run started in, before and after: the failure counts' month and year.
  old_month date;
  new_month date;
  spike_change int;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.schedule_id IS NOT NULL THEN
    SELECT time_zone INTO zone FROM executions_admin.xa_organizations WHERE organization_id = OLD.organization_id;
    cents := coalesce((OLD.credits * 100)::bigint, 0);
    local_day := (OLD.started_at AT TIME ZONE zone)::date;
    old_month := date_trunc('month', local_day)::date;
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
    new_month := date_trunc('month', local_day)::date;
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
  was_failed := TG_OP IN ('UPDATE', 'DELETE') AND OLD.schedule_id IS NOT NULL AND OLD.status = 'failed';
  is_failed := TG_OP IN ('INSERT', 'UPDATE') AND NEW.schedule_id IS NOT NULL AND NEW.status = 'failed';
  IF was_failed AND is_failed AND (OLD.organization_id, OLD.failed_tool, OLD.error_signature, old_month)
                                  IS NOT DISTINCT FROM (NEW.organization_id, NEW.failed_tool, NEW.error_signature, new_month) THEN
    IF OLD.credit_spike <> NEW.credit_spike THEN
      spike_change := NEW.credit_spike::int - OLD.credit_spike::int;
      UPDATE executions_admin.xa_execution_failure_counts SET spike_runs = spike_runs + spike_change
       WHERE organization_id = NEW.organization_id AND failed_tool = NEW.failed_tool AND error_signature = NEW.error_signature;
      UPDATE executions_admin.xa_execution_failure_monthly_counts SET spike_runs = spike_runs + spike_change
       WHERE organization_id = NEW.organization_id AND month = new_month
         AND failed_tool = NEW.failed_tool AND error_signature = NEW.error_signature;
      UPDATE executions_admin.xa_execution_failure_yearly_counts SET spike_runs = spike_runs + spike_change
       WHERE organization_id = NEW.organization_id AND year = date_trunc('year', new_month)::date
         AND failed_tool = NEW.failed_tool AND error_signature = NEW.error_signature;
    END IF;
  ELSE
    IF was_failed THEN
      UPDATE executions_admin.xa_execution_failure_counts SET runs = runs - 1, spike_runs = spike_runs - OLD.credit_spike::int
       WHERE organization_id = OLD.organization_id AND failed_tool = OLD.failed_tool AND error_signature = OLD.error_signature;
      UPDATE executions_admin.xa_execution_failure_monthly_counts SET runs = runs - 1, spike_runs = spike_runs - OLD.credit_spike::int
       WHERE organization_id = OLD.organization_id AND month = old_month
         AND failed_tool = OLD.failed_tool AND error_signature = OLD.error_signature;
      UPDATE executions_admin.xa_execution_failure_yearly_counts SET runs = runs - 1, spike_runs = spike_runs - OLD.credit_spike::int
       WHERE organization_id = OLD.organization_id AND year = date_trunc('year', old_month)::date
         AND failed_tool = OLD.failed_tool AND error_signature = OLD.error_signature;
    END IF;
    IF is_failed THEN
      INSERT INTO executions_admin.xa_execution_failure_counts (organization_id, failed_tool, error_signature, runs, spike_runs)
      VALUES (NEW.organization_id, NEW.failed_tool, NEW.error_signature, 1, NEW.credit_spike::int)
      ON CONFLICT (organization_id, failed_tool, error_signature)
      DO UPDATE SET runs = xa_execution_failure_counts.runs + 1,
                    spike_runs = xa_execution_failure_counts.spike_runs + excluded.spike_runs;
      INSERT INTO executions_admin.xa_execution_failure_monthly_counts
        (organization_id, month, failed_tool, error_signature, runs, spike_runs)
      VALUES (NEW.organization_id, new_month, NEW.failed_tool, NEW.error_signature, 1, NEW.credit_spike::int)
      ON CONFLICT (organization_id, month, failed_tool, error_signature)
      DO UPDATE SET runs = xa_execution_failure_monthly_counts.runs + 1,
                    spike_runs = xa_execution_failure_monthly_counts.spike_runs + excluded.spike_runs;
      INSERT INTO executions_admin.xa_execution_failure_yearly_counts
        (organization_id, year, failed_tool, error_signature, runs, spike_runs)
      VALUES (NEW.organization_id, date_trunc('year', new_month)::date, NEW.failed_tool, NEW.error_signature, 1, NEW.credit_spike::int)
      ON CONFLICT (organization_id, year, failed_tool, error_signature)
      DO UPDATE SET runs = xa_execution_failure_yearly_counts.runs + 1,
                    spike_runs = xa_execution_failure_yearly_counts.spike_runs + excluded.spike_runs;
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The whole of one organization's counts, from its runs: on a time-zone change, and after a bulk
-- load that bypassed the triggers. Months, statuses and the organization's rows are summed from the
-- days, the failures by month from the months, by year from those, over all time from the years
-- (in key order, so that a period's rows share pages, as the digest reads them).
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
  DELETE FROM executions_admin.xa_execution_failure_monthly_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_failure_monthly_counts
    (organization_id, month, failed_tool, error_signature, runs, spike_runs)
  SELECT organization_id, month, failed_tool, error_signature, sum(runs), coalesce(sum(runs) FILTER (WHERE credit_spike), 0)
    FROM executions_admin.xa_execution_monthly_counts
   WHERE organization_id = org AND status = 'failed'
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 2, 3, 4;
  DELETE FROM executions_admin.xa_execution_failure_yearly_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_failure_yearly_counts
    (organization_id, year, failed_tool, error_signature, runs, spike_runs)
  SELECT organization_id, date_trunc('year', month)::date, failed_tool, error_signature, sum(runs), sum(spike_runs)
    FROM executions_admin.xa_execution_failure_monthly_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 2, 3, 4;
  DELETE FROM executions_admin.xa_execution_failure_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_failure_counts (organization_id, failed_tool, error_signature, runs, spike_runs)
  SELECT organization_id, failed_tool, error_signature, sum(runs), sum(spike_runs)
    FROM executions_admin.xa_execution_failure_yearly_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3;
$$;
--> statement-breakpoint
-- Filled from the monthly counts, then the years from the months; a kind whose rows deletes left at
-- zero in a period is not a kind that failed then. In key order, so that a period's rows share pages
-- (in hash order a month's rows lay on about one page for every two rows: docs/performance.md).
INSERT INTO "executions_admin"."xa_execution_failure_monthly_counts"
  (organization_id, month, failed_tool, error_signature, runs, spike_runs)
SELECT organization_id, month, failed_tool, error_signature, sum(runs), coalesce(sum(runs) FILTER (WHERE credit_spike), 0)
  FROM "executions_admin"."xa_execution_monthly_counts"
 WHERE status = 'failed'
 GROUP BY 1, 2, 3, 4
HAVING sum(runs) <> 0
 ORDER BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO "executions_admin"."xa_execution_failure_yearly_counts"
  (organization_id, year, failed_tool, error_signature, runs, spike_runs)
SELECT organization_id, date_trunc('year', month)::date, failed_tool, error_signature, sum(runs), sum(spike_runs)
  FROM "executions_admin"."xa_execution_failure_monthly_counts"
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3, 4;
