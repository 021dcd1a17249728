-- xa_recount wrote each counts table in the order its GROUP BY happened to produce: hashed, so one
-- day's rows of the daily counts lay on as many pages as the day had rows. The digest's partial
-- months, and the totals', read a range of days. Now every insert is in its key's order: on a 1M-run
-- organization whose daily counts outgrew shared buffers, the digest of a range of days took a third
-- of the time, and the recount itself less (bench/results/2026-12-06-recount-key-order.md). Rows
-- already counted keep their layout until the organization is next recounted (docs/scaling.md).
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
   GROUP BY 1, 2, 3, 4, 5, 6, 7
   ORDER BY 1, 2, 3, 4, 5, 6, 7;
  DELETE FROM executions_admin.xa_execution_monthly_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_monthly_counts
    (organization_id, month, agent_id, status, credit_spike, failed_tool, error_signature, runs, credit_cents)
  SELECT organization_id, date_trunc('month', day)::date, agent_id, status, credit_spike, failed_tool, error_signature,
         sum(runs), sum(credit_cents)
    FROM executions_admin.xa_execution_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4, 5, 6, 7
   ORDER BY 1, 2, 3, 4, 5, 6, 7;
  DELETE FROM executions_admin.xa_execution_status_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_status_counts (organization_id, day, agent_id, status, runs, credit_cents)
  SELECT organization_id, day, agent_id, status, sum(runs), sum(credit_cents)
    FROM executions_admin.xa_execution_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 2, 3, 4;
  DELETE FROM executions_admin.xa_execution_org_daily_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_org_daily_counts
    (organization_id, day, status, credit_spike, stripe, runs, credit_cents)
  SELECT organization_id, day, status, credit_spike, 0, sum(runs), sum(credit_cents)
    FROM executions_admin.xa_execution_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 2, 3, 4;
  DELETE FROM executions_admin.xa_execution_org_monthly_counts WHERE organization_id = org;
  INSERT INTO executions_admin.xa_execution_org_monthly_counts
    (organization_id, month, status, credit_spike, stripe, runs, credit_cents)
  SELECT organization_id, date_trunc('month', day)::date, status, credit_spike, 0, sum(runs), sum(credit_cents)
    FROM executions_admin.xa_execution_org_daily_counts
   WHERE organization_id = org
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 2, 3, 4;
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
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3;
$$;
