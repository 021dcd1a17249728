/** Organizations, agents and schedules: the host keeps them in step with its own. */
import { and, eq, isNull } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { agents, organizations, schedules } from '../db/schema.js';
import { isTimeZone } from '../lib/time-zone.js';
import { checkDate, checkText, checkUuid, UUID } from './checks.js';
import { invalid, RecorderError } from './errors.js';
import type { AgentInput, OrganizationInput, ScheduleInput } from './inputs.js';

/** Creates the organization or updates its name and time zone. */
export async function upsertOrganization(
  db: ExecutionsDatabase,
  organizationId: string,
  input: OrganizationInput,
): Promise<void> {
  checkText(organizationId, 'organizationId');
  checkText(input.name, 'name');
  if (!isTimeZone(input.timeZone)) throw invalid(`${input.timeZone} is not an IANA time zone`);
  await db
    .insert(organizations)
    .values({ organizationId, name: input.name, timeZone: input.timeZone })
    .onConflictDoUpdate({ target: organizations.organizationId, set: { name: input.name, timeZone: input.timeZone } });
}

/** Creates the agent or renames it. A deleted agent stays deleted. */
export async function upsertAgent(db: ExecutionsDatabase, organizationId: string, input: AgentInput): Promise<void> {
  checkUuid(input.agentId, 'agentId');
  checkText(input.name, 'name');
  await db
    .insert(agents)
    .values({ organizationId, id: input.agentId, name: input.name })
    .onConflictDoUpdate({ target: [agents.organizationId, agents.id], set: { name: input.name } });
}

/** Soft delete: the agent's runs stay listed, under "removed". Deleting again keeps the first date. */
export async function deleteAgent(
  db: ExecutionsDatabase,
  organizationId: string,
  agentId: string,
  deletedAt: Date = new Date(),
): Promise<void> {
  checkDate(deletedAt, 'deletedAt');
  const missing = new RecorderError('not_found', `Agent ${agentId} was not found in this organization`);
  if (!UUID.test(agentId)) throw missing;
  const where = and(eq(agents.organizationId, organizationId), eq(agents.id, agentId));
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
  checkUuid(input.scheduleId, 'scheduleId');
  checkUuid(input.agentId, 'agentId');
  checkText(input.name, 'name');
  checkText(input.expression, 'expression');
  const values = { agentId: input.agentId, name: input.name, kind: input.kind, expression: input.expression };
  await db.transaction(async (tx) => {
    const [agent] = await tx
      .select({ id: agents.id })
      .from(agents)
      .where(and(eq(agents.organizationId, organizationId), eq(agents.id, input.agentId)));
    if (!agent) throw new RecorderError('not_found', `Agent ${input.agentId} was not found in this organization`);
    await tx
      .insert(schedules)
      .values({ organizationId, id: input.scheduleId, ...values })
      .onConflictDoUpdate({ target: [schedules.organizationId, schedules.id], set: values });
  });
}
