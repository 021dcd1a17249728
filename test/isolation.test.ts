/**
 * One slow table or one flood of requests stalls only what depends on it, on real Postgres (PGlite
 * has one connection, so nothing there can wait on another session's lock):
 * - each count table locked in turn, the pages that do not sum it still answer 200 — the
 *   conversation page reads none — and those that do answer 503 at their deadline;
 * - twenty list requests stalled behind a lock hold only the list's share of the pool: the
 *   conversation page still answers and a write on the same pool still goes through. Without
 *   the shares, the same flood starves both.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, type OpenDatabase } from '../src/db/database.js';
import type { ExecutionsAdminOptions } from '../src/http/executions-admin.js';
import { upsertAgent } from '../src/write/recorder.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { AGENT, fixtureRuns, insertFixture, ORG_A } from './support/fixture.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const target = databaseTargets.find((t) => t.name === 'postgres')!;
const LIST = '/admin/executions';
const CONVERSATION = `${LIST}/conversations/${fixtureRuns()[1]!.conversationId}`;
const DAILY = 'xa_execution_daily_counts';
const BY_STATUS = 'xa_execution_status_counts';
const MONTHLY = 'xa_execution_monthly_counts';
const ORG_DAILY = 'xa_execution_org_daily_counts';
const ORG_MONTHLY = 'xa_execution_org_monthly_counts';
const FAILURES = 'xa_execution_failure_counts';
const COUNT_TABLES = [DAILY, BY_STATUS, MONTHLY, ORG_DAILY, ORG_MONTHLY, FAILURES];

/**
 * Pages and the count tables each sums (dates fixed, so that the chart's unit is too; four years
 * to come give month bars, where the fixture's runs, all of a few days, give days).
 */
const PAGES: { path: string; reads: string[] }[] = [
  { path: CONVERSATION, reads: [] },
  { path: LIST, reads: [ORG_DAILY] },
  { path: `${LIST}?start=2027-01-01&end=2030-12-31`, reads: [ORG_MONTHLY] },
  { path: `${LIST}?start=2026-03-01&end=2026-03-20`, reads: [ORG_DAILY] },
  { path: `${LIST}?start=2026-03-01&end=2026-03-20&spikes=1`, reads: [ORG_DAILY] },
  { path: `${LIST}?agent=${AGENT.sales}&start=2026-03-01&end=2026-03-20`, reads: [BY_STATUS] },
  { path: `${LIST}?agent=${AGENT.sales}&start=2026-03-01&end=2026-03-20&spikes=1`, reads: [DAILY] },
  { path: `${LIST}?agent=${AGENT.sales}&start=2027-01-01&end=2030-12-31`, reads: [MONTHLY] },
  // The kinds ranked by their own counts, then the page's kinds' agents from the monthly counts.
  { path: `${LIST}/failures`, reads: [FAILURES, MONTHLY] },
  { path: `${LIST}/failures?status=failed&spikes=1`, reads: [FAILURES, MONTHLY] },
  { path: `${LIST}/failures?agent=${AGENT.sales}`, reads: [MONTHLY] },
  { path: `${LIST}/failures?start=2026-03-01&end=2026-03-31`, reads: [MONTHLY] },
  { path: `${LIST}/failures?start=2026-03-02&end=2026-03-20`, reads: [DAILY] },
];

/** Holds ACCESS EXCLUSIVE locks on `tables` in a session of its own until released. */
async function lockTables(url: string, tables: string[]) {
  const session = postgres(url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holding = session.begin(async (tx) => {
    for (const table of tables) await tx.unsafe(`lock table executions_admin.${table} in access exclusive mode`);
    locked();
    await released;
  });
  await isLocked;
  return async () => {
    release();
    await holding;
    await session.end();
  };
}

describe.skipIf(target.skipReason !== null)(
  `isolation on postgres${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
  () => {
    let database: TestDatabase;
    let pool: OpenDatabase;

    beforeAll(async () => {
      database = await target.open();
      await insertFixture(database.db);
      // The module on a pool of its own, as a host would give it: ten connections.
      pool = connectPostgres(database.url!, { max: 10 });
      // Each page once unlocked, so that a 503 below is the lock's, not a cold pool's or planner's
      // on a busy machine (CI saw every list page miss a 400 ms deadline on the first lock).
      const get = host();
      for (const { path } of PAGES) expect((await get(path)).status).toBe(200);
    });
    afterAll(async () => {
      await pool?.close();
      await database?.dispose();
    });

    const host = (options: Omit<ExecutionsAdminOptions, 'db'> = {}) => {
      const app = createTestHost(pool.db, LIST, options);
      return (path: string) => app.request(path, { headers: { [ORG_HEADER]: ORG_A } });
    };

    it.each(COUNT_TABLES)('answers every page that does not sum %s while it is locked', async (table) => {
      // A short deadline, so that the pages waiting on the lock answer 503 soon, yet long enough
      // for the others on a busy 2-core machine.
      const get = host({ deadlineMs: 1_500 });
      const release = await lockTables(database.url!, [table]);
      try {
        // One at a time: four pages sum the organization's daily counts, which at once would hold
        // the list's whole share of the pool and leave the others waiting for a connection.
        const statuses: number[] = [];
        for (const { path } of PAGES) statuses.push((await get(path)).status);
        expect(statuses).toEqual(PAGES.map(({ reads }) => (reads.includes(table) ? 503 : 200)));
      } finally {
        await release();
      }
    });

    async function flood(options: Omit<ExecutionsAdminOptions, 'db'>) {
      const get = host(options);
      const release = await lockTables(database.url!, COUNT_TABLES);
      try {
        const stalled = Array.from({ length: 20 }, () => get(LIST));
        // Let the stalled requests take what connections they can.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const started = performance.now();
        const conversation = await get(CONVERSATION);
        const conversationMs = performance.now() - started;
        const write = upsertAgent(pool.db, ORG_A, {
          agentId: '00000000-0000-4000-8001-0000000000aa',
          name: 'Written meanwhile',
        }).then(
          () => performance.now() - started,
          () => Infinity,
        );
        const writeMs = await Promise.race([write, new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), 1_000))]);
        await release();
        const lists = await Promise.all(stalled.map(async (response) => (await response).status));
        return { conversation: conversation.status, conversationMs, writeMs, lists, settled: write };
      } catch (error) {
        await release();
        throw error;
      }
    }

    it('keeps the conversation page and writes going while twenty list requests are stalled', async () => {
      const { conversation, conversationMs, writeMs, lists } = await flood({});
      expect(conversation).toBe(200);
      expect(conversationMs).toBeLessThan(1_000);
      expect(writeMs).toBeLessThan(1_000);
      // Answered once the lock went, or unavailable past their deadline: never an error.
      expect(lists.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    });

    it('starves both without the list’s share, which is what the share prevents', async () => {
      const { conversation, writeMs, settled } = await flood({ admission: { lists: { concurrent: 100, queued: 100 } } });
      expect(conversation).toBe(503);
      expect(writeMs).toBe(Infinity);
      await settled;
    });
  },
);
