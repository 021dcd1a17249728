/**
 * Crash safety of the write side: a scheduler process recording runs through the write API into
 * a throwaway Postgres database is killed with SIGKILL mid-flight, several times over. Every run
 * state it had reported committed is still there, whole; and nothing it was in the middle of is
 * left half-written — no conversation without its execution, no execution without its
 * scheduled call, no gap in a run's steps, no finished run without its final step or the other
 * way round.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAgent, upsertOrganization, upsertSchedule } from '../src/write/recorder.js';
import type { ExecutionStatus } from '../src/db/schema.js';
import { spawnScript } from './support/child-process.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import type { CommittedRun } from './support/record-loop.js';

const ORGANIZATION = 'crash-org';
const AGENT = '00000000-0000-4000-8000-00000000a001';
const SCHEDULE = '00000000-0000-4000-8000-00000000b001';
const ROUNDS = 8;
/** Committed states to see in a round before the kill may come. */
const BEFORE_KILL = 15;

const target = databaseTargets.find((t) => t.name === 'postgres')!;
const ORDER: ExecutionStatus[] = ['pending', 'active', 'completed'];
const isFinished = (status: ExecutionStatus) => status === 'completed' || status === 'failed';

interface StoredRun {
  execution_id: string;
  conversation_id: string;
  status: ExecutionStatus;
  finished: boolean;
  steps: number;
  min_position: number | null;
  max_position: number | null;
  kinds: string[];
}

describe.skipIf(target.skipReason !== null)(
  `crash safety of the write API${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
  () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await target.open();
      await upsertOrganization(database.db, ORGANIZATION, { name: 'Crash', timeZone: 'UTC' });
      await upsertAgent(database.db, ORGANIZATION, { agentId: AGENT, name: 'Agent' });
      await upsertSchedule(database.db, ORGANIZATION, {
        scheduleId: SCHEDULE,
        agentId: AGENT,
        name: 'Every minute',
        kind: 'cron',
        expression: '* * * * *',
      });
    });
    afterAll(() => database?.dispose());

    const storedRuns = async () =>
      (await database.db.execute(sql`
        select e.id as execution_id, e.conversation_id, e.status, e.finished_at is not null as finished,
               count(s.position)::int as steps, min(s.position) as min_position, max(s.position) as max_position,
               coalesce(array_agg(s.kind::text order by s.position) filter (where s.position is not null), '{}') as kinds
          from executions_admin.xa_executions e
          left join executions_admin.xa_steps s on s.organization_id = e.organization_id and s.conversation_id = e.conversation_id
         where e.organization_id = ${ORGANIZATION}
         group by e.id, e.conversation_id, e.status, e.finished_at
      `)) as unknown as StoredRun[];

    it(`keeps every committed run whole across ${ROUNDS} SIGKILLs mid-recording, and no half-written one`, async () => {
      const reported = new Map<string, CommittedRun>();
      let killedAfter = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        const child = spawnScript('test/support/record-loop.ts', {
          XA_DATABASE_URL: database.url!,
          XA_ORGANIZATION: ORGANIZATION,
          XA_SCHEDULE: SCHEDULE,
          XA_ROUND: `round-${round}`,
        });
        let seen = 0;
        const enough = new Promise<void>((resolve) =>
          child.onLine((line) => {
            if (!line.startsWith('committed ')) return;
            const run = JSON.parse(line.slice('committed '.length)) as CommittedRun;
            reported.set(run.executionId, run);
            if ((seen += 1) === BEFORE_KILL) resolve();
          }),
        );
        await Promise.race([
          enough,
          child.exited.then(() => Promise.reject(new Error(`recorder exited early:\n${child.output()}`))),
        ]);
        // Somewhere inside the calls in flight: they run back to back, a few milliseconds each.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
        await child.stop('SIGKILL');
        expect((await child.exited).signal).toBe('SIGKILL');
        killedAfter += seen;
      }
      expect(killedAfter).toBeGreaterThanOrEqual(ROUNDS * BEFORE_KILL);

      const stored = new Map((await storedRuns()).map((run) => [run.execution_id, run]));

      // Nothing reported committed was lost, and a run is never behind what was reported.
      for (const run of reported.values()) {
        const found = stored.get(run.executionId);
        expect(found, `reported run ${run.executionId}`).toBeDefined();
        expect(found!.conversation_id).toBe(run.conversationId);
        if (isFinished(run.status)) {
          expect(found!.status).toBe(run.status);
          expect(found!.steps).toBe(run.steps);
        } else {
          expect(found!.steps).toBeGreaterThanOrEqual(run.steps);
          if (found!.status !== 'failed') expect(ORDER.indexOf(found!.status)).toBeGreaterThanOrEqual(ORDER.indexOf(run.status));
        }
      }

      // Every run is whole, reported or not.
      for (const run of stored.values()) {
        const where = `run ${run.execution_id} (${run.status}, steps ${run.kinds.join(' ')})`;
        expect(run.steps, where).toBeGreaterThanOrEqual(1);
        expect(run.min_position, where).toBe(0);
        expect(run.max_position, where).toBe(run.steps - 1);
        expect(run.kinds[0], where).toBe('scheduled_call');
        expect(
          run.kinds.slice(1, isFinished(run.status) ? -1 : undefined).every((k) => k === 'tool_call'),
          where,
        ).toBe(true);
        expect(run.finished, where).toBe(isFinished(run.status));
        if (run.status === 'completed') expect(run.kinds.at(-1), where).toBe('final_response');
        if (run.status === 'failed') expect(run.kinds.at(-1), where).toBe('error');
        if (run.status === 'pending') expect(run.steps, where).toBe(1);
      }

      // And no conversation was left without its run.
      const orphans = [
        ...((await database.db.execute(sql`
        select c.id from executions_admin.xa_conversations c
         where c.organization_id = ${ORGANIZATION}
           and not exists (select 1 from executions_admin.xa_executions e where e.organization_id = c.organization_id and e.conversation_id = c.id)
      `)) as unknown as { id: string }[]),
      ];
      expect(orphans).toEqual([]);
      console.log(
        `crash safety: ${ROUNDS} kills, ${reported.size} runs reported committed, ${stored.size} runs stored, all whole`,
      );
    }, 120_000);
  },
);
