/**
 * Moving a run along: pending → active, tool calls, then completed or failed, and its credits once
 * it has finished. Every step append and finish holds a lock on the run.
 */
import { and, eq, inArray, max } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { executions, steps, type ExecutionStatus, type StepKind } from '../db/schema.js';
import { stepColumns, type ConversationStep } from '../db/steps.js';
import { checkCredits, checkDate, checkFinishedAt, checkKey, checkText, checkToolCall, UUID } from './checks.js';
import { conflict, invalid, notFound, RecorderError } from './errors.js';
import type { CompleteExecutionInput, FailExecutionInput, ToolCallInput } from './inputs.js';
import { toolCallStepRow } from './rows.js';

const FINISHED: ExecutionStatus[] = ['completed', 'failed'];

/** JSON text with object keys sorted: jsonb does not keep key order, so compare this way. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface LockedRun {
  conversationId: string;
  status: ExecutionStatus;
  startedAt: Date;
}

/** The run, locked until the transaction ends: every step append and finish goes through here. */
async function lockRun(tx: ExecutionsDatabase, organizationId: string, executionId: string): Promise<LockedRun> {
  if (!UUID.test(executionId)) throw notFound(executionId);
  const [run] = await tx
    .select({ conversationId: executions.conversationId, status: executions.status, startedAt: executions.startedAt })
    .from(executions)
    .where(and(eq(executions.organizationId, organizationId), eq(executions.id, executionId)))
    .for('update');
  if (!run) throw notFound(executionId);
  return run;
}

async function findStepByKey(
  tx: ExecutionsDatabase,
  organizationId: string,
  conversationId: string,
  key: string,
): Promise<ConversationStep | null> {
  const [step] = await tx
    .select(stepColumns)
    .from(steps)
    .where(
      and(eq(steps.organizationId, organizationId), eq(steps.conversationId, conversationId), eq(steps.idempotencyKey, key)),
    );
  return step ?? null;
}

async function nextPosition(tx: ExecutionsDatabase, organizationId: string, conversationId: string): Promise<number> {
  const [row] = await tx
    .select({ last: max(steps.position) })
    .from(steps)
    .where(and(eq(steps.organizationId, organizationId), eq(steps.conversationId, conversationId)));
  return (row?.last ?? -1) + 1;
}

function finishedError(executionId: string, status: ExecutionStatus): RecorderError {
  const outcome = status === 'failed' ? 'failed' : 'completed';
  return new RecorderError('already_finished', `Execution ${executionId} has already ${outcome}`);
}

async function statusOf(db: ExecutionsDatabase, organizationId: string, executionId: string): Promise<ExecutionStatus> {
  if (!UUID.test(executionId)) throw notFound(executionId);
  const [row] = await db
    .select({ status: executions.status })
    .from(executions)
    .where(and(eq(executions.organizationId, organizationId), eq(executions.id, executionId)));
  if (!row) throw notFound(executionId);
  return row.status;
}

/**
 * A worker picked the run up: pending → active. Returns the run's status after the call. On an
 * active or finished run it changes nothing — a finished run stays finished, and the status says so —
 * so a scheduler replaying a whole run's calls gets through; a new step would be already_finished.
 */
export async function markActive(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
): Promise<{ status: ExecutionStatus }> {
  if (!UUID.test(executionId)) throw notFound(executionId);
  const updated = await db
    .update(executions)
    .set({ status: 'active' })
    .where(and(eq(executions.organizationId, organizationId), eq(executions.id, executionId), eq(executions.status, 'pending')))
    .returning({ id: executions.id });
  if (updated.length > 0) return { status: 'active' };
  return { status: await statusOf(db, organizationId, executionId) };
}

