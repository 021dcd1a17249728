/**
 * The write API for the host's scheduler. Like the repository, every function takes the
 * organization explicitly and scopes every statement by it: a run of another organization is
 * simply not found.
 *
 * Guarantees:
 * - Each call is one transaction (or one statement): a failure mid-write leaves nothing behind.
 * - Calls that create rows take the caller's idempotency `key`. Retrying with the same key returns
 *   what the first call wrote and writes nothing. Reusing a key for a different call is an
 *   `idempotency_conflict`, never silently the original: a run's key is checked against its
 *   schedule and prompt, a step's against its content (times are not compared: a retry's default
 *   "now" differs). markActive and setCredits are idempotent by nature.
 * - Status moves pending → active → completed | failed. A pending run may fail (it never got
 *   started: the queue gave up, the agent was gone) but cannot complete without having run.
 *   A finished run never reopens (no call moves it out of completed or failed) and takes no more
 *   tool calls. Steps are appended under a lock on the run, so of racing finishes exactly one wins
 *   (the others get `already_finished`) and concurrent tool calls get contiguous positions.
 * - Credits are set once a run has finished, possibly long after; setting them again replaces them
 *   (the platform may recalculate).
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, max } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import {
  agents,
  conversations,
  executions,
  organizations,
  schedules,
  steps,
  type ExecutionStatus,
  type ScheduleKind,
  type StepKind,
} from '../db/schema.js';
import { stepColumns, type ConversationStep } from '../db/steps.js';
import { isTimeZone } from '../lib/time-zone.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type RecorderErrorCode =
  /** No such run, schedule or agent in this organization. */
  | 'not_found'
  /** The run has already completed or failed. */
  | 'already_finished'
  /** The run is not in a state that allows the call (e.g. completing a pending run). */
  | 'invalid_transition'
  /** The key was already used for a different call. */
  | 'idempotency_conflict'
  | 'invalid_input';

export class RecorderError extends Error {
  override readonly name = 'RecorderError';
  readonly code: RecorderErrorCode;

