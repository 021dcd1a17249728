/**
 * Run as a child process (spawnScript) and killed mid-flight: a scheduler recording runs through
 * the write API into XA_DATABASE_URL as fast as it can, six at a time — live runs call by call
 * (start, active, tool calls, complete or fail) and backfills in batches. After each call
 * returns, its run's state is printed as `committed <json>`: what the database has promised to
 * keep.
 */
import { connectPostgres } from '../../src/db/database.js';
import {
  completeExecution,
  failExecution,
  markActive,
  recordFinishedRuns,
  recordToolCall,
  startExecution,
  type FinishedRunInput,
} from '../../src/write/recorder.js';
import type { ExecutionStatus } from '../../src/db/schema.js';

const url = process.env.XA_DATABASE_URL;
const organization = process.env.XA_ORGANIZATION;
const scheduleId = process.env.XA_SCHEDULE;
const round = process.env.XA_ROUND;
if (!url || !organization || !scheduleId || !round)
  throw new Error('XA_DATABASE_URL, XA_ORGANIZATION, XA_SCHEDULE and XA_ROUND are required');

const { db } = connectPostgres(url);

export interface CommittedRun {
  executionId: string;
  conversationId: string;
  status: ExecutionStatus;
  /** Steps written so far: the scheduled call, tool calls, the final response or error. */
  steps: number;
}

const committed = (run: CommittedRun) => console.log(`committed ${JSON.stringify(run)}`);

const toolCall = (key: string) => ({
  key,
  toolName: 'crm.search',
  input: { query: key, padding: 'x'.repeat(2_000) },
  output: { results: [key] },
  ok: true,
  durationMs: 5,
});

async function liveRun(key: string, n: number): Promise<void> {
  const ids = await startExecution(db, organization!, { key, scheduleId: scheduleId!, prompt: `Run ${key}` });
  let run: CommittedRun = { ...ids, status: 'pending', steps: 1 };
  committed(run);
  await markActive(db, organization!, ids.executionId);
  committed((run = { ...run, status: 'active' }));
  for (let t = 0; t < n % 4; t += 1) {
    await recordToolCall(db, organization!, ids.executionId, toolCall(`tool-${t}`));
    committed((run = { ...run, steps: run.steps + 1 }));
  }
  if (n % 3 === 0) await failExecution(db, organization!, ids.executionId, { key: 'finish', errorMessage: `Failed ${key}` });
  else await completeExecution(db, organization!, ids.executionId, { key: 'finish', response: `Done ${key}` });
  committed({ ...run, status: n % 3 === 0 ? 'failed' : 'completed', steps: run.steps + 1 });
}

async function backfill(key: string): Promise<void> {
  const now = Date.now();
  const runs: FinishedRunInput[] = Array.from({ length: 5 }, (_, k) => ({
    key: `${key}-${k}`,
    scheduleId: scheduleId!,
    prompt: `Backfill ${key}-${k}`,
    startedAt: new Date(now - 60_000),
    toolCalls: [{ ...toolCall(`tool-${k}`), at: new Date(now - 50_000) }],
    outcome: k % 2 ? { status: 'completed', response: 'Done' } : { status: 'failed', errorMessage: 'Failed' },
    finishedAt: new Date(now - 40_000),
    credits: 1,
  }));
  const recorded = await recordFinishedRuns(db, organization!, runs);
  recorded.forEach((ids, k) => committed({ ...ids, status: k % 2 ? 'completed' : 'failed', steps: 3 }));
}

async function worker(w: number): Promise<never> {
  for (let n = 0; ; n += 1) {
    const key = `${round}-${w}-${n}`;
    if (n % 4 === 3) await backfill(key);
    else await liveRun(key, n);
  }
}

console.log('recording');
await Promise.all([0, 1, 2, 3, 4, 5].map(worker));
