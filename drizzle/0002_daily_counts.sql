CREATE TABLE "xa_execution_daily_counts" (
	"organization_id" text NOT NULL,
	"day" date NOT NULL,
	"agent_id" uuid NOT NULL,
	"status" "xa_execution_status" NOT NULL,
	"runs" bigint NOT NULL,
	CONSTRAINT "xa_execution_daily_counts_organization_id_day_agent_id_status_p" PRIMARY KEY("organization_id","day","agent_id","status")
);
--> statement-breakpoint
CREATE INDEX "xa_executions_org_agent_status_started_idx" ON "xa_executions" USING btree ("organization_id","agent_id","status","started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "xa_executions"."schedule_id" is not null;--> statement-breakpoint
-- Keeps xa_execution_daily_counts exact in the same transaction as every write to a run: one
-- count out of the old (day, agent, status) and into the new. Only scheduled runs count.
CREATE FUNCTION "xa_count_execution"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.schedule_id IS NOT NULL THEN
    SELECT time_zone INTO zone FROM xa_organizations WHERE organization_id = OLD.organization_id;
    UPDATE xa_execution_daily_counts SET runs = runs - 1
     WHERE organization_id = OLD.organization_id
       AND day = (OLD.started_at AT TIME ZONE zone)::date
       AND agent_id = OLD.agent_id
       AND status = OLD.status;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.schedule_id IS NOT NULL THEN
    SELECT time_zone INTO zone FROM xa_organizations WHERE organization_id = NEW.organization_id;
    INSERT INTO xa_execution_daily_counts (organization_id, day, agent_id, status, runs)
    VALUES (NEW.organization_id, (NEW.started_at AT TIME ZONE zone)::date, NEW.agent_id, NEW.status, 1)
    ON CONFLICT (organization_id, day, agent_id, status)
    DO UPDATE SET runs = xa_execution_daily_counts.runs + 1;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "xa_executions_count"
AFTER INSERT OR DELETE OR UPDATE OF organization_id, agent_id, schedule_id, status, started_at ON "xa_executions"
FOR EACH ROW EXECUTE FUNCTION "xa_count_execution"();
--> statement-breakpoint
-- Days are the organization's calendar days: a new time zone moves runs between days.
CREATE FUNCTION "xa_recount_organization"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM xa_execution_daily_counts WHERE organization_id = NEW.organization_id;
  INSERT INTO xa_execution_daily_counts (organization_id, day, agent_id, status, runs)
  SELECT organization_id, (started_at AT TIME ZONE NEW.time_zone)::date, agent_id, status, count(*)
    FROM xa_executions
   WHERE organization_id = NEW.organization_id AND schedule_id IS NOT NULL
   GROUP BY 1, 2, 3, 4;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "xa_organizations_recount"
AFTER UPDATE OF time_zone ON "xa_organizations"
FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
EXECUTE FUNCTION "xa_recount_organization"();
--> statement-breakpoint
-- Runs recorded before this migration.
INSERT INTO "xa_execution_daily_counts" (organization_id, day, agent_id, status, runs)
SELECT e.organization_id, (e.started_at AT TIME ZONE o.time_zone)::date, e.agent_id, e.status, count(*)
  FROM xa_executions e JOIN xa_organizations o ON o.organization_id = e.organization_id
 WHERE e.schedule_id IS NOT NULL
 GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- Agent and status are correlated within an organization; tell the planner.
CREATE STATISTICS "xa_executions_org_agent_status_stats" (dependencies, ndistinct)
  ON organization_id, agent_id, status FROM "xa_executions";
--> statement-breakpoint
-- A busy append-mostly table: vacuum (and so the visibility map) keeps up, so page queries stay
-- index-only and plans stay fresh.
ALTER TABLE "xa_executions" SET (
  autovacuum_vacuum_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.02,
  autovacuum_analyze_scale_factor = 0.01
);
