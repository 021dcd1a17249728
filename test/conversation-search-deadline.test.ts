/**
 * The time a search "also in conversations" may take follows the host's deadline: by default
 * CONVERSATION_SEARCH_MS, or 40% of `deadlineMs` when that is less, and a longer
 * `conversationSearchMs` is cut to the same 40% — so a host with `deadlineMs: 500` gets the page
 * saying where the search stopped rather than a 503. The option reaches every reader of
 * conversations: with `conversationSearchMs: 0` the page, its fragment and a live poll each read
 * one chunk of runs, and no more; the CSV, which streams, reads a chunk at a time to the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { DEFAULT_DEADLINE_MS } from '../src/http/deadline.js';
import type { ExecutionsAdminOptions } from '../src/http/options.js';
import { en } from '../src/i18n/en.js';
import { formatDateTime } from '../src/lib/time-zone.js';
import { CONVERSATION_SEARCH_MS, conversationSearchAllowance, SCAN_CHUNK } from '../src/list/conversation-search.js';
import { REFRESH_HEADER } from '../src/list/live-refresh.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { idOfRun, insertManyRuns, startOfRun } from './support/many-runs.js';
import { createTestHost, htmxHeaders, ORG_HEADER, parseDocument, text } from './support/test-host.js';

const LIST = '/admin/executions';
const ORG = 'cut-org';
/** More than a chunk, all inside the search's bound of days. */
const RUNS = 2 * SCAN_CHUNK + 1;
/** Held by a step of the oldest run only, and by a step of the newest run only. */
const OLDEST_TERM = 'zqoldest';
const NEWEST_TERM = 'zqnewest';
/** Held by steps of runs on both sides of each chunk's end: read one chunk at a time, in three. */
const SPREAD_TERM = 'zqspread';
const SPREAD = [1, SCAN_CHUNK - 1, SCAN_CHUNK, SCAN_CHUNK + 1, 2 * SCAN_CHUNK - 1];
const MINUTE = 60_000;

