/**
 * Which plan a search's page gets from its count (search-plan.ts, sorted-plan.ts), on data shaped
 * against the walk: the newest runs, a burst of them, do not hold the term, the older ones do. A
 * term the walk finds rare but its index finds more than COUNT_BOUND times is not rare: its sorted
 * page walks the sort's order, which finds a page quickly, instead of reading and sorting every
 * match (which took 0.85–1.5 s at 270,000 matches in `npm run bench:read-write`), and its page
 * newest first walks on past the burst. A term rare everywhere keeps its exact count and is read by
 * its index. (Within a date range a sorted page is read by weeks, and the matches are read by the
 * index however many: test/sorted-plan.test.ts.)
 */
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filtersFor } from '../src/list/filter-set.js';
import { listExecutions, type PageRequest } from '../src/list/page-query.js';
import { DEFAULT_QUERY } from '../src/list/query.js';
import { PAGE_SIZE } from '../src/list/query.js';
import { COUNT_WALK, FAR_WALK, PAGE_WALK, RARE_MATCHES, searchPage, searchSummary } from '../src/list/search-plan.js';
import type { ListSort } from '../src/list/sort.js';
import { sortedSearchPlan } from '../src/list/sorted-plan.js';
import { COUNT_BOUND } from '../src/list/summary-query.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { insertManyRuns } from './support/many-runs.js';
import { select } from './support/select.js';

