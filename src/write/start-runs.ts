/**
 * Starting runs: one as its schedule fires, or a batch of runs that already finished elsewhere.
 * Either way a run's key makes the call idempotent. Keys, prompts and the rest are checked and
 * repaired first (checks.ts), so a retry is compared with the run as it was stored.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { fixedStatement, placeholderFor } from '../db/prepared.js';
import { transactionEndingWith, type Ending } from '../db/transaction-ending-with.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { conversations, executions, schedules, steps, type ExecutionStatus } from '../db/schema.js';
import {
  checkCredits,
  checkDate,
  checkFinishedAt,
  checkKey,
  checkOrganizationId,
  checkText,
  checkToolCall,
  checkUuid,
  storableText,
} from './checks.js';
import { conflict, invalid, RecorderError } from './errors.js';
import type { FinishedRunInput, StartedExecution, StartExecutionInput } from './inputs.js';
import { appendStep, chunked, runStepRows, type StepRow } from './rows.js';

/** Thrown inside a transaction to roll it back when a concurrent call took one of its keys first. */
class KeyTaken extends Error {}

interface NewRun {
  key: string;
  scheduleId: string;
  prompt: string;
  status: ExecutionStatus;
  startedAt: Date;
  /** Finished runs only: everything after the scheduled call, and how the run ended. */
  finished?: Omit<FinishedRunInput, 'key' | 'scheduleId' | 'prompt' | 'startedAt'>;
}

/*
 * A batch's statements are built for its size; starting one run (startExecution, the live path)
 * runs the same statements for one row, built once (db/prepared.ts).
 */
const value = (name: string) => sql.placeholder(name);

const RECORDED = {
  key: executions.idempotencyKey,
  executionId: executions.id,
  conversationId: executions.conversationId,
  scheduleId: executions.scheduleId,
  prompt: steps.content,
};
/** Runs recorded under keys (`keys`: the condition on them), with their prompts. */
const recordedRuns = (db: ExecutionsDatabase, organizationId: string | SQLWrapper, keys: SQL | undefined) =>
  db
    .select(RECORDED)
    .from(executions)
    .leftJoin(
      steps,
      and(
        eq(steps.organizationId, executions.organizationId),
        eq(steps.conversationId, executions.conversationId),
        eq(steps.position, 0),
      ),
    )
    .where(and(eq(executions.organizationId, organizationId), keys));
const recordedRun = fixedStatement(
  (db) => recordedRuns(db, value('organizationId'), eq(executions.idempotencyKey, value('key'))),
  RECORDED,
);

const SCHEDULE = { id: schedules.id, agentId: schedules.agentId, name: schedules.name };
const schedulesOf = (db: ExecutionsDatabase, organizationId: string | SQLWrapper, ids: SQL | undefined) =>
  db
    .select(SCHEDULE)
    .from(schedules)
    .where(and(eq(schedules.organizationId, organizationId), ids));
const scheduleOf = fixedStatement((db) => schedulesOf(db, value('organizationId'), eq(schedules.id, value('id'))), SCHEDULE);

const conversationColumn = (name: keyof typeof conversations.$inferInsert) => placeholderFor(conversations[name], name);
const insertedConversation = fixedStatement((db) =>
  db.insert(conversations).values({
    organizationId: conversationColumn('organizationId'),
    id: conversationColumn('id'),
    agentId: conversationColumn('agentId'),
    channel: conversationColumn('channel'),
    title: conversationColumn('title'),
    createdAt: conversationColumn('createdAt'),
  }),
);
const executionColumn = (name: keyof typeof executions.$inferInsert) => placeholderFor(executions[name], name);
/**
 * A run that has not finished: the columns a finish sets keep their defaults. Its key taken is a
 * unique violation (after waiting for a concurrent insert of the same key to commit or not).
 */
const insertedRun = fixedStatement((db) =>
  db.insert(executions).values({
    organizationId: executionColumn('organizationId'),
    id: executionColumn('id'),
    conversationId: executionColumn('conversationId'),
    agentId: executionColumn('agentId'),
    scheduleId: executionColumn('scheduleId'),
    status: executionColumn('status'),
    startedAt: executionColumn('startedAt'),
    idempotencyKey: executionColumn('idempotencyKey'),
  }),
);

/** The runs already recorded under the runs' keys, after checking each is the same run. */
async function findRunsByKeys(
  db: ExecutionsDatabase,
  organizationId: string,
  runs: readonly NewRun[],
): Promise<Map<string, StartedExecution>> {
  const found =
    runs.length === 1
      ? await recordedRun(db, { organizationId, key: runs[0]!.key })
      : await recordedRuns(
          db,
          organizationId,
          inArray(
            executions.idempotencyKey,
            runs.map((r) => r.key),
          ),
        );
  const requested = new Map(runs.map((r) => [r.key, r]));
  const byKey = new Map<string, StartedExecution>();
  for (const row of found) {
    const run = row.key === null ? undefined : requested.get(row.key);
    if (!run) continue;
    if (row.scheduleId !== run.scheduleId || row.prompt !== run.prompt) {
      throw conflict(run.key, `another run (execution ${row.executionId})`);
    }
    byKey.set(run.key, { executionId: row.executionId, conversationId: row.conversationId });
  }
  return byKey;
}

