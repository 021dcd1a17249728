/**
 * Organizations spread over several Postgres servers (`db` as a function of the organization), on
 * two real clusters of the test's own: every page, fragment, export and conversation of a request
 * reads the server its organization is routed to, never the other; a server that is down costs
 * only its own organizations (503), and a router that fails answers 500 without a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, type OpenDatabase } from '../src/db/database.js';
import type { DatabaseRouter } from '../src/db/routing.js';
import { recordFinishedRuns, upsertAgent, upsertOrganization, upsertSchedule } from '../src/write/recorder.js';
import { clusterSkipReason, createCluster, type PostgresCluster } from './support/postgres-cluster.js';
import { createTestHost, htmxHeaders, ORG_HEADER } from './support/test-host.js';

const AGENT = '00000000-0000-4000-8000-000000000001';
const SCHEDULE = '00000000-0000-4000-8000-000000000002';
const LIST = '/admin/executions';

/** One run of `org` whose title says which server holds it; returns its conversation id. */
async function record(db: OpenDatabase['db'], org: string, title: string): Promise<string> {
  await upsertOrganization(db, org, { name: org, timeZone: 'UTC' });
  await upsertAgent(db, org, { agentId: AGENT, name: `${org} agent` });
  await upsertSchedule(db, org, { scheduleId: SCHEDULE, agentId: AGENT, name: title, kind: 'cron', expression: '0 9 * * *' });
  const startedAt = new Date('2026-11-30T09:00:00Z');
  const [run] = await recordFinishedRuns(db, org, [
    {
      key: 'run',
      scheduleId: SCHEDULE,
      prompt: 'Post the digest',
      startedAt,
      toolCalls: [],
      outcome: { status: 'failed', errorMessage: `${title} failed` },
      finishedAt: new Date(startedAt.getTime() + 60_000),
      credits: 1,
    },
  ]);
  return run!.conversationId;
}

describe.skipIf(clusterSkipReason !== null)(
  `organizations on two servers${clusterSkipReason ? ` (skipped: ${clusterSkipReason})` : ''}`,
  () => {
    const clusters: PostgresCluster[] = [];
    const databases: OpenDatabase[] = [];
    let southConversation = '';
    let decoyConversation = '';

    beforeAll(async () => {
      for (const _ of [0, 1]) clusters.push(await createCluster());
      for (const cluster of clusters) {
        const database = connectPostgres(cluster.url());
        await database.migrate();
        databases.push(database);
      }
      await record(databases[0]!.db, 'north', 'North digest');
      southConversation = await record(databases[1]!.db, 'south', 'South digest');
      // South's id on the north server too, as a stale copy or a clash would leave it: never to be read.
      decoyConversation = await record(databases[0]!.db, 'south', 'Decoy on the wrong server');
    }, 120_000);

    afterAll(async () => {
      for (const database of databases) await database.close();
      for (const cluster of clusters) await cluster.dispose();
    });

    const router: DatabaseRouter = async (organizationId) => databases[organizationId === 'north' ? 0 : 1]!.db;
    const get = (app: ReturnType<typeof createTestHost>, org: string, path: string, headers: Record<string, string> = {}) =>
      app.request(path, { headers: { [ORG_HEADER]: org, ...headers } });

    it('reads each organization from its own server, in every response', async () => {
      const app = createTestHost(router);
      for (const [org, own, other] of [
        ['north', 'North digest', 'South digest'],
        ['south', 'South digest', 'North digest'],
      ] as const) {
        for (const path of [LIST, `${LIST}/failures`, `${LIST}/export.csv`]) {
          const res = await get(app, org, path);
          const body = await res.text();
          expect(res.status, `${org} ${path}`).toBe(200);
          expect(body, `${org} ${path}`).toContain(own);
          expect(body, `${org} ${path}`).not.toContain(other);
          expect(body, `${org} ${path}`).not.toContain('Decoy');
        }
        const fragment = await (await get(app, org, `${LIST}?status=failed`, htmxHeaders)).text();
        expect(fragment).toContain(own);
        expect(fragment).not.toContain('Decoy');
      }
      const conversation = await get(app, 'south', `${LIST}/conversations/${southConversation}`);
      expect(conversation.status).toBe(200);
      expect(await conversation.text()).toContain('South digest failed');
      // The decoy exists only on the server south is not routed to.
      expect((await get(app, 'south', `${LIST}/conversations/${decoyConversation}`)).status).toBe(404);
      expect((await get(app, 'south', `${LIST}/conversations/${decoyConversation}/error`)).status).toBe(404);
    });

    it('takes connection strings from the router, one pool each', async () => {
      const asked: string[] = [];
      const app = createTestHost((organizationId) => {
        asked.push(organizationId);
        return clusters[organizationId === 'north' ? 0 : 1]!.url();
      });
      for (let i = 0; i < 3; i += 1) {
        expect(await (await get(app, 'north', LIST)).text()).toContain('North digest');
        const south = await (await get(app, 'south', LIST)).text();
        expect(south).toContain('South digest');
        expect(south).not.toContain('Decoy');
      }
      expect(asked.filter((id) => id === 'north')).toHaveLength(3);
    });

    it('a router that throws or names nothing answers 500, with no stack trace', async () => {
      const reported: unknown[] = [];
      const app = createTestHost(
        (organizationId) => {
          if (organizationId === 'north') throw new Error('no such shard: north');
          return undefined as unknown as string;
        },
        LIST,
        { onError: (error) => void reported.push(error) },
      );
      for (const org of ['north', 'south']) {
        const res = await get(app, org, LIST);
        expect(res.status).toBe(500);
        const body = await res.text();
        expect(body).not.toContain('no such shard');
        expect(body).not.toMatch(/at .*\.ts:\d+/);
      }
      expect(reported).toHaveLength(2);
    });

    it('a server that is down costs only its own organizations', async () => {
      const app = createTestHost(router, LIST, { onError: () => {} });
      await clusters[1]!.stop();
      try {
        const south = await get(app, 'south', LIST);
        expect(south.status).toBe(503);
        expect(south.headers.get('Retry-After')).not.toBeNull();
        const north = await get(app, 'north', LIST);
        expect(north.status).toBe(200);
        expect(await north.text()).toContain('North digest');
      } finally {
        await clusters[1]!.start();
      }
      await expect.poll(async () => (await get(app, 'south', LIST)).status, { timeout: 15_000, interval: 250 }).toBe(200);
    });
  },
);
