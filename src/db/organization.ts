/**
 * What the pages read of an organization: its name and time zone, its agents, its first run.
 * None of them reads a count table, so a page that shows no counts never waits on one.
 */
import { and, asc, eq, isNotNull, max, min, sql, type SQL } from 'drizzle-orm';
import { shorten } from '../lib/format.js';
import type { ExecutionsDatabase } from './database.js';
import { fixedStatement } from './prepared.js';
import { agents, executions, organizations } from './schema.js';

export interface Organization {
  id: string;
  name: string;
  timeZone: string;
}

export interface AgentOption {
  id: string;
  name: string;
  removed: boolean;
}

export async function findOrganization(db: ExecutionsDatabase, organizationId: string): Promise<Organization | null> {
  const [row] = await db
    .select({ id: organizations.organizationId, name: organizations.name, timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.organizationId, organizationId));
  return row ?? null;
}

/**
 * A start no earlier than 1900, where the date filters begin. The write API takes no earlier date,
 * but a run written by plain SQL may have one, and drizzle reads a year below 100 wrongly and one
 * before Christ as an invalid Date: every list page would answer 500.
 */
const fromFilters = (start: SQL<Date | null>) =>
  // greatest() skips a null: without runs there is no start, not 1900.
  sql<Date | null>`case when ${start} is null then null else greatest(${start}, '1900-01-01 00:00:00+00'::timestamptz) end`.mapWith(
    executions.startedAt,
  );

/** When the organization's first scheduled run started, which sizes the activity chart; null before any. */
export async function findFirstRun(db: ExecutionsDatabase, organizationId: string): Promise<Date | null> {
  // The newest-first index of scheduled runs, read from its other end: one probe.
  const [row] = await db
    .select({ first: fromFilters(min(executions.startedAt)) })
    .from(executions)
    .where(and(eq(executions.organizationId, organizationId), isNotNull(executions.scheduleId)));
  return row?.first ?? null;
}

/**
 * Where an organization's scheduled runs start: the first start, and an instant after the last
 * one and at least a week past the moment it was read, so that a run started since is inside it.
 * It closes a date range with one end open, for a sort to read it a week at a time.
 */
export interface RunsExtent {
  first: Date;
  before: Date;
}

const WEEK_MS = 7 * 86_400_000;

const EXTENT = { first: fromFilters(min(executions.startedAt)), last: fromFilters(max(executions.startedAt)) };
const runsExtent = fixedStatement(
  (db) =>
    db
      .select(EXTENT)
      .from(executions)
      .where(and(eq(executions.organizationId, sql.placeholder('organizationId')), isNotNull(executions.scheduleId))),
  EXTENT,
);

/** The organization's RunsExtent at `now`, or null before any run: the newest-first index, probed at both ends. */
export async function findRunsExtent(db: ExecutionsDatabase, organizationId: string, now: Date): Promise<RunsExtent | null> {
  const [row] = await runsExtent(db, { organizationId });
  if (!row?.first || !row.last) return null;
  // A Date drops the start's microseconds: a millisecond more is still after it.
  return { first: row.first, before: new Date(Math.max(row.last.getTime() + 1, now.getTime() + WEEK_MS)) };
}

/** How much of an agent's name the pages show: a filter option or a cell stays readable whatever was stored. */
export const SHOWN_NAME_LENGTH = 200;

/** Agents for the filter: live ones by name, deleted ones after them; names cut in Postgres. */
export async function listAgents(db: ExecutionsDatabase, organizationId: string): Promise<AgentOption[]> {
  const rows = await db
    .select({
      id: agents.id,
      name: sql<string>`left(${agents.name}, ${sql.raw(String(SHOWN_NAME_LENGTH + 1))})`,
      deletedAt: agents.deletedAt,
    })
    .from(agents)
    .where(eq(agents.organizationId, organizationId))
    .orderBy(asc(agents.name), asc(agents.id));
  return rows.map((r) => ({ id: r.id, name: shorten(r.name, SHOWN_NAME_LENGTH).text, removed: r.deletedAt !== null }));
}
