/**
 * Which plan a search's sorted page gets from its count (search-plan.ts, sorted-plan.ts), on data
 * shaped against the walk: the newest runs, a burst of them, do not hold the term, the older ones
 * do. A term the walk finds rare but its index finds more than COUNT_BOUND times is not rare: its
 * sorted page walks the sort's order, which finds a page quickly, instead of reading and sorting
 * every match (which took 0.85–1.5 s at 270,000 matches in `npm run bench:read-write`). A term
 * rare everywhere keeps its exact count and is read by its index. (Within a date range a sorted page
 * is read by weeks, and the matches are read by the index however many: test/sorted-plan.test.ts.)
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filtersFor } from '../src/list/filter-set.js';
import { DEFAULT_QUERY } from '../src/list/query.js';
import { COUNT_WALK, RARE_MATCHES, searchSummary } from '../src/list/search-plan.js';
import { sortedSearchPlan } from '../src/list/sorted-plan.js';
import { COUNT_BOUND } from '../src/list/summary-query.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { insertManyRuns } from './support/many-runs.js';

const NEWEST = new Date('2026-11-30T12:00:00Z');
/** The newest runs, none holding a term: more than the count's walk reads. */
const BURST = COUNT_WALK + 100;
const FREQUENT = 'zqfrequent';
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
      // Older than the burst: COUNT_BOUND + 200 runs titled with the frequent term, then a few with the rare one.
      const frequentEnd = BURST + COUNT_BOUND + 200;
      await insertManyRuns(database.db, ORG, {
        runs: frequentEnd + RARE_RUNS,
        newest: NEWEST,
        marked: {},
        title: sql.raw(
          `case when n < ${BURST} then 'nightly run' when n < ${frequentEnd} then 'run ${FREQUENT}' else 'run ${RARE}' end`,
        ),
      });
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
  });
}
