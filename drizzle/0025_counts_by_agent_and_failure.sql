-- The keyed counts' rows of one agent, and of one kind of failure, by period: their primary keys
-- lead with the period, so an agent's page read every agent's rows of each day or month, which an
-- organization with a thousand agents and ten thousand kinds of failure (issue #21) multiplies.
CREATE INDEX "xa_execution_daily_counts_agent_idx" ON "executions_admin"."xa_execution_daily_counts" USING btree ("organization_id","agent_id","day");--> statement-breakpoint
CREATE INDEX "xa_execution_daily_counts_failure_idx" ON "executions_admin"."xa_execution_daily_counts" USING btree ("organization_id","failed_tool","error_signature","day") WHERE "executions_admin"."xa_execution_daily_counts"."status" = 'failed';--> statement-breakpoint
CREATE INDEX "xa_execution_monthly_counts_agent_idx" ON "executions_admin"."xa_execution_monthly_counts" USING btree ("organization_id","agent_id","month");--> statement-breakpoint
CREATE INDEX "xa_execution_monthly_counts_failure_idx" ON "executions_admin"."xa_execution_monthly_counts" USING btree ("organization_id","failed_tool","error_signature","month") WHERE "executions_admin"."xa_execution_monthly_counts"."status" = 'failed';--> statement-breakpoint
CREATE INDEX "xa_execution_status_counts_agent_idx" ON "executions_admin"."xa_execution_status_counts" USING btree ("organization_id","agent_id","day");