describe('conversationSearchAllowance', () => {
  it('is CONVERSATION_SEARCH_MS, or 40% of a shorter deadline', () => {
    expect(conversationSearchAllowance(DEFAULT_DEADLINE_MS)).toBe(CONVERSATION_SEARCH_MS);
    expect(conversationSearchAllowance(10_000)).toBe(CONVERSATION_SEARCH_MS);
    expect(conversationSearchAllowance(500)).toBe(200);
    expect(conversationSearchAllowance(1_499)).toBe(599);
    expect(conversationSearchAllowance(1_501)).toBe(600);
  });

  it("takes the host's value up to 40% of the deadline, and a value that is no time as none", () => {
    expect(conversationSearchAllowance(500, 0)).toBe(0);
    expect(conversationSearchAllowance(500, 150)).toBe(150);
    expect(conversationSearchAllowance(10_000, 2_000)).toBe(2_000);
    // Longer than the deadline leaves the page: cut, so the page still answers.
    expect(conversationSearchAllowance(500, 5_000)).toBe(200);
    expect(conversationSearchAllowance(DEFAULT_DEADLINE_MS, 1_000)).toBe(600);
    expect(conversationSearchAllowance(500, Infinity)).toBe(200);
    for (const odd of [NaN, -1]) expect(conversationSearchAllowance(500, odd)).toBe(200);
  });
});

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `the conversation search's time within the deadline on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      /** The newest run's start, a minute ago. */
      const newest = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE);
      const startOf = (n: number) => startOfRun(newest, n);

      beforeAll(async () => {
        database = await target.open();
        const marked = { [RUNS - 1]: OLDEST_TERM, 0: NEWEST_TERM, ...Object.fromEntries(SPREAD.map((n) => [n, SPREAD_TERM])) };
        await insertManyRuns(database.db, ORG, { runs: RUNS, newest, marked });
      }, 60_000);
      afterAll(() => database?.dispose());

      const hostOf = (options: Omit<ExecutionsAdminOptions, 'db'>, db: ExecutionsDatabase = database.db) => {
        const app = createTestHost(db, LIST, options);
        return async (path: string, headers: Record<string, string> = {}) => {
          const res = await app.request(path, { headers: { [ORG_HEADER]: ORG, ...headers } });
          return { status: res.status, body: await res.text() };
        };
      };
      const searchOf = (term: string) => `${LIST}?q=${term}&conversations=1`;
      /** A live poll of page 1 of a search, as its poller sends it, since the oldest run. */
      const pollOf = (term: string) => ({
        path: `${searchOf(term)}&since=${startOf(RUNS - 1).toISOString()},${idOfRun(RUNS - 1)}`,
        headers: { ...htmxHeaders, [REFRESH_HEADER]: 'true', 'If-None-Match': '"x"' },
      });
      /** The new-runs notice a poll sends ('' for none). */
      const newRunsIn = (body: string) => text(parseDocument(body).querySelector('#xa-new-runs'));
      const csvLines = (body: string) => body.split('\r\n').filter((line) => line !== '');
      /** What the page says when the time ran out after `chunks` chunks: the last run they read. */
      const cutAfter = (chunks: number) =>
        en.conversationSearchCut(formatDateTime(startOf(chunks * SCAN_CHUNK - 1), 'UTC'), true);

      it('searches every conversation when the time allows: the control', async () => {
        const get = hostOf({ deadlineMs: 30_000, conversationSearchMs: 20_000 });
        const list = parseDocument((await get(searchOf(OLDEST_TERM))).body);
        expect(list.querySelector('#xa-conversations-cut')).toBeNull();
        expect(text(list.querySelector('.xa-total'))).toMatch(/^1 execution total/);
        expect(csvLines((await get(`${LIST}/export.csv?q=${OLDEST_TERM}&conversations=1`)).body)).toHaveLength(2);
        const poll = pollOf(NEWEST_TERM);
        expect(newRunsIn((await get(poll.path, poll.headers)).body)).toBe(en.newRuns(1, '1'));
      }, 60_000);

      it('with conversationSearchMs 0, reads one chunk: the page says where it stopped, and so does a poll', async () => {
        // A deadline no loaded machine passes: what is tested is how far the search reads.
        const get = hostOf({ deadlineMs: 30_000, conversationSearchMs: 0 });
        for (const headers of [{}, htmxHeaders]) {
          const res = await get(searchOf(OLDEST_TERM), headers);
          expect(res.status).toBe(200);
          const page = parseDocument(res.body);
          expect(text(page.querySelector('#xa-conversations-cut'))).toBe(cutAfter(1));
          expect(text(page.querySelector('.xa-total'))).toBe(en.executionsAtLeast(0, '0'));
          // The status region, which a swap updates and a screen reader then speaks, says why.
          expect(text(page.querySelector('#xa-live-total'))).toBe(`${en.executionsAtLeast(0, '0')}. ${cutAfter(1)}`);
          expect(page.querySelector('.xa-empty')).not.toBeNull();
        }
        // So does a poll: the newest run is more than a chunk newer than the oldest.
        const poll = pollOf(NEWEST_TERM);
        const polled = await get(poll.path, poll.headers);
        expect(polled.status).toBe(200);
        expect(newRunsIn(polled.body)).toBe('');
      }, 60_000);

      it('with conversationSearchMs 0, exports every match all the same: the CSV streams, a chunk of runs at a time', async () => {
        const get = hostOf({ deadlineMs: 30_000, conversationSearchMs: 0 });
        /** The Execution ID column of each line after the header. */
        const exported = async (term: string) => {
          const csv = await get(`${LIST}/export.csv?q=${term}&conversations=1`);
          expect(csv.status).toBe(200);
          return csvLines(csv.body)
            .slice(1)
            .map((line) => line.split(',')[6]);
        };
        expect(await exported(OLDEST_TERM)).toEqual([idOfRun(RUNS - 1)]);
        expect(await exported(NEWEST_TERM)).toEqual([idOfRun(0)]);
        expect(await exported(SPREAD_TERM)).toEqual(SPREAD.map(idOfRun));
        // Every run's title holds "run": the conversations found add nothing twice.
        expect(await exported('run')).toEqual(Array.from({ length: RUNS }, (_, n) => idOfRun(n)));
      }, 60_000);
    },
  );
}
