-- The type, beginning and size of long tool inputs and outputs, kept at write time for the
-- conversation page (the functions below say why). The columns are added empty: no rewrite of the
-- table, no lock beyond the catalog change. Rows already written keep nothing and are read from
-- their values, as before.
ALTER TABLE "executions_admin"."xa_steps" ADD COLUMN "tool_input_type" text;--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_steps" ADD COLUMN "tool_input_head" text;--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_steps" ADD COLUMN "tool_input_bytes" integer;--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_steps" ADD COLUMN "tool_output_type" text;--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_steps" ADD COLUMN "tool_output_head" text;--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_steps" ADD COLUMN "tool_output_bytes" integer;--> statement-breakpoint
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
--> statement-breakpoint
-- Only a value of over 64 KiB as jsonb goes through the function: writing a smaller one out as text
-- at every write, and keeping a beginning that is most of it, cost more than reading it costs the
-- page; the page reads such a value, of at most 384 Ki characters as text, from the value. A
-- compressed value (copied from another row by INSERT ... SELECT) may be far smaller than its text:
-- it always goes through (pg_column_compression: PostgreSQL 14 or later).
CREATE TRIGGER "xa_steps_json_heads"
  BEFORE INSERT OR UPDATE OF "tool_input", "tool_input_type", "tool_input_head", "tool_input_bytes",
    "tool_output", "tool_output_type", "tool_output_head", "tool_output_bytes"
  ON "executions_admin"."xa_steps" FOR EACH ROW
  WHEN (pg_column_size(NEW."tool_input") > 65536 OR pg_column_size(NEW."tool_output") > 65536
    OR pg_column_compression(NEW."tool_input") IS NOT NULL OR pg_column_compression(NEW."tool_output") IS NOT NULL
    OR NEW."tool_input_type" IS NOT NULL OR NEW."tool_input_head" IS NOT NULL OR NEW."tool_input_bytes" IS NOT NULL
    OR NEW."tool_output_type" IS NOT NULL OR NEW."tool_output_head" IS NOT NULL OR NEW."tool_output_bytes" IS NOT NULL)
  EXECUTE FUNCTION "executions_admin"."xa_note_json_heads"();
