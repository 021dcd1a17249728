/**
 * A read replica (`readDb`) on a real streaming replica of a primary, both clusters of the test's
 * own: the list, its fragments, the digest and the CSV read the replica, the conversation page the
 * primary; a replica whose replay is paused keeps newer runs out of the list, which says how far
 * behind it is once past 5 s (an idle primary is not "behind"); a replica that is down leaves the
 * primary to answer, at once.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, type OpenDatabase } from '../src/db/database.js';
import { recordFinishedRuns, upsertAgent, upsertOrganization, upsertSchedule } from '../src/write/recorder.js';
import { clusterSkipReason, createCluster, createReplica, type PostgresCluster } from './support/postgres-cluster.js';
import { createTestHost, htmxHeaders, ORG_HEADER } from './support/test-host.js';

const ORG = 'acme';
const AGENT = '00000000-0000-4000-8000-000000000001';
const LIST = '/admin/executions';
const BEHIND = /Runs recorded in the last [^<]+ may not be shown yet\./;

let scheduleCount = 0;
/** A failed run whose schedule (and so title and error) is `title`; returns its conversation id. */
async function record(db: OpenDatabase['db'], title: string): Promise<string> {
  const scheduleId = `00000000-0000-4000-8000-${String(++scheduleCount).padStart(12, '0')}`;
  await upsertSchedule(db, ORG, { scheduleId, agentId: AGENT, name: title, kind: 'cron', expression: '0 9 * * *' });
  const startedAt = new Date(Date.now() - 60_000);
  const [run] = await recordFinishedRuns(db, ORG, [
    {
      key: title,
      scheduleId,
      prompt: 'Post the digest',
      startedAt,
      toolCalls: [],
      outcome: { status: 'failed', errorMessage: `${title} failed` },
      finishedAt: new Date(startedAt.getTime() + 1000),
      credits: 1,
    },
  ]);
  return run!.conversationId;
}

describe.skipIf(clusterSkipReason !== null)(
  `a read replica${clusterSkipReason ? ` (skipped: ${clusterSkipReason})` : ''}`,
  () => {
    let primaryCluster: PostgresCluster;
    let replicaCluster: PostgresCluster;
    let primary: OpenDatabase;
    let replica: OpenDatabase;
    let app: ReturnType<typeof createTestHost>;

    const get = async (path: string, headers: Record<string, string> = {}) => {
      const started = performance.now();
      const res = await app.request(path, { headers: { [ORG_HEADER]: ORG, ...headers } });
      return { status: res.status, body: await res.text(), ms: performance.now() - started };
    };
    const caughtUp = () =>
      expect.poll(async () => (await get(LIST)).body, { timeout: 20_000, interval: 200 }).not.toMatch(BEHIND);

    beforeAll(async () => {
      primaryCluster = await createCluster();
      primary = connectPostgres(primaryCluster.url());
      await primary.migrate();
      await upsertOrganization(primary.db, ORG, { name: 'Acme', timeZone: 'UTC' });
      await upsertAgent(primary.db, ORG, { agentId: AGENT, name: 'Reporter' });
      await record(primary.db, 'Recorded before the copy');
      replicaCluster = await createReplica(primaryCluster);
      replica = connectPostgres(replicaCluster.url());
      app = createTestHost(primary.db, LIST, { readDb: replica.db, onError: () => {} });
    }, 120_000);

    afterAll(async () => {
      await replica?.close();
      await primary?.close();
      await replicaCluster?.dispose();
      await primaryCluster?.dispose();
    });

    it('reads the list, digest and CSV from the replica, which says nothing while it keeps up', async () => {
      const written = await record(primary.db, 'Recorded while streaming');
      await expect
        .poll(async () => (await get(LIST)).body, { timeout: 20_000, interval: 200 })
        .toContain('Recorded while streaming');
      // The primary has been idle since: the replica's last replayed commit grows old, but it is not behind.
      await new Promise((resolve) => setTimeout(resolve, 5500));
      const list = await get(LIST);
      expect(list.status).toBe(200);
      expect(list.body).not.toMatch(BEHIND);
      expect((await get(`${LIST}/failures`)).body).not.toMatch(BEHIND);
      expect((await get(`${LIST}/conversations/${written}`)).status).toBe(200);
    });

    it('a replica behind by more than 5 s keeps newer runs out and says so; the conversation page reads the primary', async () => {
      await replica.db.execute(sql`select pg_wal_replay_pause()`);
      try {
        const written = await record(primary.db, 'Recorded while paused');
        await expect.poll(async () => (await get(LIST)).body, { timeout: 20_000, interval: 250 }).toMatch(BEHIND);
        for (const [path, headers] of [
          [LIST, {}],
          [`${LIST}?status=failed`, htmxHeaders],
        ] as const) {
          const res = await get(path, headers);
          expect(res.body, path).toMatch(BEHIND);
          expect(res.body, path).not.toContain('Recorded while paused');
          expect(res.body, path).toContain('Recorded while streaming');
        }
        const digest = (await get(`${LIST}/failures`)).body;
        expect(digest).toMatch(BEHIND);
        expect(digest).not.toContain('Recorded while paused');
        expect((await get(`${LIST}/export.csv`)).body).not.toContain('Recorded while paused');
        const conversation = await get(`${LIST}/conversations/${written}`);
        expect(conversation.status).toBe(200);
        expect(conversation.body).toContain('Recorded while paused failed');
      } finally {
        await replica.db.execute(sql`select pg_wal_replay_resume()`);
      }
      await caughtUp();
      expect((await get(LIST)).body).toContain('Recorded while paused');
    });

    it('a replica that is down leaves the primary to answer at once, and is read again when it is back', async () => {
      await replicaCluster.stop();
      try {
        await record(primary.db, 'Recorded while the replica is down');
        await new Promise((resolve) => setTimeout(resolve, 1100)); // the replica's last state expires
        for (const path of [LIST, `${LIST}/failures`, `${LIST}/export.csv`]) {
          const res = await get(path);
          expect(res.status, path).toBe(200);
          expect(res.body, path).toContain('Recorded while the replica is down');
          expect(res.body, path).not.toMatch(BEHIND);
          expect(res.ms, path).toBeLessThan(1000);
        }
      } finally {
        await replicaCluster.start();
      }
      await replica.db.execute(sql`select pg_wal_replay_pause()`);
      try {
        await record(primary.db, 'Recorded after the replica came back');
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expect((await get(LIST)).body).not.toContain('Recorded after the replica came back');
      } finally {
        await replica.db.execute(sql`select pg_wal_replay_resume()`);
      }
    });
  },
);