  constructor(code: RecorderErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface OrganizationInput {
  name: string;
  /** IANA time zone, e.g. America/Sao_Paulo. */
  timeZone: string;
}

export interface AgentInput {
  /** The host's own id for the agent. */
  agentId: string;
  name: string;
}

export interface ScheduleInput {
  /** The host's own id for the schedule. */
  scheduleId: string;
  agentId: string;
  name: string;
  kind: ScheduleKind;
  /** A cron expression, an ISO 8601 duration, or the trigger's event name, by kind. */
  expression: string;
}

export interface StartExecutionInput {
  /** Identifies this firing of the schedule: a retry with the same key returns the same run. */
  key: string;
  /** The run's agent and its conversation's title are the schedule's. */
  scheduleId: string;
  /** What the schedule asked the agent: the conversation's first step. */
  prompt: string;
  /** Pending (queued) by default; active when a worker picks the run up at once. */
  status?: 'pending' | 'active';
  startedAt?: Date;
}

export interface StartedExecution {
  executionId: string;
  conversationId: string;
}

export interface ToolCallInput {
  /** Unique within the run: a retry with the same key returns the step already written. */
  key: string;
  toolName: string;
  /** The input sent to the tool, as sent. */
  input: JsonValue;
  /** The tool's response as received. */
  output: JsonValue;
  ok: boolean;
  durationMs: number;
  at?: Date;
}

export interface CompleteExecutionInput {
  /** Unique within the run; a retried finish with the same key succeeds again without writing. */
  key: string;
  /** The agent's final response. */
  response: string;
  finishedAt?: Date;
}

export interface FailExecutionInput {
  /** Unique within the run; a retried finish with the same key succeeds again without writing. */
  key: string;
  /** Null when the worker could not say why (the page then shows no tooltip). */
  errorMessage: string | null;
  finishedAt?: Date;
}

export type HistoricalToolCall = Omit<ToolCallInput, 'key' | 'at'> & { at: Date };

/** A run that already happened elsewhere, written whole: for backfills and the demo seed. */
export interface FinishedRunInput {
  key: string;
  scheduleId: string;
  prompt: string;
  startedAt: Date;
  toolCalls: readonly HistoricalToolCall[];
  outcome: { status: 'completed'; response: string } | { status: 'failed'; errorMessage: string | null };
  /** When the final response or error was written. */
  finishedAt: Date;
  /** Null when not calculated yet; setCredits can add them later. */
  credits: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_KEY_LENGTH = 200;
/** numeric(12, 2) */
const MAX_CREDITS = 9_999_999_999.99;
const FINISHED: ExecutionStatus[] = ['completed', 'failed'];

const invalid = (message: string) => new RecorderError('invalid_input', message);
const notFound = (executionId: string) =>
  new RecorderError('not_found', `Execution ${executionId} was not found in this organization`);

function checkText(value: string, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} must be a non-empty string`);
}

function checkKey(key: string): void {
  checkText(key, 'key');
  if (key.length > MAX_KEY_LENGTH) throw invalid(`key must be at most ${MAX_KEY_LENGTH} characters`);
}

function checkUuid(value: string, field: string): void {
  if (!UUID.test(value)) throw invalid(`${field} must be a UUID`);
}

function checkDate(value: Date, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(`${field} must be a valid date`);
}

function checkFinishedAt(finishedAt: Date, startedAt: Date): void {
  checkDate(finishedAt, 'finishedAt');
  if (finishedAt < startedAt) throw invalid('finishedAt must not be before the run started');
}

function checkCredits(credits: number): void {
  if (typeof credits !== 'number' || !Number.isFinite(credits) || credits < 0 || credits > MAX_CREDITS) {
    throw invalid(`credits must be a finite number from 0 to ${MAX_CREDITS}`);
  }
}

function checkToolCall(call: Omit<ToolCallInput, 'key'>): void {
  checkText(call.toolName, 'toolName');
  if (typeof call.ok !== 'boolean') throw invalid('ok must be a boolean');
  if (!Number.isInteger(call.durationMs) || call.durationMs < 0) throw invalid('durationMs must be a non-negative integer');
  if (call.at !== undefined) checkDate(call.at, 'at');
}

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

const conflict = (key: string, what: string) =>
  new RecorderError('idempotency_conflict', `Key "${key}" was already used for ${what}`);

// ---------------------------------------------------------------------------------------------
// Organizations, agents and schedules
// ---------------------------------------------------------------------------------------------

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
export async function upsertSchedule(
  db: ExecutionsDatabase,
  organizationId: string,
  input: ScheduleInput,
): Promise<void> {
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

// ---------------------------------------------------------------------------------------------
// Starting runs
// ---------------------------------------------------------------------------------------------

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

/** Rows per multi-row insert: well under Postgres's 65,535 parameters a statement. */
const INSERT_CHUNK = 1000;

function chunked<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) out.push(rows.slice(i, i + INSERT_CHUNK));
  return out;
}

/** The runs already recorded under the runs' keys, after checking each is the same run. */
async function findRunsByKeys(
  db: ExecutionsDatabase,
  organizationId: string,
  runs: readonly NewRun[],
): Promise<Map<string, StartedExecution>> {
  const found = await db
    .select({
      key: executions.idempotencyKey,
      executionId: executions.id,
      conversationId: executions.conversationId,
      scheduleId: executions.scheduleId,
      prompt: steps.content,
    })
    .from(executions)
    .leftJoin(
      steps,
      and(
        eq(steps.organizationId, executions.organizationId),
        eq(steps.conversationId, executions.conversationId),
        eq(steps.position, 0),
      ),
    )
    .where(and(eq(executions.organizationId, organizationId), inArray(executions.idempotencyKey, runs.map((r) => r.key))));
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
): Promise<Map<string, StartedExecution>> {
  const scheduleIds = [...new Set(runs.map((r) => r.scheduleId))];
  const found = await tx
    .select({ id: schedules.id, agentId: schedules.agentId, name: schedules.name })
    .from(schedules)
    .where(and(eq(schedules.organizationId, organizationId), inArray(schedules.id, scheduleIds)));
  const scheduleById = new Map(found.map((s) => [s.id, s]));
  const created = new Map<string, StartedExecution>();
  const conversationRows: (typeof conversations.$inferInsert)[] = [];
  const executionRows: (typeof executions.$inferInsert)[] = [];
  const stepRows: (typeof steps.$inferInsert)[] = [];
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
    });
    const step = { organizationId, conversationId: ids.conversationId };
    stepRows.push({ ...step, position: 0, kind: 'scheduled_call', content: run.prompt, createdAt: run.startedAt });
    if (!finished || !outcome) continue;
    finished.toolCalls.forEach((call, i) =>
      stepRows.push({
        ...step,
        position: i + 1,
        kind: 'tool_call',
        toolName: call.toolName,
        toolInput: call.input,
        toolOutput: call.output,
        ok: call.ok,
        durationMs: call.durationMs,
        createdAt: call.at,
      }),
    );
    stepRows.push({
      ...step,
      position: finished.toolCalls.length + 1,
      kind: outcome.status === 'completed' ? 'final_response' : 'error',
      content: outcome.status === 'completed' ? outcome.response : outcome.errorMessage,
      createdAt: finished.finishedAt,
    });
  }
  for (const chunk of chunked(conversationRows)) await tx.insert(conversations).values(chunk);
  for (const chunk of chunked(executionRows)) {
    const inserted = await tx
      .insert(executions)
      .values(chunk)
      // Waits for a concurrent insert of the same key, then skips the row if that one committed.
      .onConflictDoNothing({ target: [executions.organizationId, executions.idempotencyKey] })
      .returning({ id: executions.id });
    if (inserted.length < chunk.length) throw new KeyTaken();
  }
  for (const chunk of chunked(stepRows)) await tx.insert(steps).values(chunk);
  return created;
}

/**
 * Writes the runs whose keys are new in one transaction and returns every run's ids, in order —
 * those of the runs already recorded under their keys included.
 */
async function createRuns(
  db: ExecutionsDatabase,
  organizationId: string,
  runs: readonly NewRun[],
): Promise<StartedExecution[]> {
  if (new Set(runs.map((r) => r.key)).size < runs.length) throw invalid('each run needs its own key');
  if (runs.length === 0) return [];
  for (let attempt = 1; ; attempt++) {
    const recorded = await findRunsByKeys(db, organizationId, runs);
    const fresh = runs.filter((r) => !recorded.has(r.key));
    try {
      const created = fresh.length > 0 ? await db.transaction((tx) => insertRuns(tx, organizationId, fresh)) : new Map();
      return runs.map((r) => {
        const ids = recorded.get(r.key) ?? created.get(r.key);
        if (!ids) throw new Error(`No run was written for key ${r.key}`);
        return ids;
      });
    } catch (error) {
      // The concurrent call has committed by now: the next lookup finds its run.
      if (!(error instanceof KeyTaken) || attempt === 3) throw error;
    }
  }
}

/**
 * Records that a schedule fired: its conversation, the execution and the scheduled call, in one
 * transaction. A retry with the same key returns the same ids.
 */
export async function startExecution(
  db: ExecutionsDatabase,
  organizationId: string,
  input: StartExecutionInput,
): Promise<StartedExecution> {
  checkKey(input.key);
  checkUuid(input.scheduleId, 'scheduleId');
  checkText(input.prompt, 'prompt');
  const status = input.status ?? 'pending';
  if (status !== 'pending' && status !== 'active') throw invalid('a run starts pending or active');
  const startedAt = input.startedAt ?? new Date();
  checkDate(startedAt, 'startedAt');
  const [ids] = await createRuns(db, organizationId, [
    { key: input.key, scheduleId: input.scheduleId, prompt: input.prompt, status, startedAt },
  ]);
  if (!ids) throw new Error('startExecution wrote no run');
  return ids;
}

function checkFinishedRun(run: FinishedRunInput): void {
  checkKey(run.key);
  checkUuid(run.scheduleId, 'scheduleId');
  checkText(run.prompt, 'prompt');
  checkDate(run.startedAt, 'startedAt');
  checkFinishedAt(run.finishedAt, run.startedAt);
  let previous = run.startedAt;
  for (const call of run.toolCalls) {
    checkToolCall(call);
    if (call.at < previous || call.at > run.finishedAt) {
      throw invalid('tool calls must be in time order, between the start and the finish');
    }
    previous = call.at;
  }
  if (run.credits !== null) checkCredits(run.credits);
  if (run.outcome.status === 'completed') checkText(run.outcome.response, 'response');
}

/**
 * Writes runs that already finished — steps, outcome and credits — all in one transaction, and
 * returns their ids in order. Idempotent per run key like startExecution. For backfills (the demo
 * seed writes its history this way); the live path is start → tool calls → finish.
 */
export async function recordFinishedRuns(
  db: ExecutionsDatabase,
  organizationId: string,
  runs: readonly FinishedRunInput[],
): Promise<StartedExecution[]> {
  runs.forEach(checkFinishedRun);
  return createRuns(
    db,
    organizationId,
    runs.map(({ key, scheduleId, prompt, startedAt, ...finished }) => ({
      key,
      scheduleId,
      prompt,
      startedAt,
      status: finished.outcome.status,
      finished,
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// Moving runs along
// ---------------------------------------------------------------------------------------------

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
    .where(
      and(eq(executions.organizationId, organizationId), eq(executions.id, executionId), eq(executions.status, 'pending')),
    )
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
      organizationId,
      conversationId: run.conversationId,
      position,
      kind: 'tool_call',
      toolName: input.toolName,
      toolInput: input.input,
      toolOutput: input.output,
      ok: input.ok,
      durationMs: input.durationMs,
      createdAt: at,
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
      throw new RecorderError(
        'invalid_transition',
        `Execution ${executionId} is ${run.status}: only an active run can complete`,
      );
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
      and(
        eq(executions.organizationId, organizationId),
        eq(executions.id, executionId),
        inArray(executions.status, FINISHED),
      ),
    )
    .returning({ id: executions.id });
  if (updated.length > 0) return;
  const status = await statusOf(db, organizationId, executionId);
  throw new RecorderError('invalid_transition', `Execution ${executionId} is ${status}: credits are set once it has finished`);
}
