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
import { DEFAULT_ADMISSION } from '../src/http/options.js';
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
const MONTHLY_FAILURES = 'xa_execution_failure_monthly_counts';
const YEARLY_FAILURES = 'xa_execution_failure_yearly_counts';
const COUNT_TABLES = [DAILY, BY_STATUS, MONTHLY, ORG_DAILY, ORG_MONTHLY, FAILURES, MONTHLY_FAILURES, YEARLY_FAILURES];
const POOL_SIZE = 10;
const DEFAULT_LIST_SHARE = DEFAULT_ADMISSION.lists.concurrent;
/** How long the conversation page and a write each get while the lists are stalled. */
const WINDOW_MS = 1_000;
/** The module's deadline while flooded: longer than both windows and the wait for the lists to stall. */
const STALL_MS = 15_000;

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
  // The kinds ranked by their own counts (all time, by month, by year), then the page's kinds' agents from the monthly counts.
  { path: `${LIST}/failures`, reads: [FAILURES, MONTHLY] },
  { path: `${LIST}/failures?status=failed&spikes=1`, reads: [FAILURES, MONTHLY] },
  { path: `${LIST}/failures?agent=${AGENT.sales}`, reads: [MONTHLY] },
  { path: `${LIST}/failures?start=2026-03-01&end=2026-03-31`, reads: [MONTHLY_FAILURES, MONTHLY] },
  { path: `${LIST}/failures?start=2026-01-01&end=2026-12-31&spikes=1`, reads: [YEARLY_FAILURES, MONTHLY] },
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
      pool = connectPostgres(database.url!, { max: POOL_SIZE });
      // Each page once unlocked, so that a 503 below is the lock's, not a cold pool's or planner's
      // on a busy machine (CI saw every list page miss a 400 ms deadline on the first lock).
      const get = host();
      for (const { path } of PAGES) expect((await get(path)).status).toBe(200);
    });
    afterAll(async () => {
      await pool?.close();
      await database?.dispose();
    });

    const host = (options: Omit<ExecutionsAdminOptions, 'db'> = {}, on: OpenDatabase = pool) => {
      const app = createTestHost(on.db, LIST, options);
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

    /**
     * Resolves once at least `count` of the pool's sessions wait on a lock. A fixed delay was too
     * short on a loaded machine: the lists had not all reached the pool, and the conversation page
     * took a connection before them.
     */
    async function sessionsWaitingOnLocks(count: number) {
      const observer = postgres(database.url!, { max: 1, onnotice: () => {} });
      try {
        await expect
          .poll(
            async () => {
              const [row] = await observer<{ waiting: number }[]>`
                select count(*)::int as waiting from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'`;
              return row!.waiting;
            },
            { interval: 20, timeout: 1_800 },
          )
          .toBeGreaterThanOrEqual(count);
      } finally {
        await observer.end();
      }
    }

    /** Resolves to the milliseconds `work` took, or Infinity if it had not settled within `WINDOW_MS`. */
    function within(work: unknown, started: number) {
      const done = Promise.resolve(work).then(
        () => performance.now() - started,
        () => Infinity,
      );
      return Promise.race([done, new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), WINDOW_MS))]);
    }

    /**
     * Twenty lists stalled behind locked count tables; then, within `WINDOW_MS`, the conversation
     * page and a write on the same pool. The module's deadline and the pool's statement timeout are
     * far past that window, so that the lists hold what they took for all of it: with the defaults'
     * 1.5 s and 2 s, their connections came free mid-window on a loaded machine, and a write
     * "starved" went through.
     */
    async function flood(options: Omit<ExecutionsAdminOptions, 'db'>, stalledSessions: number) {
      const flooded = connectPostgres(database.url!, { max: POOL_SIZE, statementTimeout: STALL_MS });
      const get = host({ ...options, deadlineMs: STALL_MS }, flooded);
      const release = await lockTables(database.url!, COUNT_TABLES);
      try {
        const stalled = Array.from({ length: 20 }, () => get(LIST));
        // Until the lists hold what connections they can: the whole pool without the share, the share with it.
        await sessionsWaitingOnLocks(stalledSessions);
        const started = performance.now();
        const conversation = get(CONVERSATION);
        const conversationMs = await within(conversation, started);
        const write = upsertAgent(flooded.db, ORG_A, {
          agentId: '00000000-0000-4000-8001-0000000000aa',
          name: 'Written meanwhile',
        });
        const writeMs = await within(write, performance.now());
        await release();
        // Once the lock goes, everything answers: nothing waited past the deadline, nothing failed.
        const lists = await Promise.all(stalled.map(async (response) => (await response).status));
        await write;
        return { conversation: (await conversation).status, conversationMs, writeMs, lists };
      } catch (error) {
        await release();
        throw error;
      } finally {
        await flooded.close();
      }
    }

    it('keeps the conversation page and writes going while twenty list requests are stalled', async () => {
      const { conversation, conversationMs, writeMs, lists } = await flood({}, DEFAULT_LIST_SHARE);
      expect(conversationMs).toBeLessThan(WINDOW_MS);
      expect(writeMs).toBeLessThan(WINDOW_MS);
      expect(conversation).toBe(200);
      expect(lists).toEqual(lists.map(() => 200));
    });

    it('starves both without the list’s share, which is what the share prevents', async () => {
      const { conversation, conversationMs, writeMs, lists } = await flood(
        { admission: { lists: { concurrent: 100, queued: 100 } } },
        POOL_SIZE,
      );
      expect(conversationMs).toBe(Infinity);
      expect(writeMs).toBe(Infinity);
      // Starved, not failed: each answers once the lists let go of the pool.
      expect(conversation).toBe(200);
      expect(lists).toEqual(lists.map(() => 200));
    });
  },
);
