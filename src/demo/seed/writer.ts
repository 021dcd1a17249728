/**
 * Writes a generated seed: scheduled runs through the scheduler's write API, other channels' runs
 * as rows, all in one transaction.
 */
import type { ExecutionsDatabase } from '../../db/database.js';
import { conversations, executions, steps } from '../../db/schema.js';
import {
  deleteAgent,
  markActive,
  recordFinishedRuns,
  recordToolCall,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
} from '../../write/recorder.js';
import { chunked } from '../../write/rows.js';
import type { Generator, OrgSeed, ScheduledRun } from './generator.js';

/** Finished runs per recordFinishedRuns call: the write API takes a backfill in batches. */
const BATCH_SIZE = 500;

async function writeOrganization(db: ExecutionsDatabase, org: OrgSeed): Promise<void> {
  const organizationId = org.def.id;
  await upsertOrganization(db, organizationId, { name: org.def.name, timeZone: org.def.timeZone });
  for (const agent of org.agents) await upsertAgent(db, organizationId, { agentId: agent.id, name: agent.def.name });
  for (const schedule of org.schedules) {
    const { name, kind, expression } = schedule.def;
    await upsertSchedule(db, organizationId, { scheduleId: schedule.id, agentId: schedule.agent.id, name, kind, expression });
  }
}

/** A run still in flight, call by call as the scheduler reports it. */
async function writeLiveRun(db: ExecutionsDatabase, live: Extract<ScheduledRun, { state: 'pending' | 'active' }>): Promise<void> {
  const { organizationId } = live;
  const { executionId } = await startExecution(db, organizationId, live.start);
  if (live.state === 'pending') return;
  await markActive(db, organizationId, executionId);
  for (const [i, call] of live.toolCalls.entries()) {
    await recordToolCall(db, organizationId, executionId, { ...call, key: `${live.start.key}/tool-${i + 1}` });
  }
}

/**
 * Writes everything generated in one transaction (the recorder's own transactions nest in it as
 * savepoints), so an interrupted seed leaves nothing.
 */
export async function writeSeed(db: ExecutionsDatabase, g: Generator): Promise<void> {
  const rows = g.channelRows;
  await db.transaction(async (tx) => {
    for (const org of g.orgs) await writeOrganization(tx, org);
    for (const org of g.orgs) {
      const history = g.scheduledRuns.flatMap((s) => (s.state === 'finished' && s.organizationId === org.def.id ? [s.run] : []));
      for (const batch of chunked(history, BATCH_SIZE)) await recordFinishedRuns(tx, org.def.id, batch);
    }
    for (const run of g.scheduledRuns) if (run.state !== 'finished') await writeLiveRun(tx, run);
    for (const org of g.orgs) {
      for (const agent of org.agents) {
        if (agent.deletedAt !== null) await deleteAgent(tx, org.def.id, agent.id, new Date(agent.deletedAt));
      }
    }
    for (const batch of chunked(rows.conversations)) await tx.insert(conversations).values(batch);
    for (const batch of chunked(rows.executions)) await tx.insert(executions).values(batch);
    for (const batch of chunked(rows.steps)) await tx.insert(steps).values(batch);
  });
}
