-- Each run carries its conversation's title, the one column the list, its CSV and the conversation
-- page read from xa_conversations: a batch of 10,000 runs then reads the runs alone, not 10,000
-- random probes of the conversations' primary key besides. Null is the only default, so that a
-- writer may leave the column out for the trigger below to fill, and a load with the triggers off
-- that forgets it fails on NOT NULL instead of storing a wrong title. Nullable until the backfill.
ALTER TABLE "xa_executions" ADD COLUMN "conversation_title" text DEFAULT null;
--> statement-breakpoint
-- A conversation's title, by organization and id: for the backfill and the trigger below.
CREATE FUNCTION "xa_conversation_title"(org text, conversation uuid) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  -- PL/pgSQL rather than SQL, as xa_usual: its plan is prepared once per session, not on every insert.
  RETURN (SELECT c.title FROM xa_conversations c WHERE c.organization_id = org AND c.id = conversation);
END
$$;
--> statement-breakpoint
-- Runs recorded before this migration, by a rewrite of the table (as a change of a column's type
-- makes) rather than an UPDATE: the UPDATE wrote a second version of every run and added it to each
-- of the table's nine indexes at random places, and on 11 million runs had not finished after 24
-- minutes; the rewrite writes the runs once, in order, and builds each index again by sorting.
-- Before the triggers exist, so that no trigger runs per row; ADD COLUMN holds an exclusive lock
-- on the runs until the migration commits, so no run can be written in between.
ALTER TABLE "xa_executions"
  ALTER COLUMN "conversation_title" SET DATA TYPE text USING xa_conversation_title(organization_id, conversation_id),
  ALTER COLUMN "conversation_title" SET NOT NULL;
--> statement-breakpoint
-- The title is always the conversation's, whatever the writer passed: one probe of the
-- conversations' primary key per run written. Without a conversation it stores '' for a moment,
-- so that the foreign key, checked at the end of the statement, reports the missing conversation
-- instead of NOT NULL reporting a missing title.
CREATE FUNCTION "xa_copy_conversation_title"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.conversation_title := coalesce(xa_conversation_title(NEW.organization_id, NEW.conversation_id), '');
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- On insert, when the run moves to another conversation, and when something writes the copy
-- itself: it is put back.
CREATE TRIGGER "xa_executions_conversation_title"
BEFORE INSERT OR UPDATE OF organization_id, conversation_id, conversation_title ON "xa_executions"
FOR EACH ROW EXECUTE FUNCTION "xa_copy_conversation_title"();
--> statement-breakpoint
-- A renamed conversation renames its run, in the same transaction (an organization's
-- conversation has at most one run: the (organization_id, conversation_id) unique index finds it).
CREATE FUNCTION "xa_follow_conversation_title"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE xa_executions SET conversation_title = NEW.title
   WHERE organization_id = NEW.organization_id AND conversation_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "xa_conversations_title" AFTER UPDATE OF title ON "xa_conversations"
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
EXECUTE FUNCTION "xa_follow_conversation_title"();
