/**
 * Moving a run along: pending → active, tool calls, then completed or failed, and its credits once
 * it has finished. Every step append and finish holds a lock on the run. Input is checked and
 * repaired first (checks.ts), and a retry is compared with what was stored after the same repair.
 */
import { and, eq, inArray, max, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ExecutionsDatabase } from '../db/database.js';
import { fixedStatement, placeholderFor } from '../db/prepared.js';
import { transactionEndingWith } from '../db/transaction-ending-with.js';
import { executions, steps, type ExecutionStatus, type StepKind } from '../db/schema.js';
import { stepColumns, type ConversationStep } from '../db/steps.js';
import {
  checkCredits,
  checkDate,
  checkFinishedAt,
  checkKey,
  checkOrganizationId,
  checkText,
  checkToolCall,
  storableText,
  UUID,
} from './checks.js';
import { conflict, invalid, notFound, RecorderError } from './errors.js';
import type { CompleteExecutionInput, FailExecutionInput, ToolCallInput } from './inputs.js';
import { appendStep, toolCallStepRow } from './rows.js';

const FINISHED: ExecutionStatus[] = ['completed', 'failed'];

/*
 * The statements of the write API, each built once (db/prepared.ts): every call names the run by
 * organizationId and executionId, a step by organizationId, conversationId and key.
 */
const value = (name: string) => sql.placeholder(name);
const theRun = () => and(eq(executions.organizationId, value('organizationId')), eq(executions.id, value('executionId')));
const LOCKED = { conversationId: executions.conversationId, status: executions.status, startedAt: executions.startedAt };
const lockedRun = fixedStatement((db) => db.select(LOCKED).from(executions).where(theRun()).for('update'), LOCKED);
/** The conversation's steps again, under another name than the joined step's: for the next position. */
const others = alias(steps, 'xa_other_steps');
const keyedColumns = (db: ExecutionsDatabase) => ({
  ...stepColumns,
  last: sql<number | null>`(${db
    .select({ last: max(others.position) })
    .from(others)
    .where(and(eq(others.organizationId, executions.organizationId), eq(others.conversationId, executions.conversationId)))})`,
});
/** The run's step under a key (its columns null when there is none) and its conversation's last position. */
const keyedStep = fixedStatement(
  (db) =>
    db
      .select(keyedColumns(db))
      .from(executions)
      .leftJoin(
        steps,
        and(
          eq(steps.organizationId, executions.organizationId),
          eq(steps.conversationId, executions.conversationId),
          eq(steps.idempotencyKey, value('key')),
        ),
      )
      .where(theRun()),
  // Decoded as the columns above; the last position comes as Postgres gives it, an integer or null.
  { ...stepColumns, last: sql<number | null>`last` },
);

const STATUS = { status: executions.status };
const runStatus = fixedStatement((db) => db.select(STATUS).from(executions).where(theRun()), STATUS);
const ID = { id: executions.id };
const activated = fixedStatement(
  (db) =>
    db
      .update(executions)
      .set({ status: 'active' })
      .where(and(theRun(), eq(executions.status, 'pending')))
      .returning(ID),
  ID,
);
const finished = fixedStatement((db) =>
  db
    .update(executions)
    .set({
      status: placeholderFor(executions.status, 'status'),
      finishedAt: placeholderFor(executions.finishedAt, 'finishedAt'),
      errorMessage: placeholderFor(executions.errorMessage, 'errorMessage'),
    })
    .where(theRun()),
);
const credited = fixedStatement(
  (db) =>
    db
      .update(executions)
      .set({ credits: placeholderFor(executions.credits, 'credits') })
      .where(and(theRun(), inArray(executions.status, FINISHED)))
      .returning(ID),
  ID,
);

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

interface LockedStep {
  run: LockedRun;
  /** The step already written under the call's key: this call is its retry. */
  existing: ConversationStep | null;
  /** Where a new step goes. */
  next: number;
}

