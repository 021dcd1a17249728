-- An agent's usual credits and duration found by one bounded walk of the (organization, agent,
-- status, started_at) index per finished status, whatever the statistics say: under statistics
-- taken while the runs were mostly unfinished, the single walk filtered by status was planned as a
-- sort of every finished run of the organization on every insert. The body is
-- drizzle/functions.sql's.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_usual"(org text, agent uuid, before timestamptz, OUT credits numeric, OUT duration_ms integer)
LANGUAGE plpgsql STABLE SET enable_sort = off SET jit = off AS $$
BEGIN
  -- PL/pgSQL rather than SQL: its plan is prepared once per session, not on every insert.
  SELECT CASE WHEN count(r.credits) >= 5 THEN percentile_disc(0.5) WITHIN GROUP (ORDER BY r.credits) END,
         CASE WHEN count(r.took) FILTER (WHERE r.status = 'completed') >= 5
              THEN least(round(percentile_disc(0.5) WITHIN GROUP (ORDER BY r.took) FILTER (WHERE r.status = 'completed')), 2147483647)::integer END
    INTO credits, duration_ms
    FROM ((SELECT e.credits, e.status, e.started_at, e.id, extract(epoch FROM e.finished_at - e.started_at) * 1000 AS took
             FROM executions_admin.xa_executions e
            WHERE e.organization_id = org AND e.agent_id = agent AND e.status BETWEEN 'completed' AND 'completed'
              AND e.schedule_id IS NOT NULL AND e.started_at < before
            ORDER BY e.status, e.started_at DESC NULLS LAST, e.id DESC NULLS LAST
            LIMIT 20)
          UNION ALL
          (SELECT e.credits, e.status, e.started_at, e.id, extract(epoch FROM e.finished_at - e.started_at) * 1000 AS took
             FROM executions_admin.xa_executions e
            WHERE e.organization_id = org AND e.agent_id = agent AND e.status BETWEEN 'failed' AND 'failed'
              AND e.schedule_id IS NOT NULL AND e.started_at < before
            ORDER BY e.status, e.started_at DESC NULLS LAST, e.id DESC NULLS LAST
            LIMIT 20)
          ORDER BY started_at DESC NULLS LAST, id DESC NULLS LAST
          LIMIT 20) r;
END
$$;
