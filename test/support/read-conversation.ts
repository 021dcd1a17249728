/** A run with its whole conversation, as stored: what the write API's tests read back (the page reads bounded fields). */
import { and, asc, eq } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../../src/db/database.js';
import { agents, executions, schedules, steps } from '../../src/db/schema.js';
import { stepColumns, type ConversationStep } from '../../src/db/steps.js';
import { toExecutionRow, type ExecutionRow } from '../../src/list/page-query.js';
import { pageColumns } from '../../src/list/run-columns.js';

export interface ExecutionConversation extends ExecutionRow {
  schedule: { name: string; kind: string; expression: string };
  steps: ConversationStep[];
}

/** The run's conversation with its steps in order; null when the organization has no such run. */
export async function findExecutionConversation(
  db: ExecutionsDatabase,
  organizationId: string,
  conversationId: string,
): Promise<ExecutionConversation | null> {
  const [row] = await db
    .select({
      ...pageColumns,
      agentName: agents.name,
      agentDeletedAt: agents.deletedAt,
      scheduleName: schedules.name,
      scheduleKind: schedules.kind,
      scheduleExpression: schedules.expression,
    })
    .from(executions)
    .innerJoin(agents, and(eq(agents.organizationId, executions.organizationId), eq(agents.id, executions.agentId)))
    .innerJoin(schedules, and(eq(schedules.organizationId, executions.organizationId), eq(schedules.id, executions.scheduleId)))
    .where(and(eq(executions.organizationId, organizationId), eq(executions.conversationId, conversationId)));
  if (!row) return null;
  const stepRows = await db
    .select(stepColumns)
    .from(steps)
    .where(and(eq(steps.organizationId, organizationId), eq(steps.conversationId, conversationId)))
    .orderBy(asc(steps.position));
  const { scheduleName, scheduleKind, scheduleExpression, agentName, agentDeletedAt } = row;
  return {
    ...toExecutionRow(row, agentDeletedAt ? null : agentName),
    schedule: { name: scheduleName, kind: scheduleKind, expression: scheduleExpression },
    steps: stepRows,
  };
}
