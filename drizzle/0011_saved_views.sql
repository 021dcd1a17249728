CREATE TABLE "executions_admin"."xa_saved_views" (
	"organization_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"owner_name" text,
	"name" text NOT NULL,
	"name_key" text GENERATED ALWAYS AS (lower(name)) STORED NOT NULL,
	"query" text NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "xa_saved_views_organization_id_id_pk" PRIMARY KEY("organization_id","id"),
	CONSTRAINT "xa_saved_views_name_length" CHECK (char_length("executions_admin"."xa_saved_views"."name") between 1 and 80),
	CONSTRAINT "xa_saved_views_query_length" CHECK (char_length("executions_admin"."xa_saved_views"."query") <= 4000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "xa_saved_views_user_name_key" ON "executions_admin"."xa_saved_views" USING btree ("organization_id","user_id","name_key");--> statement-breakpoint
CREATE INDEX "xa_saved_views_shared_idx" ON "executions_admin"."xa_saved_views" USING btree ("organization_id") WHERE "executions_admin"."xa_saved_views"."shared";