/**
 * Inserts each run's conversation (titled with its schedule's name), execution and steps, a few
 * statements for the whole batch.
 */
async function insertRuns(
  tx: ExecutionsDatabase,
  organizationId: string,
  runs: readonly NewRun[],
): Promise<Ending<Map<string, StartedExecution>>> {
  const scheduleIds = [...new Set(runs.map((r) => r.scheduleId))];
  const found =
    scheduleIds.length === 1
      ? await scheduleOf(tx, { organizationId, id: scheduleIds[0] })
      : await schedulesOf(tx, organizationId, inArray(schedules.id, scheduleIds));
  const scheduleById = new Map(found.map((s) => [s.id, s]));
  const created = new Map<string, StartedExecution>();
  const conversationRows: (typeof conversations.$inferInsert)[] = [];
  const executionRows: (typeof executions.$inferInsert)[] = [];
  const stepRows: StepRow[] = [];
  // Keys in one order in every batch: overlapping batches then wait for each other, never deadlock.
  const ordered = [...runs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const run of ordered) {
    const schedule = scheduleById.get(run.scheduleId);
    if (!schedule) throw new RecorderError('not_found', `Schedule ${run.scheduleId} was not found in this organization`);
    const ids = { executionId: randomUUID(), conversationId: randomUUID() };
    created.set(run.key, ids);
    conversationRows.push({
      organizationId,
      id: ids.conversationId,
      agentId: schedule.agentId,
      channel: 'schedule',
      title: schedule.name,
      createdAt: run.startedAt,
    });
    const { finished } = run;
    const outcome = finished?.outcome;
    const failed = finished?.toolCalls.findIndex((call) => !call.ok) ?? -1;
    executionRows.push({
      organizationId,
      id: ids.executionId,
      conversationId: ids.conversationId,
      agentId: schedule.agentId,
      scheduleId: run.scheduleId,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: finished?.finishedAt ?? null,
      credits: finished?.credits ?? null,
      errorMessage: outcome?.status === 'failed' ? outcome.errorMessage : null,
      idempotencyKey: run.key,
      // Its steps are written first (insertRuns), when there is no run yet for xa_steps_failed_tool
      // to mark: the first failed tool call, after the prompt at position 0.
      ...(failed >= 0 && { failedTool: finished!.toolCalls[failed]!.toolName, failedStep: failed + 1 }),
    });
    stepRows.push(
      ...runStepRows(
        { organizationId, conversationId: ids.conversationId },
        {
          prompt: run.prompt,
          startedAt: run.startedAt,
          toolCalls: finished?.toolCalls ?? [],
          final: finished &&
            outcome && {
              kind: outcome.status === 'completed' ? 'final_response' : 'error',
              content: outcome.status === 'completed' ? outcome.response : outcome.errorMessage,
              at: finished.finishedAt,
            },
        },
      ),
    );
  }
  // The runs last: inserting one takes the locks on its count rows (xa_executions_count), which
  // concurrent writers of the same organization, day, agent and status wait for until commit.
  const [one, ...more] = executionRows;
  if (one && more.length === 0 && !ordered[0]!.finished) {
    // Sent together with the commit; Postgres runs them in this order.
    const last = Promise.all([
      insertedConversation(tx, conversationRows[0]!),
      appendStep(tx, stepRows[0]!),
      insertedRun(tx, one),
    ]);
    return { value: created, last };
  }
  for (const chunk of chunked(conversationRows)) await tx.insert(conversations).values(chunk);
  for (const chunk of chunked(stepRows)) await tx.insert(steps).values(chunk);
  for (const chunk of chunked(executionRows)) {
    const inserted = await tx
      .insert(executions)
      .values(chunk)
      // Waits for a concurrent insert of the same key, then skips the row if that one committed.
      .onConflictDoNothing({ target: [executions.organizationId, executions.idempotencyKey] })
      .returning({ id: executions.id });
    if (inserted.length < chunk.length) throw new KeyTaken();
  }
  return { value: created };
}

/**
 * Writes the runs whose keys are new in one transaction and returns every run's ids, in order —
 * those of the runs already recorded under their keys included.
 */
