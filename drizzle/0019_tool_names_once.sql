-- A run's list of tools is written again whenever it changes: a step moved, or written before an
-- earlier call of its tool, reorders it. And once per statement that deletes steps rather than once
-- per step: deleting a conversation's steps used to rewrite its run, with every index of the runs,
-- once for each step.
CREATE OR REPLACE FUNCTION "executions_admin"."xa_note_tool_name"() RETURNS trigger LANGUAGE plpgsql AS $$
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
DROP TRIGGER "xa_steps_tool_names" ON "executions_admin"."xa_steps";
--> statement-breakpoint
CREATE TRIGGER "xa_steps_tool_names" AFTER INSERT OR UPDATE OF organization_id, conversation_id, position, kind, tool_name
ON "executions_admin"."xa_steps"
FOR EACH ROW EXECUTE FUNCTION "executions_admin"."xa_note_tool_name"();
--> statement-breakpoint
CREATE TRIGGER "xa_steps_tool_names_deleted" AFTER DELETE ON "executions_admin"."xa_steps"
REFERENCING OLD TABLE AS deleted_steps
FOR EACH STATEMENT EXECUTE FUNCTION "executions_admin"."xa_forget_tool_names"();
