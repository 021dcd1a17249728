-- The module's SQL functions as they stand: every function the migrations leave in the database,
-- one CREATE OR REPLACE each, so that a reader finds a function's body here instead of in the
-- latest of the migrations that redefined it. The triggers that call them stay in the migrations.
--
-- migrateExecutionsAdmin (src/db/database.ts) applies this file after the migrations, on every
-- migrate and in a transaction of its own, so the database runs these bodies even after one was
-- edited by hand. It is not a migration: drizzle reads only the files meta/_journal.json lists.
--
-- To change a function, change it here and, in the same commit, in a new migration
-- (`drizzle-kit generate --custom`) holding the same CREATE OR REPLACE and whatever the existing
-- rows need: the migrations run before this file, so a migration's own backfill or recount sees a
-- new body only if the migration defines it, and a database migrated to any point has that point's
-- functions. Add or drop a function the same way. test/sql-functions.test.ts fails while this file
-- and the migrations disagree.
--
-- Every function lives in the module's schema, executions_admin, and names every table and function
-- of the module schema-qualified: a trigger runs with the search_path of whoever writes, the host's,
-- which need not name the module's schema. (A SET search_path clause on each function would do the
-- same, but keeps the planner from inlining a SQL function and costs every trigger call a
-- configuration change.)
--
-- The PL/pgSQL functions that triggers run for every row written plan their statements once per
-- session (SET plan_cache_mode = force_generic_plan). The module's own connection plans every
-- statement for its values (src/db/database.ts says why, for the page), and a trigger inherits the
-- writer's setting: with the dozens of indexes on xa_executions, planning each call cost more than
-- the keyed lookups and index walks it planned, whose best plan does not depend on the values
-- (docs/performance.md#trigger-plans-made-once-per-session-migration-0022-2026-12-04).
--
-- Statements are separated by drizzle's statement-breakpoint line, as in the migrations: PGlite
-- runs one statement per query.

-- What failures group by: the error with its particulars replaced — ids, times, e-mail addresses,
-- quoted values and numbers — whitespace collapsed, cut at 200 characters. A three-digit code
-- where a status code stands (at the start, after a colon or a dash, after HTTP, status, code,
-- returned or error) is kept: "401 expired credential" is the failure, "user 123" a particular.
-- Immutable, so that the generated column xa_executions.error_signature can store it: a new body
-- needs a migration that rewrites that column and recounts.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_error_signature"(message text) RETURNS text
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
-- An agent's usual credits and duration before an instant: the medians (the lower middle value,
-- so they are exact) over its last 20 finished scheduled runs — durations of completed ones —
-- once it has 5 of them (a run without a finish time counts for its credits only). A median beyond
-- an integer of milliseconds (runs of weeks) is held at its largest, not an error that would
-- refuse every later run of the agent.
-- It runs on every insert, so its cost must not depend on statistics, which an import or a
-- restore leaves stale: planned under statistics taken while the runs were mostly unfinished, a
-- walk filtered by status became a sort of every finished run of the organization on every insert
-- (docs/performance.md#an-import-under-stale-statistics). So each finished status is one walk of
-- the (organization, agent, status, started_at) index, stopping at 20 entries: the status is a
-- range of one value and leads the order, which only that index gives without a sort, and sorts
-- are off for the function's queries (the 40 rows merged at the end are sorted all the same). JIT
-- is off: the cost that turns sorts off would otherwise compile the query on every call.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_usual"(org text, agent uuid, before timestamptz, OUT credits numeric, OUT duration_ms integer)
LANGUAGE plpgsql STABLE SET enable_sort = off SET jit = off SET plan_cache_mode = force_generic_plan AS $$
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
--> statement-breakpoint
-- Each scheduled run is measured against its agent's recent runs as it is recorded; a writer that
-- knows better (a bulk import) may set both itself. Trigger xa_executions_usual.
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
-- A failed tool call marks its run, unless an earlier step already failed. Trigger
-- xa_steps_failed_tool.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_note_failed_tool"() RETURNS trigger LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  UPDATE executions_admin.xa_executions SET failed_tool = NEW.tool_name, failed_step = NEW.position
   WHERE organization_id = NEW.organization_id AND conversation_id = NEW.conversation_id
     AND (failed_step IS NULL OR failed_step > NEW.position);
  RETURN NULL;
END
$$;
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
-- days, the failures by month from the months, by year from those, over all time from the years.
-- Every table is written in its key's order, so that a period's rows share pages, as the totals and
-- the digest read them (drizzle/0030_recount_in_key_order.sql).
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
--> statement-breakpoint
-- Days are the organization's calendar days: a new time zone moves runs between days. Trigger
-- xa_organizations_recount.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_recount_organization"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM executions_admin.xa_recount(NEW.organization_id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A conversation's title, by organization and id.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_conversation_title"(org text, conversation uuid) RETURNS text
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  -- PL/pgSQL rather than SQL, as xa_usual: its plan is prepared once per session, not on every insert.
  RETURN (SELECT c.title FROM executions_admin.xa_conversations c WHERE c.organization_id = org AND c.id = conversation);
END
$$;
--> statement-breakpoint
-- The title is always the conversation's, whatever the writer passed: one probe of the
-- conversations' primary key per run written. Without a conversation it stores '' for a moment,
-- so that the foreign key, checked at the end of the statement, reports the missing conversation
-- instead of NOT NULL reporting a missing title. Trigger xa_executions_conversation_title.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_copy_conversation_title"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.conversation_title := coalesce(executions_admin.xa_conversation_title(NEW.organization_id, NEW.conversation_id), '');
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- A renamed conversation renames its run, in the same transaction (an organization's
-- conversation has at most one run: the (organization_id, conversation_id) unique index finds it).
-- Trigger xa_conversations_title.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_follow_conversation_title"() RETURNS trigger LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  UPDATE executions_admin.xa_executions SET conversation_title = NEW.title
   WHERE organization_id = NEW.organization_id AND conversation_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The tools a conversation called, each once, in the order first called, one a line.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_tool_names"(org text, conversation uuid) RETURNS text
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  -- PL/pgSQL rather than SQL, as xa_usual: its plan is prepared once per session.
  RETURN (SELECT coalesce(string_agg(t.name, E'\n' ORDER BY t.first), '')
            FROM (SELECT s.tool_name AS name, min(s.position) AS first
                    FROM executions_admin.xa_steps s
                   WHERE s.organization_id = org AND s.conversation_id = conversation
                     AND s.kind = 'tool_call' AND s.tool_name IS NOT NULL
                   GROUP BY s.tool_name) t);
END
$$;
--> statement-breakpoint
-- A run's list is always its steps', whatever the writer passed: on insert (its steps may be
-- written first), when it moves to another conversation, and when anything writes the list.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_fill_tool_names"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tool_names := executions_admin.xa_tool_names(NEW.organization_id, NEW.conversation_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- A step that names a tool not yet on its run's list, or any other change to a step's tool: the
-- run's list is written again, which its own trigger (xa_executions_tool_names) computes, only when
-- it changes.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_note_tool_name"() RETURNS trigger LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.kind = 'tool_call' AND NEW.tool_name IS NOT NULL THEN
      UPDATE executions_admin.xa_executions SET tool_names = tool_names
       WHERE organization_id = NEW.organization_id AND conversation_id = NEW.conversation_id
         AND (strpos(E'\n' || tool_names || E'\n', E'\n' || NEW.tool_name || E'\n') = 0
              -- Listed, but called here first (a step written before an earlier one): the order moves.
              OR NOT EXISTS (SELECT 1 FROM executions_admin.xa_steps s
                              WHERE s.organization_id = NEW.organization_id AND s.conversation_id = NEW.conversation_id
                                AND s.position < NEW.position AND s.kind = 'tool_call' AND s.tool_name = NEW.tool_name));
    END IF;
    RETURN NULL;
  END IF;
  UPDATE executions_admin.xa_executions e SET tool_names = tool_names
   WHERE ((e.organization_id = OLD.organization_id AND e.conversation_id = OLD.conversation_id)
       OR (e.organization_id = NEW.organization_id AND e.conversation_id = NEW.conversation_id))
     AND e.tool_names IS DISTINCT FROM executions_admin.xa_tool_names(e.organization_id, e.conversation_id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Steps deleted, once per statement (their transition table): each run that lost a tool, or whose
-- first call of one moved, is written again once, however many of its steps went.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_forget_tool_names"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE executions_admin.xa_executions e SET tool_names = tool_names
    FROM (SELECT DISTINCT organization_id, conversation_id FROM deleted_steps
           WHERE kind = 'tool_call' AND tool_name IS NOT NULL) d
   WHERE e.organization_id = d.organization_id AND e.conversation_id = d.conversation_id
     AND e.tool_names IS DISTINCT FROM executions_admin.xa_tool_names(e.organization_id, e.conversation_id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A tool call's input or output longer than 16,384 characters as text (a JSON string as the text
-- it holds, anything else as JSON): its type, that text's beginning and its UTF-8 bytes; all null
-- for a shorter value. The conversation page shows no more than the beginning and the size
-- (src/conversation/bounded-repository.ts, whose HEAD_CHARS this length must not be under).
CREATE OR REPLACE FUNCTION "executions_admin"."xa_json_head"(v jsonb, OUT type text, OUT head text, OUT bytes integer)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  t text := CASE WHEN jsonb_typeof(v) = 'string' THEN v #>> '{}' ELSE v::text END;
BEGIN
  IF length(t) > 16384 THEN
    type := jsonb_typeof(v);
    head := substr(t, 1, 16384);
    bytes := octet_length(t);
  END IF;
END
$$;
--> statement-breakpoint
-- Keeps xa_json_head of a step's tool input and output beside them (for a value of over 64 KiB as
-- jsonb: the trigger's WHEN, migration 0029), so that the conversation page reads a long value's
-- beginning and size without reading the value: decompressing megabytes, and
-- writing JSON out as text, were most of that page's time at every view
-- (docs/performance.md#long-tool-payloads-in-a-conversation-migration-0029). Recomputed whenever a
-- value or one of these columns is written, so that a plain SQL write cannot leave them saying
-- something the value does not. Rows the trigger did not see keep nothing and are read from their
-- values. Trigger xa_steps_json_heads.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_note_json_heads"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  h record;
BEGIN
  h := executions_admin.xa_json_head(NEW.tool_input);
  NEW.tool_input_type := h.type;
  NEW.tool_input_head := h.head;
  NEW.tool_input_bytes := h.bytes;
  h := executions_admin.xa_json_head(NEW.tool_output);
  NEW.tool_output_type := h.type;
  NEW.tool_output_head := h.head;
  NEW.tool_output_bytes := h.bytes;
  RETURN NEW;
END
$$;