/**
 * The run, locked until the transaction ends, and its step under `key`: every step append and
 * finish goes through here. The two statements are sent together, one round trip for the writer:
 * Postgres runs the second once the first holds the lock, under a snapshot taken then, so it sees
 * every step committed by the call that held the lock before.
 */
async function lockRunForStep(
  tx: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  key: string,
): Promise<LockedStep> {
  if (!UUID.test(executionId)) throw notFound(executionId);
  const [[run], [keyed]] = await Promise.all([
    lockedRun(tx, { organizationId, executionId }),
    keyedStep(tx, { organizationId, executionId, key }),
  ]);
  if (!run || !keyed) throw notFound(executionId);
  const { last, ...step } = keyed;
  return { run, existing: step.position === null ? null : (step as ConversationStep), next: (last ?? -1) + 1 };
}

function finishedError(executionId: string, status: ExecutionStatus): RecorderError {
  const outcome = status === 'failed' ? 'failed' : 'completed';
  return new RecorderError('already_finished', `Execution ${executionId} has already ${outcome}`);
}

async function statusOf(db: ExecutionsDatabase, organizationId: string, executionId: string): Promise<ExecutionStatus> {
  if (!UUID.test(executionId)) throw notFound(executionId);
  const [row] = await runStatus(db, { organizationId, executionId });
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
  const orgId = checkOrganizationId(organizationId);
  if (!UUID.test(executionId)) throw notFound(executionId);
  const updated = await activated(db, { organizationId: orgId, executionId });
  if (updated.length > 0) return { status: 'active' };
  return { status: await statusOf(db, orgId, executionId) };
}

/**
 * Appends a tool call to an active run; returns its step position. A NUL in the key, the tool name
 * or anywhere in `input` or `output` (a string or an object key, at any depth) is `invalid_input`
 * naming the field; so is JSON that jsonb would not give back as sent (NaN, Infinity, BigInt, a
 * Date or other non-plain object, undefined in an array, nesting deeper than 1000 levels).
 * Unpaired surrogates — a tool's output cut mid-emoji — are stored as U+FFFD instead of losing the
 * tool call, and a retry with the same unrepaired content is recognised as the same step.
 */
export async function recordToolCall(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  toolCall: ToolCallInput,
): Promise<{ position: number }> {
  const orgId = checkOrganizationId(organizationId);
  const input = { ...checkToolCall(toolCall), key: checkKey(toolCall.key) };
  const at = input.at ?? new Date();
  return transactionEndingWith(db, async (tx) => {
    const { run, existing, next } = await lockRunForStep(tx, orgId, executionId, input.key);
    if (existing) {
      const same =
        existing.kind === 'tool_call' &&
        existing.toolName === input.toolName &&
        existing.ok === input.ok &&
        existing.durationMs === input.durationMs &&
        canonicalJson(existing.toolInput) === canonicalJson(input.input) &&
        canonicalJson(existing.toolOutput) === canonicalJson(input.output);
      if (!same) throw conflict(input.key, `another step (position ${existing.position})`);
      return { value: { position: existing.position } };
    }
    if (FINISHED.includes(run.status)) throw finishedError(executionId, run.status);
    if (run.status !== 'active') {
      throw new RecorderError(
        'invalid_transition',
        `Execution ${executionId} is ${run.status}: mark it active before recording tool calls`,
      );
    }
    const last = appendStep(tx, {
      ...toolCallStepRow({ organizationId: orgId, conversationId: run.conversationId }, next, { ...input, at }),
      idempotencyKey: input.key,
    });
    return { value: { position: next }, last };
  });
}

