/**
 * Bulk jobs' runner, on PGlite and real Postgres: it acts on exactly the runs the job's filters keep
 * (compared with plain SQL) across batches, or on exactly the runs selected, whatever its filters;
 * a batch a crashed runner acted on without storing it is walked past, not taken for the end; abandoned between batches (a crash) and resumed, and
 * raced by a second runner, it acts on no run twice; a cancel stops it; an organization runs one job
 * at a time; another organization's runs are never touched; a hostile stored query acts as the
 * list would read it (its junk dropped), never on anything else.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkRunner, type RunnerOptions } from '../src/actions/bulk-runner.js';
import { cancelJob, createJob, findJob } from '../src/actions/job-repository.js';
import type { ActedRun } from '../src/db/run-actions.js';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { recordFinishedRuns, upsertAgent, upsertOrganization, upsertSchedule } from '../src/write/recorder.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { select } from './support/select.js';

const BASE = Date.UTC(2026, 10, 1);

async function seed(db: ExecutionsDatabase, org: string, failed: number, completed: number) {
  const agentId = randomUUID();
  const scheduleId = randomUUID();
  await upsertOrganization(db, org, { name: org, timeZone: 'UTC' });
  await upsertAgent(db, org, { agentId, name: `Agent of ${org}` });
  await upsertSchedule(db, org, { scheduleId, agentId, name: `Digest of ${org}`, kind: 'cron', expression: '0 9 * * *' });
  const runs = Array.from({ length: failed + completed }, (_, i) => {
    // Pairs of runs share a start: the cursor must order them by id too.
    const startedAt = new Date(BASE + Math.floor(i / 2) * 60_000);
    return {
      key: randomUUID(),
      scheduleId,
      prompt: 'p',
      startedAt,
      toolCalls: [],
      outcome:
        i < failed ? { status: 'failed' as const, errorMessage: 'boom' } : { status: 'completed' as const, response: 'ok' },
      finishedAt: new Date(startedAt.getTime() + 1000),
      credits: null,
    };
  });
  await recordFinishedRuns(db, org, runs);
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `bulk jobs' runner on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      const told: { org: string; run: ActedRun; key: string }[] = [];
      let failEvery = 0;
      let callMs = 0;
      let inFlight = 0;
      let mostInFlight = 0;

      const runner = (options: Partial<RunnerOptions> = {}) =>
        bulkRunner({
          db: database.db,
          cancelledBy: (user) => `Cancelled by ${user}`,
          scheduler: (org) => ({
            async runAgain(run, key) {
              told.push({ org, run, key });
              mostInFlight = Math.max(mostInFlight, ++inFlight);
              await new Promise((resolve) => setTimeout(resolve, callMs));
              inFlight -= 1;
              if (failEvery && told.length % failEvery === 0) throw new Error('scheduler <down>');
            },
          }),
          options: { batchSize: 4, runsPerSecond: 1_000, leaseMs: options.leaseMs ?? 60_000, ...options },
        });

      const newJob = async (org: string, query: string, runIds: string[] | null = null) => {
        await database.db.execute(sql`update executions_admin.xa_bulk_jobs set status = 'done' where organization_id = ${org}`);
        const created = await createJob(database.db, org, {
          action: 'run_again',
          query,
          runIds,
          userId: 'u1',
          userName: 'Ana',
          total: 0,
        });
        if (!('job' in created)) throw new Error('busy');
        return created.job;
      };

      /** Runs the job's rows in the trail acted on, and how many times each. */
      const acted = async (org: string, jobId: string) =>
        select(
          database.db,
          sql`select execution_id::text as id, count(*)::int as n from executions_admin.xa_run_actions
               where organization_id = ${org} and job_id = ${jobId} group by execution_id`,
        );

      const failedRunIds = async (org: string) =>
        (
          await select(
            database.db,
            sql`select id::text as id from executions_admin.xa_executions
                 where organization_id = ${org} and schedule_id is not null and status = 'failed'`,
          )
        )
          .map((r) => String(r.id))
          .sort();

      beforeAll(async () => {
        database = await target.open();
        await seed(database.db, 'org-a', 11, 5);
        await seed(database.db, 'org-b', 6, 2);
      });
      afterAll(async () => {
        await database?.dispose();
      });

      it('acts on exactly the filtered runs across batches, once each, and counts them', async () => {
        told.length = 0;
        failEvery = 5;
        const job = await newJob('org-a', 'status=failed');
        const r = runner();
        r.start('org-a', 'UTC', job.id, (error) => {
          throw error;
        });
        await r.idle();
        failEvery = 0;
        const rows = await acted('org-a', job.id);
        expect(rows.map((row) => String(row.id)).sort()).toEqual(await failedRunIds('org-a'));
        expect(rows.every((row) => row.n === 1)).toBe(true);
        expect(told.every((t) => t.org === 'org-a' && t.key === `executions-admin:job:${job.id}:${t.run.executionId}`)).toBe(
          true,
        );
        const done = await findJob(database.db, 'org-a', job.id);
        expect(done).toMatchObject({ status: 'done', succeeded: 9, failed: 2, skipped: 0 });
      });

      it('acts on the selected runs only, whatever its filters, and never on another organization’s', async () => {
        told.length = 0;
        const runsOf = async (org: string) =>
          (
            await select(
              database.db,
              sql`select id::text as id from executions_admin.xa_executions
                   where organization_id = ${org} and schedule_id is not null order by id`,
            )
          ).map((r) => String(r.id));
        // Failed and completed runs, more than a batch, though the job's query keeps Failed ones only.
        const selected = (await runsOf('org-a')).filter((_, i) => i % 2 === 0);
        const job = await newJob('org-a', 'status=failed', [...selected, ...(await runsOf('org-b'))]);
        expect(job.startedAt).toBeNull();
        const r = runner();
        r.start('org-a', 'UTC', job.id, (error) => {
          throw error;
        });
        await r.idle();
        const rows = await acted('org-a', job.id);
        expect(rows.map((row) => String(row.id)).sort()).toEqual(selected);
        expect(told.every((t) => t.org === 'org-a')).toBe(true);
        const done = await findJob(database.db, 'org-a', job.id);
        expect(done).toMatchObject({ status: 'done', succeeded: selected.length });
        // Its pace, and so the time left, counts from when a runner took it, not from when it was queued.
        expect(done!.startedAt!.getTime()).toBeGreaterThanOrEqual(done!.createdAt.getTime());
      });

      it('calls the host `concurrency` runs at once at most, and takes a pace that could never end as the default', async () => {
        told.length = 0;
        callMs = 15;
        mostInFlight = 0;
        const job = await newJob('org-b', '');
        const r = runner({ concurrency: 3, batchSize: 5 });
        r.start('org-b', 'UTC', job.id, (error) => {
          throw error;
        });
        await r.idle();
        expect(mostInFlight).toBe(3);
        expect(new Set(told.map((t) => t.run.executionId)).size).toBe(8);
        // No call at once, or none a batch, would loop for ever: one at a time, ten a batch.
        told.length = 0;
        mostInFlight = 0;
        const again = await newJob('org-b', '');
        const slow = runner({ concurrency: 0, batchSize: -1, runsPerSecond: Number.NaN });
        slow.start('org-b', 'UTC', again.id, (error) => {
          throw error;
        });
        await slow.idle();
        callMs = 0;
        expect(mostInFlight).toBe(1);
        expect(told.length).toBe(8);
      });

      it('resumes a job abandoned between batches, and a racing runner acts on no run twice', async () => {
        told.length = 0;
        const job = await newJob('org-a', 'status=failed');
        const crashed = runner({ leaseMs: 1 });
        const claimed = await crashed.claim('org-a', job.id);
        expect(await crashed.batch('org-a', 'UTC', claimed!)).toBe(true);
        // The crashed process's lease has run out: two processes resume at once.
        await new Promise((resolve) => setTimeout(resolve, 20));
        const [first, second] = [runner(), runner()];
        await Promise.all([first.resume('org-a', 'UTC', () => {}), second.resume('org-a', 'UTC', () => {})]);
        await Promise.all([first.idle(), second.idle()]);
        const rows = await acted('org-a', job.id);
        expect(rows.map((row) => String(row.id)).sort()).toEqual(await failedRunIds('org-a'));
        expect(rows.every((row) => row.n === 1)).toBe(true);
        expect(new Set(told.map((t) => t.run.executionId)).size).toBe(told.length);
        expect(await findJob(database.db, 'org-a', job.id)).toMatchObject({ status: 'done', succeeded: 11 });
      });

      it('walks past a whole batch a crashed runner acted on without storing it, and counts it once', async () => {
        told.length = 0;
        const job = await newJob('org-a', 'status=failed');
        const crashed = runner({ leaseMs: 1 });
        const claimed = await crashed.claim('org-a', job.id);
        expect(await crashed.batch('org-a', 'UTC', claimed!)).toBe(true);
        // As if it died after acting on its batch, before storing the cursor and counts.
        await database.db.execute(
          sql`update executions_admin.xa_bulk_jobs set cursor_started_at = null, cursor_id = null, succeeded = 0 where id = ${job.id}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
        const resumed = runner();
        await resumed.resume('org-a', 'UTC', (error) => {
          throw error;
        });
        await resumed.idle();
        const rows = await acted('org-a', job.id);
        expect(rows.map((row) => String(row.id)).sort()).toEqual(await failedRunIds('org-a'));
        expect(rows.every((row) => row.n === 1)).toBe(true);
        expect(told.length).toBe(11);
        expect(await findJob(database.db, 'org-a', job.id)).toMatchObject({ status: 'done', succeeded: 11 });
      });

      it('stops at the next batch when cancelled, its counts stored', async () => {
        const job = await newJob('org-a', 'status=failed');
        const r = runner();
        const claimed = await r.claim('org-a', job.id);
        expect(await r.batch('org-a', 'UTC', claimed!)).toBe(true);
        expect(await r.batch('org-a', 'UTC', claimed!)).toBe(true);
        // Counted batch by batch while it runs.
        expect(await findJob(database.db, 'org-a', job.id)).toMatchObject({ status: 'running', succeeded: 8 });
        expect(await cancelJob(database.db, 'org-a', job.id)).toBe(true);
        expect(await r.batch('org-a', 'UTC', claimed!)).toBe(false);
        expect(await findJob(database.db, 'org-a', job.id)).toMatchObject({ status: 'cancelled', succeeded: 8 });
        // The batch after the cancel acts on nothing.
        expect((await acted('org-a', job.id)).length).toBe(8);
      });

      it('runs one job at a time in an organization, and another organization’s apart', async () => {
        const job = await newJob('org-a', '');
        const refused = await createJob(database.db, 'org-a', {
          action: 'cancel',
          query: '',
          userId: 'u2',
          userName: null,
          total: 0,
        });
        expect(refused).toEqual({ busy: job.id });
        const other = await createJob(database.db, 'org-b', {
          action: 'cancel',
          query: '',
          userId: 'u2',
          userName: null,
          total: 0,
        });
        expect('job' in other).toBe(true);
        // Cancelled through org-b, org-a's job is untouched; its runner never reads org-b's runs.
        expect(await cancelJob(database.db, 'org-b', job.id)).toBe(false);
        expect(await findJob(database.db, 'org-b', job.id)).toBeNull();
        told.length = 0;
        const r = runner();
        r.start('org-a', 'UTC', job.id, (error) => {
          throw error;
        });
        await r.idle();
        expect(told.length).toBe(16);
        expect(told.every((t) => t.org === 'org-a')).toBe(true);
        expect(await findJob(database.db, 'org-a', job.id)).toMatchObject({ status: 'done' });
      });

      it('reads a hostile stored query as the list would, acting on nothing else', async () => {
        told.length = 0;
        const hostile = `status=failed&status=completed&agent=' or 1=1 --&organization=org-b&q=${'%00'.repeat(50)}&after=x`;
        const job = await newJob('org-b', hostile);
        const r = runner();
        r.start('org-b', 'UTC', job.id, (error) => {
          throw error;
        });
        await r.idle();
        const rows = await acted('org-b', job.id);
        expect(rows.map((row) => String(row.id)).sort()).toEqual(await failedRunIds('org-b'));
        expect(told.every((t) => t.org === 'org-b')).toBe(true);
      });
    },
  );
}