async function createRuns(db: ExecutionsDatabase, organizationId: string, runs: readonly NewRun[]): Promise<StartedExecution[]> {
  if (new Set(runs.map((r) => r.key)).size < runs.length) throw invalid('each run needs its own key');
  if (runs.length === 0) return [];
  for (let attempt = 1; ; attempt++) {
    const recorded = await findRunsByKeys(db, organizationId, runs);
    const fresh = runs.filter((r) => !recorded.has(r.key));
    try {
      const created =
        fresh.length > 0 ? await transactionEndingWith(db, (tx) => insertRuns(tx, organizationId, fresh)) : new Map();
      return runs.map((r) => {
        const ids = recorded.get(r.key) ?? created.get(r.key);
        if (!ids) throw new Error(`No run was written for key ${r.key}`);
        return ids;
      });
    } catch (error) {
      // The concurrent call has committed by now: the next lookup finds its run.
      if (!(error instanceof KeyTaken || isUniqueViolation(error)) || attempt === 3) throw error;
    }
  }
}

/**
 * Records that a schedule fired: its conversation, the execution and the scheduled call, in one
 * transaction. A retry with the same key returns the same ids. A NUL in the key or the prompt is
 * `invalid_input`; unpaired surrogates in them are stored as U+FFFD, and a retry with the same
 * unrepaired prompt is still the same run.
 */
export async function startExecution(
  db: ExecutionsDatabase,
  organizationId: string,
  input: StartExecutionInput,
): Promise<StartedExecution> {
  const orgId = checkOrganizationId(organizationId);
  const key = checkKey(input.key);
  checkUuid(input.scheduleId, 'scheduleId');
  const prompt = checkText(input.prompt, 'prompt');
  const status = input.status ?? 'pending';
  if (status !== 'pending' && status !== 'active') throw invalid('a run starts pending or active');
  const startedAt = input.startedAt ?? new Date();
  checkDate(startedAt, 'startedAt');
  const [ids] = await createRuns(db, orgId, [{ key, scheduleId: input.scheduleId, prompt, status, startedAt }]);
  if (!ids) throw new Error('startExecution wrote no run');
  return ids;
}

/** The run as it will be stored; messages name it by its index in the batch. */
function checkFinishedRun(run: FinishedRunInput, index: number): FinishedRunInput {
  const at = `runs[${index}].`;
  if (typeof run !== 'object' || run === null) throw invalid(`runs[${index}] must be a run`);
  const key = checkKey(run.key, `${at}key`);
  checkUuid(run.scheduleId, `${at}scheduleId`);
  const prompt = checkText(run.prompt, `${at}prompt`);
  checkDate(run.startedAt, `${at}startedAt`);
  checkFinishedAt(run.finishedAt, run.startedAt, `${at}finishedAt`);
  if (!Array.isArray(run.toolCalls)) throw invalid(`${at}toolCalls must be an array`);
  let previous = run.startedAt;
  const toolCalls = run.toolCalls.map((call, i) => {
    const checked = checkToolCall(call, `${at}toolCalls[${i}].`);
    if (!(call.at instanceof Date)) throw invalid(`${at}toolCalls[${i}].at must be a valid date`);
    if (call.at < previous || call.at > run.finishedAt) {
      throw invalid(`${at}toolCalls must be in time order, between the start and the finish`);
    }
    previous = call.at;
    return checked;
  });
  if (run.credits !== null) checkCredits(run.credits, `${at}credits`);
  const outcome = run.outcome as FinishedRunInput['outcome'] | undefined;
  if (outcome?.status === 'completed') {
    return {
      ...run,
      key,
      prompt,
      toolCalls,
      outcome: { status: 'completed', response: checkText(outcome.response, `${at}response`) },
    };
  }
  if (outcome?.status !== 'failed') throw invalid(`${at}outcome.status must be completed or failed`);
  const { errorMessage } = outcome;
  if (errorMessage !== null && typeof errorMessage !== 'string') throw invalid(`${at}errorMessage must be a string or null`);
  const stored = errorMessage === null ? null : storableText(errorMessage, `${at}errorMessage`);
  return { ...run, key, prompt, toolCalls, outcome: { status: 'failed', errorMessage: stored } };
}

/**
 * Writes runs that already finished — steps, outcome and credits — all in one transaction, and
 * returns their ids in order. Idempotent per run key like startExecution. For backfills (the demo
 * seed writes its history this way); the live path is start → tool calls → finish. Text and JSON
 * follow startExecution's and recordToolCall's rules; a refusal names the run and the tool call by
 * index, e.g. `runs[2].toolCalls[0].output`.
 */
export async function recordFinishedRuns(
  db: ExecutionsDatabase,
  organizationId: string,
  runs: readonly FinishedRunInput[],
): Promise<StartedExecution[]> {
  const orgId = checkOrganizationId(organizationId);
  if (!Array.isArray(runs)) throw invalid('runs must be an array');
  return createRuns(
    db,
    orgId,
    runs.map(checkFinishedRun).map(({ key, scheduleId, prompt, startedAt, ...finished }) => ({
      key,
      scheduleId,
      prompt,
      startedAt,
      status: finished.outcome.status,
      finished,
    })),
  );
}
