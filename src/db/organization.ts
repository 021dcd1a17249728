/** What every page reads of an organization: its name, time zone and agents. */
import { asc, eq, sql } from 'drizzle-orm';
import type { ExecutionsDatabase } from './database.js';
import { agents, executionDailyCounts, organizations } from './schema.js';

export interface Organization {
  id: string;
  name: string;
  timeZone: string;
}

/** The organization with the local day of its first scheduled run, which sizes the activity chart. */
export interface OrganizationRecord extends Organization {
  firstDay: string | null;
}

export interface AgentOption {
  id: string;
  name: string;
  removed: boolean;
}

export async function findOrganization(db: ExecutionsDatabase, organizationId: string): Promise<OrganizationRecord | null> {
  const c = executionDailyCounts;
  const [row] = await db
    .select({
      id: organizations.organizationId,
      name: organizations.name,
      timeZone: organizations.timeZone,
      // The first key of the counts' primary key: one index probe.
      // Written out with the parameter: drizzle leaves columns of a one-table select unqualified,
      // and a correlated "organization_id = organization_id" here would match every organization.
      firstDay: sql<string | null>`(select min(c.day) from ${c} c where c.organization_id = ${organizationId} and c.runs > 0)`,
    })
    .from(organizations)
    .where(eq(organizations.organizationId, organizationId));
  return row ?? null;
}

/** Agents for the filter: live ones by name, deleted ones after them. */
export async function listAgents(db: ExecutionsDatabase, organizationId: string): Promise<AgentOption[]> {
  const rows = await db
    .select({ id: agents.id, name: agents.name, deletedAt: agents.deletedAt })
    .from(agents)
    .where(eq(agents.organizationId, organizationId))
    .orderBy(asc(agents.name), asc(agents.id));
  return rows.map((r) => ({ id: r.id, name: r.name, removed: r.deletedAt !== null }));
}
