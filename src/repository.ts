/**
 * Every read the page makes. Each function takes the organization first and scopes every
 * table it touches by it — joins included — so no query can reach another organization's rows.
 */
import { and, asc, count, desc, eq, gte, isNotNull, lt, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from './database.js';
import {
  agents,
  conversations,
  executions,
  organizations,
  schedules,
  steps,
  type ExecutionStatus,
  type StepKind,
} from './schema.js';

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

/** What the SQL filters on: the query value with its dates resolved to instants. */
export interface ExecutionFilters {
  agentId: string | null;
  status: ExecutionStatus | null;
  startedFrom: Date | null;
  startedBefore: Date | null;
}

export interface ExecutionRow {
  id: string;
  conversationId: string;
  /** Null when the agent was deleted. */
  agentName: string | null;
  /** The conversation's title, which names the schedule that fired the run. */
  scheduleTitle: string;
  status: ExecutionStatus;
  startedAt: Date;
  finishedAt: Date | null;
  credits: number | null;
  errorMessage: string | null;
}

export interface ConversationStep {
  position: number;
  kind: StepKind;
  content: string | null;
  toolName: string | null;
  toolInput: unknown;
  toolOutput: unknown;
  ok: boolean | null;
  durationMs: number | null;
  createdAt: Date;
}

/** The columns of a step as the conversation view and the write API read it. */
export const stepColumns = {
  position: steps.position,
  kind: steps.kind,
  content: steps.content,
  toolName: steps.toolName,
  toolInput: steps.toolInput,
  toolOutput: steps.toolOutput,
  ok: steps.ok,
  durationMs: steps.durationMs,
  createdAt: steps.createdAt,
};

export interface ExecutionConversation extends ExecutionRow {
  schedule: { name: string; kind: string; expression: string };
  steps: ConversationStep[];
}

export async function findOrganization(db: ExecutionsDatabase, organizationId: string): Promise<Organization | null> {
  const [row] = await db
    .select({ id: organizations.organizationId, name: organizations.name, timeZone: organizations.timeZone })
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

function listConditions(organizationId: string, f: ExecutionFilters): SQL | undefined {
  return and(
    eq(executions.organizationId, organizationId),
    // Runs from Hub, public channel, WhatsApp or API conversations are not executions here.
    isNotNull(executions.scheduleId),
    f.agentId ? eq(executions.agentId, f.agentId) : undefined,
    f.status ? eq(executions.status, f.status) : undefined,
    f.startedFrom ? gte(executions.startedAt, f.startedFrom) : undefined,
    f.startedBefore ? lt(executions.startedAt, f.startedBefore) : undefined,
  );
}

const rowColumns = {
  id: executions.id,
  conversationId: executions.conversationId,
  agentName: agents.name,
  agentDeletedAt: agents.deletedAt,
  scheduleTitle: conversations.title,
  status: executions.status,
  startedAt: executions.startedAt,
  finishedAt: executions.finishedAt,
  credits: executions.credits,
  errorMessage: executions.errorMessage,
};

type SelectedRow = { agentName: string; agentDeletedAt: Date | null } & Omit<ExecutionRow, 'agentName'>;

function toExecutionRow({ agentDeletedAt, agentName, ...rest }: SelectedRow): ExecutionRow {
  return { ...rest, agentName: agentDeletedAt ? null : agentName };
}

const joinAgent = and(eq(agents.organizationId, executions.organizationId), eq(agents.id, executions.agentId));
const joinConversation = and(
  eq(conversations.organizationId, executions.organizationId),
  eq(conversations.id, executions.conversationId),
);

/** One page of runs, newest first; ties on start time broken by id so pages never overlap. */
export async function listExecutions(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  page: { limit: number; offset: number },
): Promise<ExecutionRow[]> {
  const rows = await db
    .select(rowColumns)
    .from(executions)
    .innerJoin(agents, joinAgent)
    .innerJoin(conversations, joinConversation)
    .where(listConditions(organizationId, filters))
    .orderBy(desc(executions.startedAt), desc(executions.id))
    .limit(page.limit)
    .offset(page.offset);
  return rows.map(toExecutionRow);
}

export async function countExecutions(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
): Promise<number> {
  const [row] = await db.select({ n: count() }).from(executions).where(listConditions(organizationId, filters));
  return row?.n ?? 0;
}

/** A scheduled run's conversation with its steps in order; null when the organization has no such run. */
export async function findExecutionConversation(
  db: ExecutionsDatabase,
  organizationId: string,
  conversationId: string,
): Promise<ExecutionConversation | null> {
  const [row] = await db
    .select({
      ...rowColumns,
      scheduleName: schedules.name,
      scheduleKind: schedules.kind,
      scheduleExpression: schedules.expression,
    })
    .from(executions)
    .innerJoin(agents, joinAgent)
    .innerJoin(conversations, joinConversation)
    .innerJoin(
      schedules,
      and(eq(schedules.organizationId, executions.organizationId), eq(schedules.id, executions.scheduleId)),
    )
    .where(and(eq(executions.organizationId, organizationId), eq(executions.conversationId, conversationId)));
  if (!row) return null;
  const stepRows = await db
    .select(stepColumns)
    .from(steps)
    .where(and(eq(steps.organizationId, organizationId), eq(steps.conversationId, conversationId)))
    .orderBy(asc(steps.position));
  const { scheduleName, scheduleKind, scheduleExpression, ...execution } = row;
  return {
    ...toExecutionRow(execution),
    schedule: { name: scheduleName, kind: scheduleKind, expression: scheduleExpression },
    steps: stepRows,
  };
}