/** Appends a tool call to an active run; returns its step position. */
export async function recordToolCall(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  input: ToolCallInput,
): Promise<{ position: number }> {
  checkKey(input.key);
  checkToolCall(input);
  const at = input.at ?? new Date();
  return db.transaction(async (tx) => {
    const run = await lockRun(tx, organizationId, executionId);
    const existing = await findStepByKey(tx, organizationId, run.conversationId, input.key);
    if (existing) {
      const same =
        existing.kind === 'tool_call' &&
        existing.toolName === input.toolName &&
        existing.ok === input.ok &&
        existing.durationMs === input.durationMs &&
        canonicalJson(existing.toolInput) === canonicalJson(input.input) &&
        canonicalJson(existing.toolOutput) === canonicalJson(input.output);
      if (!same) throw conflict(input.key, `another step (position ${existing.position})`);
      return { position: existing.position };
    }
    if (FINISHED.includes(run.status)) throw finishedError(executionId, run.status);
    if (run.status !== 'active') {
      throw new RecorderError(
        'invalid_transition',
        `Execution ${executionId} is ${run.status}: mark it active before recording tool calls`,
      );
    }
    const position = await nextPosition(tx, organizationId, run.conversationId);
    await tx.insert(steps).values({
      ...toolCallStepRow({ organizationId, conversationId: run.conversationId }, position, { ...input, at }),
      idempotencyKey: input.key,
    });
    return { position };
  });
}

async function finish(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  key: string,
  outcome: { status: 'completed'; content: string } | { status: 'failed'; content: string | null },
  finishedAt: Date,
): Promise<void> {
  const kind: StepKind = outcome.status === 'completed' ? 'final_response' : 'error';
  await db.transaction(async (tx) => {
    const run = await lockRun(tx, organizationId, executionId);
    const existing = await findStepByKey(tx, organizationId, run.conversationId, key);
    if (existing) {
      if (existing.kind !== kind || existing.content !== outcome.content) {
        throw conflict(key, `another step (position ${existing.position})`);
      }
      return;
    }
    if (FINISHED.includes(run.status)) throw finishedError(executionId, run.status);
    if (outcome.status === 'completed' && run.status !== 'active') {
      throw new RecorderError('invalid_transition', `Execution ${executionId} is ${run.status}: only an active run can complete`);
    }
    checkFinishedAt(finishedAt, run.startedAt);
    await tx.insert(steps).values({
      organizationId,
      conversationId: run.conversationId,
      position: await nextPosition(tx, organizationId, run.conversationId),
      kind,
      content: outcome.content,
      createdAt: finishedAt,
      idempotencyKey: key,
    });
    await tx
      .update(executions)
      .set({
        status: outcome.status,
        finishedAt,
        errorMessage: outcome.status === 'failed' ? outcome.content : null,
      })
      .where(and(eq(executions.organizationId, organizationId), eq(executions.id, executionId)));
  });
}

/** An active run answered: appends the final response and completes it. */
export async function completeExecution(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  input: CompleteExecutionInput,
): Promise<void> {
  checkKey(input.key);
  checkText(input.response, 'response');
  const finishedAt = input.finishedAt ?? new Date();
  checkDate(finishedAt, 'finishedAt');
  await finish(db, organizationId, executionId, input.key, { status: 'completed', content: input.response }, finishedAt);
}

/** A pending or active run failed: appends the error step and fails it. */
export async function failExecution(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  input: FailExecutionInput,
): Promise<void> {
  checkKey(input.key);
  if (input.errorMessage !== null && typeof input.errorMessage !== 'string') {
    throw invalid('errorMessage must be a string or null');
  }
  const finishedAt = input.finishedAt ?? new Date();
  checkDate(finishedAt, 'finishedAt');
  await finish(db, organizationId, executionId, input.key, { status: 'failed', content: input.errorMessage }, finishedAt);
}

/** Sets a finished run's credits, whenever the platform has calculated them. */
export async function setCredits(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  credits: number,
): Promise<void> {
  checkCredits(credits);
  if (!UUID.test(executionId)) throw notFound(executionId);
  const updated = await db
    .update(executions)
    .set({ credits })
    .where(
      and(eq(executions.organizationId, organizationId), eq(executions.id, executionId), inArray(executions.status, FINISHED)),
    )
    .returning({ id: executions.id });
  if (updated.length > 0) return;
  const status = await statusOf(db, organizationId, executionId);
  throw new RecorderError('invalid_transition', `Execution ${executionId} is ${status}: credits are set once it has finished`);
}