const NEWEST = new Date('2026-11-30T12:00:00Z');
/** The newest runs, none holding a term: more than the count's walk reads. */
const BURST = COUNT_WALK + 100;
const FREQUENT = 'zqfrequent';
/** Runs with the frequent term, older than the burst: twice what the walks past the burst read. */
const FREQUENT_RUNS = 2 * (PAGE_WALK + BURST);
const RARE = 'zqrare';
const RARE_RUNS = RARE_MATCHES - 5;

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(`a search's plan after a burst of runs without its term, on ${target.name}`, () => {
    let database: TestDatabase;
    const ORG = 'search-plan-org';
    const summaryOf = (term: string) =>
      searchSummary(database.db, ORG, filtersFor({ ...DEFAULT_QUERY, search: term }, 'UTC'), 'month');

    beforeAll(async () => {
      database = await target.open();
      // Older than the burst: runs titled with the frequent term, then a few with the rare one.
      const frequentEnd = BURST + FREQUENT_RUNS;
      // Triggers off and no statement timeout: counting these runs row by row took longer than the
      // module's 2 s on Postgres, and a search reads no count table.
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(sql`set local statement_timeout = 0`);
        await insertManyRuns(tx, ORG, {
          runs: frequentEnd + RARE_RUNS,
          newest: NEWEST,
          marked: {},
          title: sql.raw(
            `case when n < ${BURST} then 'nightly run' when n < ${frequentEnd} then 'run ${FREQUENT}' else 'run ${RARE}' end`,
          ),
        });
        // Credits as the run's number: fewest first, the burst comes first in that order too.
        await tx.execute(
          sql`update executions_admin.xa_executions set credits = extract(epoch from ${NEWEST.toISOString()}::timestamptz - started_at) / 60
            where organization_id = ${ORG}`,
        );
      });
      // Settled, as an organization's older runs are: the walks' ends are read from the index alone.
      await database.db.execute(sql`vacuum analyze executions_admin.xa_executions`);
    });
    afterAll(() => database?.dispose());

    it('walks a sorted page of a term its index finds more than COUNT_BOUND times', async () => {
      const summary = await summaryOf(FREQUENT);
      expect(summary).toMatchObject({ total: COUNT_BOUND, lowerBound: 'moreThan' });
      expect(summary.rareTerm).not.toBe(true);
      expect(sortedSearchPlan(summary)).toBe('indexed');
    });

    it('reads a sorted page of a term rare everywhere by its index, counted exactly', async () => {
      const summary = await summaryOf(RARE);
      expect(summary).toMatchObject({ total: RARE_RUNS, lowerBound: null, rareTerm: true });
      expect(sortedSearchPlan(summary)).toBe('matched');
    });

    it('walks past the burst for a page newest first of a term its index finds often, not reading every match', async () => {
      expect(BURST).toBeGreaterThan(PAGE_WALK);
      expect(BURST + PAGE_SIZE).toBeLessThan(FAR_WALK);
      const filters = filtersFor({ ...DEFAULT_QUERY, search: FREQUENT }, 'UTC');
      const plan = sortedSearchPlan(await summaryOf(FREQUENT));
      // Runs the page's statements read from the runs table, by scans of the table or of an index, as
      // Postgres counts them: on one connection, its statistics flushed before and after.
      const connection = database.url ? postgres(database.url, { max: 1, onnotice: () => {} }) : null;
      const db = connection ? drizzle(connection) : database.db;
      const runsRead = async () => {
        await db.execute(sql`select pg_stat_force_next_flush()`);
        const [row] = await select(
          db,
          sql`select seq_tup_read + coalesce(idx_tup_fetch, 0) as n from pg_stat_user_tables where relid = 'executions_admin.xa_executions'::regclass`,
        );
        return Number(row!.n);
      };
      const before = await runsRead();
      const rows = await searchPage(db, ORG, filters, { kind: 'offset', offset: 0, limit: PAGE_SIZE }, [], async () => plan);
      const read = (await runsRead()) - before;
      await connection?.end();
      // Runs n = BURST… hold the term, newest first (run n started n minutes before the newest).
      expect(rows.map((row) => row.scheduleTitle)).toEqual(Array(PAGE_SIZE).fill(`run ${FREQUENT}`));
      expect(rows.map((row) => row.startedAt.getTime())).toEqual(
        Array.from({ length: PAGE_SIZE }, (_, i) => NEWEST.getTime() - (BURST + i) * 60_000),
      );
      // The two walks' runs, not every run holding the term, as a read of its matches would.
      expect(read).toBeGreaterThan(BURST);
      expect(read).toBeLessThan(FREQUENT_RUNS);
    });

    it('stops a walk at its depth where every run ties on the sort key, reading little of the order’s index', async () => {
      // No run here has finished: every duration ties, so the order is by start, newest first, and
      // the burst, longer than the walk, holds no match. A walk bounded by a comparison with the run
      // at its end read on through the tie, to the index's end, on Postgres 15 (172 of 173 blocks;
      // PGlite's Postgres 17 stopped there: 35); by its LIMIT, 36 on both.
      const sort: ListSort = { key: 'duration', descending: true };
      const filters = filtersFor({ ...DEFAULT_QUERY, search: FREQUENT }, 'UTC');
      const connection = database.url ? postgres(database.url, { max: 1, onnotice: () => {} }) : null;
      const db = connection ? drizzle(connection) : database.db;
      const index = 'xa_executions_org_duration_desc_key_idx';
      const blocks = async () => {
        await db.execute(sql`select pg_stat_force_next_flush()`);
        const [row] = await select(
          db,
          sql`select idx_blks_hit + idx_blks_read as n, pg_relation_size(indexrelid) / current_setting('block_size')::int as size
                from pg_statio_user_indexes where indexrelname = ${index}`,
        );
        return { read: Number(row!.n), size: Number(row!.size) };
      };
      const before = await blocks();
      const rows = await listExecutions(
        db,
        ORG,
        filters,
        { kind: 'offset', offset: 0, limit: PAGE_SIZE, sort },
        [],
        'walked',
        PAGE_WALK,
      );
      const after = await blocks();
      await connection?.end();
      expect(rows).toEqual([]);
      expect(BURST).toBeGreaterThan(PAGE_WALK);
      expect(after.read - before.read, `of the index's ${after.size} blocks`).toBeLessThan(after.size / 3);
    });

    it('walks on past the burst in another order too, each walk bounded by the run at its end, by cursor both ways', async () => {
      const sort: ListSort = { key: 'credits', descending: false };
      const filters = filtersFor({ ...DEFAULT_QUERY, search: FREQUENT }, 'UTC');
      const plan = sortedSearchPlan(await summaryOf(FREQUENT));
      const read = (page: PageRequest) => searchPage(database.db, ORG, filters, { ...page, sort }, [], async () => plan);
      const runs = (from: number) => Array.from({ length: PAGE_SIZE }, (_, i) => from + i);
      const first = await read({ kind: 'offset', offset: 0, limit: PAGE_SIZE });
      expect(first.map((row) => row.credits)).toEqual(runs(BURST));
      // From a cursor the first walk fills the page, up to the run PAGE_WALK further on, and no further.
      const next = await read({ kind: 'after', cursor: first.at(-1)!.cursor, limit: PAGE_SIZE });
      expect(next.map((row) => row.credits)).toEqual(runs(BURST + PAGE_SIZE));
      const back = await read({ kind: 'before', cursor: next[0]!.cursor, limit: PAGE_SIZE });
      expect(back.map((row) => row.id)).toEqual(first.map((row) => row.id));
    });
  });
}
