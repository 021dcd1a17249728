-- The functions that triggers run on every write plan their statements once per session, not on
-- every call: drizzle/functions.sql says why.
ALTER FUNCTION "executions_admin"."xa_usual"(text, uuid, timestamptz) SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION "executions_admin"."xa_note_failed_tool"() SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION "executions_admin"."xa_count_execution"() SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION "executions_admin"."xa_conversation_title"(text, uuid) SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION "executions_admin"."xa_follow_conversation_title"() SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION "executions_admin"."xa_tool_names"(text, uuid) SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION "executions_admin"."xa_note_tool_name"() SET plan_cache_mode = force_generic_plan;
