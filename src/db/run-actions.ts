/**
 * The audit trail's reads and writes. Every statement is scoped by the organization; the runs an
 * action links to are read through a join on the same organization.
 */
import { and, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ExecutionsDatabase } from './database.js';
import { executions, runActions, type ActionOutcome, type ExecutionStatus, type RunActionKind } from './schema.js';

/** Actions a run's page lists, newest first. */
export const HISTORY_LENGTH = 20;

export interface ActionRecord {
  id: string;
  /** When its outcome was known. */
  at: Date;
  executionId: string;
  action: RunActionKind;
  userId: string;
  userName: string | null;
  outcome: ActionOutcome;
  reason: string | null;
  newExecutionId: string | null;
  jobId: string | null;
}

/** A run an action can act on, as the host's actions receive it. */
export interface ActedRun {
  executionId: string;
  conversationId: string;
  agentId: string;
  scheduleId: string;
  status: ExecutionStatus;
  startedAt: Date;
}

/** A run's columns as an action reads them. */
export const actedRunColumns = {
  executionId: executions.id,
  conversationId: executions.conversationId,
  agentId: executions.agentId,
  scheduleId: executions.scheduleId,
  status: executions.status,
  startedAt: executions.startedAt,
};

/** The run as actions take it, when it is a scheduled one (the only kind the page lists); else null. */
export function scheduled(row: Omit<ActedRun, 'scheduleId'> & { scheduleId: string | null }): ActedRun | null {
  return row.scheduleId !== null ? { ...row, scheduleId: row.scheduleId } : null;
}

/** A scheduled run of the organization by its conversation; null when there is none. */
export async function findActedRun(
  db: ExecutionsDatabase,
  organizationId: string,
  conversationId: string,
): Promise<ActedRun | null> {
  const [row] = await db
    .select(actedRunColumns)
    .from(executions)
    .where(and(eq(executions.organizationId, organizationId), eq(executions.conversationId, conversationId)));
  return row ? scheduled(row) : null;
}

export async function recordAction(db: ExecutionsDatabase, organizationId: string, record: ActionRecord): Promise<void> {
  await db.insert(runActions).values({ organizationId, ...record });
}

/** An action as a run's page shows it, with the conversation of the run it made, if any. */
export interface ActionEntry extends ActionRecord {
  /** The conversation of the run a run again made, when that run is of this organization. */
  newConversationId: string | null;
}

/** The run's actions, newest first, and the run it repeats (its conversation), if any. */
export async function actionsOf(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
): Promise<{ entries: ActionEntry[]; repeatOf: string | null }> {
  const made = alias(executions, 'xa_made');
  const repeated = alias(executions, 'xa_repeated');
  const [entries, [origin]] = await Promise.all([
    db
      .select({
        id: runActions.id,
        executionId: runActions.executionId,
        action: runActions.action,
        userId: runActions.userId,
        userName: runActions.userName,
        outcome: runActions.outcome,
        reason: runActions.reason,
        newExecutionId: runActions.newExecutionId,
        jobId: runActions.jobId,
        at: runActions.at,
        newConversationId: made.conversationId,
      })
      .from(runActions)
      .leftJoin(made, and(eq(made.organizationId, runActions.organizationId), eq(made.id, runActions.newExecutionId)))
      .where(and(eq(runActions.organizationId, organizationId), eq(runActions.executionId, executionId)))
      .orderBy(desc(runActions.at), desc(runActions.id))
      .limit(HISTORY_LENGTH),
    db
      .select({ conversationId: repeated.conversationId })
      .from(runActions)
      .innerJoin(repeated, and(eq(repeated.organizationId, runActions.organizationId), eq(repeated.id, runActions.executionId)))
      .where(and(eq(runActions.organizationId, organizationId), eq(runActions.newExecutionId, executionId)))
      .limit(1),
  ]);
  return { entries, repeatOf: origin?.conversationId ?? null };
}