async function finish(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  key: string,
  outcome: { status: 'completed'; content: string } | { status: 'failed'; content: string | null },
  finishedAt: Date,
): Promise<boolean> {
  const kind: StepKind = outcome.status === 'completed' ? 'final_response' : 'error';
  return transactionEndingWith(db, async (tx) => {
    const { run, existing, next } = await lockRunForStep(tx, organizationId, executionId, key);
    if (existing) {
      if (existing.kind !== kind || existing.content !== outcome.content) {
        throw conflict(key, `another step (position ${existing.position})`);
      }
      return { value: false };
    }
    if (FINISHED.includes(run.status)) throw finishedError(executionId, run.status);
    if (outcome.status === 'completed' && run.status !== 'active') {
      throw new RecorderError('invalid_transition', `Execution ${executionId} is ${run.status}: only an active run can complete`);
    }
    checkFinishedAt(finishedAt, run.startedAt);
    // Sent together with the commit, in this order: the run's update locks its count rows.
    const last = Promise.all([
      appendStep(tx, {
        organizationId,
        conversationId: run.conversationId,
        position: next,
        kind,
        content: outcome.content,
        createdAt: finishedAt,
        idempotencyKey: key,
      }),
      finished(tx, {
        organizationId,
        executionId,
        status: outcome.status,
        finishedAt,
        errorMessage: outcome.status === 'failed' ? outcome.content : null,
      }),
    ]);
    return { value: true, last };
  });
}

/**
 * An active run answered: appends the final response and completes it. A NUL in the key or the
 * response is `invalid_input`; unpaired surrogates in them are stored as U+FFFD.
 */
export async function completeExecution(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  input: CompleteExecutionInput,
): Promise<void> {
  const orgId = checkOrganizationId(organizationId);
  const key = checkKey(input.key);
  const response = checkText(input.response, 'response');
  const finishedAt = input.finishedAt ?? new Date();
  checkDate(finishedAt, 'finishedAt');
  await finish(db, orgId, executionId, key, { status: 'completed', content: response }, finishedAt);
}

/**
 * A pending or active run failed: appends the error step and fails it. A NUL in the key or the
 * error message is `invalid_input`; unpaired surrogates in them are stored as U+FFFD.
 */
export async function failExecution(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  input: FailExecutionInput,
): Promise<void> {
  const orgId = checkOrganizationId(organizationId);
  const key = checkKey(input.key);
  if (input.errorMessage !== null && typeof input.errorMessage !== 'string') {
    throw invalid('errorMessage must be a string or null');
  }
  const errorMessage = input.errorMessage === null ? null : storableText(input.errorMessage, 'errorMessage');
  const finishedAt = input.finishedAt ?? new Date();
  checkDate(finishedAt, 'finishedAt');
  await finish(db, orgId, executionId, key, { status: 'failed', content: errorMessage }, finishedAt);
}

/**
 * A user cancelled the run from the page: fails it as failExecution does, under the one key every
 * cancel of a run shares. True when this call ended it; false when the run had already finished,
 * by a cancel (a form sent twice, two users at once) or otherwise — then nothing is written.
 */
export async function cancelExecution(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  errorMessage: string,
  finishedAt: Date,
): Promise<boolean> {
  const orgId = checkOrganizationId(organizationId);
  try {
    return await finish(
      db,
      orgId,
      executionId,
      CANCEL_KEY,
      { status: 'failed', content: storableText(errorMessage, 'errorMessage') },
      finishedAt,
    );
  } catch (error) {
    // Another user's cancel wrote the key with their name: the run is finished all the same.
    if (error instanceof RecorderError && (error.code === 'already_finished' || error.code === 'idempotency_conflict'))
      return false;
    throw error;
  }
}

/** The key of a cancel's error step: one per run, so a second cancel is never a second write. */
export const CANCEL_KEY = 'executions-admin:cancel';

/** Sets a finished run's credits, whenever the platform has calculated them. */
export async function setCredits(
  db: ExecutionsDatabase,
  organizationId: string,
  executionId: string,
  credits: number,
): Promise<void> {
  const orgId = checkOrganizationId(organizationId);
  checkCredits(credits);
  if (!UUID.test(executionId)) throw notFound(executionId);
  const updated = await credited(db, { organizationId: orgId, executionId, credits });
  if (updated.length > 0) return;
  const status = await statusOf(db, orgId, executionId);
  throw new RecorderError('invalid_transition', `Execution ${executionId} is ${status}: credits are set once it has finished`);
}
