/**
 * Every read the page makes. Each function takes the organization first and scopes every
 * table it touches by it — joins included — so no query can reach another organization's rows.
 */
import { and, asc, desc, eq, gte, isNotNull, lt, lte, sql, sum, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from './database.js';
import {
  agents,
  conversations,
  executionDailyCounts,
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

/**
 * What the SQL filters on: the query value's filters, its calendar dates both as they are (for
 * the daily counts) and resolved to instants in the organization's time zone (for the runs).
 */
export interface ExecutionFilters {
  agentId: string | null;
  status: ExecutionStatus | null;
  /** Inclusive local calendar dates, yyyy-MM-dd. */
  startDate: string | null;
  endDate: string | null;
  startedFrom: Date | null;
  startedBefore: Date | null;
}

/** A run's place in the newest-first order: its exact start (microseconds, UTC ISO) and id. */
export interface PageCursor {
  startedAt: string;
  id: string;
}

/**
 * Which rows of the newest-first list to read. Keyset requests (after/before a cursor) cost the
 * same at any depth; `fromEnd` counts its offset from the oldest run, so the last pages of a long
 * list are as cheap as the first.
 */
export type PageRequest =
  | { kind: 'offset'; offset: number; limit: number }
  | { kind: 'fromEnd'; offset: number; limit: number }
  | { kind: 'after'; cursor: PageCursor; limit: number }
  | { kind: 'before'; cursor: PageCursor; limit: number };

export interface ExecutionRow {
  id: string;
  cursor: PageCursor;
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

/** Microsecond-exact and round-trips through ::timestamptz: a JavaScript Date would lose precision. */
const startedAtText = sql<string>`to_char(${executions.startedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const rowColumns = {
  id: executions.id,
  startedAtText,
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

type SelectedRow = { agentName: string; agentDeletedAt: Date | null; startedAtText: string } & Omit<
  ExecutionRow,
  'agentName' | 'cursor'
>;

function toExecutionRow({ agentDeletedAt, agentName, startedAtText, ...rest }: SelectedRow): ExecutionRow {
  return { ...rest, agentName: agentDeletedAt ? null : agentName, cursor: { startedAt: startedAtText, id: rest.id } };
}

const joinAgent = and(eq(agents.organizationId, executions.organizationId), eq(agents.id, executions.agentId));
const joinConversation = and(
  eq(conversations.organizationId, executions.organizationId),
  eq(conversations.id, executions.conversationId),
);

function beyond(cursor: PageCursor, direction: 'older' | 'newer'): SQL {
  // A row comparison walks the (started_at, id) index from the cursor, at any depth.
  const op = direction === 'older' ? '<' : '>';
  return sql`(${executions.startedAt}, ${executions.id}) ${sql.raw(op)} (${cursor.startedAt}::timestamptz, ${cursor.id}::uuid)`;
}

const newestFirst = (page: PageRequest) => page.kind === 'offset' || page.kind === 'after';
const NEWEST_FIRST = [sql`${executions.startedAt} desc nulls last`, sql`${executions.id} desc nulls last`];
const OLDEST_FIRST = [sql`${executions.startedAt} asc nulls first`, sql`${executions.id} asc nulls first`];

/** The page query itself, unexecuted: the bench checks its plan. */
export function listExecutionsQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  page: PageRequest,
) {
  const where = listConditions(organizationId, filters);
  return db
    .select(rowColumns)
    .from(executions)
    .innerJoin(agents, joinAgent)
    .innerJoin(conversations, joinConversation)
    .where(
      page.kind === 'after'
        ? and(where, beyond(page.cursor, 'older'))
        : page.kind === 'before'
          ? and(where, beyond(page.cursor, 'newer'))
          : where,
    )
    // Spelled out to match the indexes (DESC NULLS LAST) exactly: plain DESC means NULLS FIRST
    // in Postgres, and the planner then sorts every matching row instead of walking the index.
    .orderBy(...(newestFirst(page) ? NEWEST_FIRST : OLDEST_FIRST))
    .limit(page.limit)
    .offset(page.kind === 'offset' || page.kind === 'fromEnd' ? page.offset : 0);
}

/** One page of runs, newest first; ties on start time broken by id so pages never overlap. */
export async function listExecutions(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  page: PageRequest,
): Promise<ExecutionRow[]> {
  const rows = (await listExecutionsQuery(db, organizationId, filters, page)).map(toExecutionRow);
  return newestFirst(page) ? rows : rows.reverse();
}

/** The count query itself, unexecuted: the bench checks its plan. */
export function countExecutionsQuery(db: ExecutionsDatabase, organizationId: string, filters: ExecutionFilters) {
  const c = executionDailyCounts;
  return db
    .select({ n: sum(c.runs) })
    .from(c)
    .where(
      and(
        eq(c.organizationId, organizationId),
        filters.agentId ? eq(c.agentId, filters.agentId) : undefined,
        filters.status ? eq(c.status, filters.status) : undefined,
        filters.startDate ? gte(c.day, filters.startDate) : undefined,
        filters.endDate ? lte(c.day, filters.endDate) : undefined,
      ),
    );
}

/** The exact number of scheduled runs matching the filters, summed from the daily counts. */
export async function countExecutions(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
): Promise<number> {
  const [row] = await countExecutionsQuery(db, organizationId, filters);
  return Number(row?.n ?? 0);
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
