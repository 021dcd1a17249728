-- Sortable columns (src/list/sort.ts): each direction's key of credits and duration, a missing
-- value past any real one so it comes last both ways, stored so drizzle-kit can read the indexes
-- back. One statement: the table is rewritten once.
ALTER TABLE "executions_admin"."xa_executions"
  ADD COLUMN "credits_asc_key" numeric GENERATED ALWAYS AS (coalesce(credits, 10000000000)) STORED NOT NULL,
  ADD COLUMN "credits_desc_key" numeric GENERATED ALWAYS AS (coalesce(credits, -1)) STORED NOT NULL,
  ADD COLUMN "duration_asc_key" bigint GENERATED ALWAYS AS (coalesce((extract(epoch from (finished_at - started_at)) * 1000000)::bigint, 9223372036854775807)) STORED NOT NULL,
  ADD COLUMN "duration_desc_key" bigint GENERATED ALWAYS AS (coalesce((extract(epoch from (finished_at - started_at)) * 1000000)::bigint, -1)) STORED NOT NULL;
--> statement-breakpoint
CREATE INDEX "xa_executions_org_credits_asc_key_idx" ON "executions_admin"."xa_executions" USING btree ("organization_id","credits_asc_key","started_at","id") WHERE "executions_admin"."xa_executions"."schedule_id" is not null;
--> statement-breakpoint
CREATE INDEX "xa_executions_org_credits_desc_key_idx" ON "executions_admin"."xa_executions" USING btree ("organization_id","credits_desc_key" DESC NULLS LAST,"started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "executions_admin"."xa_executions"."schedule_id" is not null;
--> statement-breakpoint
CREATE INDEX "xa_executions_org_duration_asc_key_idx" ON "executions_admin"."xa_executions" USING btree ("organization_id","duration_asc_key","started_at","id") WHERE "executions_admin"."xa_executions"."schedule_id" is not null;
--> statement-breakpoint
CREATE INDEX "xa_executions_org_duration_desc_key_idx" ON "executions_admin"."xa_executions" USING btree ("organization_id","duration_desc_key" DESC NULLS LAST,"started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "executions_admin"."xa_executions"."schedule_id" is not null;
