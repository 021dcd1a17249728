-- The failure digest over months or years groups the failure counts' rows by kind (first failed
-- tool, error signature). Postgres takes the two columns for independent and multiplies their
-- distinct values: on 10,000 kinds over 40 tools it expected five times as many groups as there are
-- kinds, and sorted every row to group them where hashing the kinds took a quarter of the time. The
-- statistics give it the pairs' own count (filled by ANALYZE, here and by autovacuum after).
CREATE STATISTICS IF NOT EXISTS "executions_admin"."xa_execution_failure_monthly_counts_kind"
  (ndistinct) ON "failed_tool", "error_signature" FROM "executions_admin"."xa_execution_failure_monthly_counts";
--> statement-breakpoint
CREATE STATISTICS IF NOT EXISTS "executions_admin"."xa_execution_failure_yearly_counts_kind"
  (ndistinct) ON "failed_tool", "error_signature" FROM "executions_admin"."xa_execution_failure_yearly_counts";
--> statement-breakpoint
-- A digest reads a few of these tables' rows per kind and period: a parallel scan of the whole
-- table, which Postgres chose over the months' index as the table grew, took more than twice as long and
-- held two more cores. Nothing reads more of them than one organization's rows over a range.
ALTER TABLE "executions_admin"."xa_execution_failure_monthly_counts" SET (parallel_workers = 0);
--> statement-breakpoint
ALTER TABLE "executions_admin"."xa_execution_failure_yearly_counts" SET (parallel_workers = 0);
--> statement-breakpoint
ANALYZE "executions_admin"."xa_execution_failure_monthly_counts", "executions_admin"."xa_execution_failure_yearly_counts";
