/**
 * Organizations, agents and schedules: the host keeps them in step with its own. Text is stored as
 * checks.ts says: a NUL is refused, unpaired surrogates become U+FFFD.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { agents, organizations, schedules } from '../db/schema.js';
import { isTimeZone } from '../lib/time-zone.js';
import { checkDate, checkOrganizationId, checkScheduleKind, checkText, checkUuid, storableText, UUID } from './checks.js';
import { invalid, RecorderError } from './errors.js';
import type { AgentInput, OrganizationInput, ScheduleInput } from './inputs.js';

/** Creates the organization or updates its name and time zone. */
export async function upsertOrganization(
  db: ExecutionsDatabase,
  organizationId: string,
  input: OrganizationInput,
): Promise<void> {
  const orgId = checkOrganizationId(organizationId);
  const name = checkText(input.name, 'name');
  const timeZone = storableText(input.timeZone, 'timeZone');
  if (!isTimeZone(timeZone)) throw invalid(`${timeZone} is not an IANA time zone`);
  await db
    .insert(organizations)
    .values({ organizationId: orgId, name, timeZone })
    .onConflictDoUpdate({ target: organizations.organizationId, set: { name, timeZone } });
}

/** Creates the agent or renames it. A deleted agent stays deleted. The organization must exist. */
export async function upsertAgent(db: ExecutionsDatabase, organizationId: string, input: AgentInput): Promise<void> {
  const orgId = checkOrganizationId(organizationId);
  checkUuid(input.agentId, 'agentId');
  const name = checkText(input.name, 'name');
  await db.transaction(async (tx) => {
    // Checked rather than left to the foreign key, whose violation would reach the host as the driver's error.
    const [organization] = await tx
      .select({ id: organizations.organizationId })
      .from(organizations)
      .where(eq(organizations.organizationId, orgId));
    if (!organization) throw new RecorderError('not_found', `Organization ${orgId} was not found`);
    await tx
      .insert(agents)
      .values({ organizationId: orgId, id: input.agentId, name })
      .onConflictDoUpdate({ target: [agents.organizationId, agents.id], set: { name } });
  });
}

/** Soft delete: the agent's runs stay listed, under "removed". Deleting again keeps the first date. */
export async function deleteAgent(
  db: ExecutionsDatabase,
  organizationId: string,
  agentId: string,
  deletedAt: Date = new Date(),
): Promise<void> {
  const orgId = checkOrganizationId(organizationId);
  checkDate(deletedAt, 'deletedAt');
  const missing = new RecorderError('not_found', `Agent ${agentId} was not found in this organization`);
  if (!UUID.test(agentId)) throw missing;
  const where = and(eq(agents.organizationId, orgId), eq(agents.id, agentId));
  const deleted = await db
    .update(agents)
    .set({ deletedAt })
    .where(and(where, isNull(agents.deletedAt)))
    .returning({ id: agents.id });
  if (deleted.length > 0) return;
  const [existing] = await db.select({ id: agents.id }).from(agents).where(where);
  if (!existing) throw missing;
}

/** Creates the schedule or updates it; its past runs keep the title they were recorded with. */
export async function upsertSchedule(db: ExecutionsDatabase, organizationId: string, input: ScheduleInput): Promise<void> {
  const orgId = checkOrganizationId(organizationId);
  checkUuid(input.scheduleId, 'scheduleId');
  checkUuid(input.agentId, 'agentId');
  checkScheduleKind(input.kind);
  const values = {
    agentId: input.agentId,
    name: checkText(input.name, 'name'),
    kind: input.kind,
    expression: checkText(input.expression, 'expression'),
  };
  await db.transaction(async (tx) => {
    const [agent] = await tx
      .select({ id: agents.id })
      .from(agents)
      .where(and(eq(agents.organizationId, orgId), eq(agents.id, input.agentId)));
    if (!agent) throw new RecorderError('not_found', `Agent ${input.agentId} was not found in this organization`);
    await tx
      .insert(schedules)
      .values({ organizationId: orgId, id: input.scheduleId, ...values })
      .onConflictDoUpdate({ target: [schedules.organizationId, schedules.id], set: values });
  });
}
