-- Search: a run is found by its title, its error and the names of the tools it called, through a
-- trigram index behind the organization. pg_trgm and btree_gin are trusted extensions; where a
-- host already has them, in whatever schema, they are used from there (on PGlite the host loads
-- both: README, Options). The operator class is named by the schema pg_trgm lives in, found
-- here, since the host's search_path need not name it; the operators the queries use, LIKE's,
-- are core ones.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_executions" ADD COLUMN IF NOT EXISTS "tool_names" text DEFAULT '' NOT NULL;
--> statement-breakpoint
-- What search reads, stored: drizzle-kit cannot compare an expression index with schema.ts, and a
-- walk that filters by it pays no lower() per row. Adding it rewrites the table once.
ALTER TABLE "executions_admin"."xa_executions" ADD COLUMN "searched_text" text GENERATED ALWAYS AS (lower(left("conversation_title", 1000) || E'\n' || left(coalesce("error_message", ''), 1000) || E'\n' || left("tool_names", 1000))) STORED NOT NULL;
--> statement-breakpoint
-- The tools a conversation called, each once, in the order first called, one a line.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_tool_names"(org text, conversation uuid) RETURNS text
LANGUAGE plpgsql STABLE AS $$
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
-- run's list is written again, which its own trigger (xa_executions_tool_names) computes.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_note_tool_name"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.kind = 'tool_call' AND NEW.tool_name IS NOT NULL THEN
      UPDATE executions_admin.xa_executions SET tool_names = tool_names
       WHERE organization_id = NEW.organization_id AND conversation_id = NEW.conversation_id
         AND strpos(E'\n' || tool_names || E'\n', E'\n' || NEW.tool_name || E'\n') = 0;
    END IF;
    RETURN NULL;
  END IF;
  UPDATE executions_admin.xa_executions SET tool_names = tool_names
   WHERE organization_id = OLD.organization_id AND conversation_id = OLD.conversation_id;
  IF TG_OP = 'UPDATE' THEN
    UPDATE executions_admin.xa_executions SET tool_names = tool_names
     WHERE organization_id = NEW.organization_id AND conversation_id = NEW.conversation_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "xa_executions_tool_names"
BEFORE INSERT OR UPDATE OF organization_id, conversation_id, tool_names ON "executions_admin"."xa_executions"
FOR EACH ROW EXECUTE FUNCTION "executions_admin"."xa_fill_tool_names"();
--> statement-breakpoint
CREATE TRIGGER "xa_steps_tool_names" AFTER INSERT OR DELETE OR UPDATE OF organization_id, conversation_id, kind, tool_name
ON "executions_admin"."xa_steps"
FOR EACH ROW EXECUTE FUNCTION "executions_admin"."xa_note_tool_name"();
--> statement-breakpoint
-- The runs recorded so far: their trigger fills each list.
UPDATE "executions_admin"."xa_executions" e SET tool_names = tool_names
 WHERE EXISTS (SELECT 1 FROM "executions_admin"."xa_steps" s
                WHERE s.organization_id = e.organization_id AND s.conversation_id = e.conversation_id
                  AND s.kind = 'tool_call' AND s.tool_name IS NOT NULL);
--> statement-breakpoint
DO $$
DECLARE
  trgm text := (SELECT n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'pg_trgm');
BEGIN
  EXECUTE format(
    'CREATE INDEX "xa_executions_org_search_idx" ON "executions_admin"."xa_executions" USING gin '
    '("organization_id", "searched_text" %I.gin_trgm_ops) WHERE "schedule_id" IS NOT NULL', trgm);
END
$$;
