-- An agent's usual duration held at the largest integer of milliseconds: a median beyond it (runs
-- of weeks) made every later run of the agent fail to record. The body is drizzle/functions.sql's.
CREATE OR REPLACE FUNCTION "xa_usual"(org text, agent uuid, before timestamptz, OUT credits numeric, OUT duration_ms integer)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  -- PL/pgSQL rather than SQL: its plan is prepared once per session, not on every insert.
  SELECT CASE WHEN count(r.credits) >= 5 THEN percentile_disc(0.5) WITHIN GROUP (ORDER BY r.credits) END,
         CASE WHEN count(*) FILTER (WHERE r.status = 'completed') >= 5
              THEN least(round(percentile_disc(0.5) WITHIN GROUP (ORDER BY r.took) FILTER (WHERE r.status = 'completed')), 2147483647)::integer END
    INTO credits, duration_ms
    FROM (SELECT e.credits, e.status, extract(epoch FROM e.finished_at - e.started_at) * 1000 AS took
            FROM xa_executions e
           WHERE e.organization_id = org AND e.agent_id = agent AND e.schedule_id IS NOT NULL
             AND e.started_at < before AND e.status IN ('completed', 'failed') AND e.finished_at IS NOT NULL
           ORDER BY e.started_at DESC NULLS LAST, e.id DESC NULLS LAST
           LIMIT 20) r;
END
$$;
