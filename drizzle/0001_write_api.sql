ALTER TABLE "xa_executions" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "xa_steps" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "xa_executions_org_idempotency_key" ON "xa_executions" USING btree ("organization_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "xa_steps_org_conversation_idempotency_key" ON "xa_steps" USING btree ("organization_id","conversation_id","idempotency_key");