/**
 * The benchmark's smoke, small enough for CI (50,000 runs on real Postgres): no page or count
 * query plans a sequential scan on the runs table, a filter with any sort reads no run outside
 * it, and a deep page reached by the arrows' keyset costs no more than five times the
 * first page; the CSV export streams batch by batch.
 */
import { sql as drizzleSql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_ORGANIZATION, BENCH_TIME_ZONE, benchAgentId, seedLarge } from '../bench/seed-large.js';
import { filtersFor } from '../src/list/filter-set.js';
import { DEFAULT_QUERY, PAGE_SIZE, type ExecutionQuery } from '../src/list/query.js';
import { batchBoundariesQuery, csvLinesQuery } from '../src/csv/repository.js';
import { listExecutions, listExecutionsQuery, pageWithSummaryQuery, type PageRequest } from '../src/list/page-query.js';
import { SORT_KEYS } from '../src/list/sort.js';
import { STATUS_ORDER } from '../src/list/status.js';
import { summarizeExecutionsQuery } from '../src/list/summary-query.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const ROWS = 50_000;
const target = databaseTargets.find((t) => t.name === 'postgres')!;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const seqScans = (node: PlanNode): string[] => [
  ...(node['Node Type'] === 'Seq Scan' ? [node['Relation Name'] ?? '?'] : []),
  ...(node.Plans ?? []).flatMap(seqScans),
];

/** The runs a plan read from the runs table: those it kept and those its filters threw away. */
const runsRead = (node: PlanNode): number =>
  (node['Relation Name'] === 'xa_executions' ? (node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) : 0) +
  (node.Plans ?? []).reduce((sum, child) => sum + runsRead(child), 0);

describe.skipIf(target.skipReason !== null)(
  `bench smoke on postgres${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
  () => {
    let database: TestDatabase;
    let sql: postgres.Sql;

    beforeAll(async () => {
      database = await target.open();
      await seedLarge(database.url!, ROWS, { quiet: true });
      sql = postgres(database.url!, { max: 1 });
    }, 300_000);
    afterAll(async () => {
      await sql?.end();
      await database?.dispose();
    });

    const agent = benchAgentId(3);
    const filterSets: [string, Partial<ExecutionQuery>][] = [
      ['no filter', {}],
      ['status', { status: 'failed' }],
      ['agent', { agentId: agent }],
      ['dates', { startDate: '2026-06-01', endDate: '2026-06-30' }],
      ['all together', { agentId: agent, status: 'completed', startDate: '2026-06-01', endDate: '2026-06-30' }],
      ['credit spikes', { spikesOnly: true }],
      ['one failure', { status: 'failed', failure: { tool: 'hubspot', signature: 'hubspot: request timed out after <n> ms' } }],
    ];

    const plan = async (query: { toSQL(): { sql: string; params: unknown[] } }) => {
      const { sql: text, params } = query.toSQL();
      const [row] = await sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `explain (format json) ${text}`,
        params as never[],
      );
      return row!['QUERY PLAN'][0].Plan;
    };

    it.each(filterSets)('plans no sequential scan on the runs table: %s', async (_, q) => {
      const filters = filtersFor({ ...DEFAULT_QUERY, ...q }, BENCH_TIME_ZONE);
      const cursor = { startedAt: '2026-06-15T00:00:00.000000Z', id: agent };
      const pages: PageRequest[] = [
        { kind: 'offset', offset: 0, limit: PAGE_SIZE },
        { kind: 'after', cursor, limit: PAGE_SIZE },
        { kind: 'before', cursor, limit: PAGE_SIZE },
        { kind: 'fromEnd', offset: 0, limit: PAGE_SIZE },
      ];
      for (const page of pages) {
        expect(seqScans(await plan(listExecutionsQuery(database.db, BENCH_ORGANIZATION, filters, page)))).not.toContain(
          'xa_executions',
        );
        expect(seqScans(await plan(pageWithSummaryQuery(database.db, BENCH_ORGANIZATION, filters, 'month', page)))).not.toContain(
          'xa_executions',
        );
      }
      expect(seqScans(await plan(summarizeExecutionsQuery(database.db, BENCH_ORGANIZATION, filters, 'month')))).not.toContain(
        'xa_executions',
      );
      // The CSV export's: where its batches begin and end, and a batch between two runs.
      for (const after of [null, cursor]) {
        expect(
          seqScans(await plan(batchBoundariesQuery(database.db, BENCH_ORGANIZATION, filters, after, 10_000, 20))),
        ).not.toContain('xa_executions');
      }
      const range = { after: cursor, through: { startedAt: '2026-06-14T00:00:00.000000Z', id: agent }, newest: cursor.startedAt };
      const batch = csvLinesQuery(database.db, BENCH_ORGANIZATION, filters, drizzleSql<string>`''`, range);
      expect(seqScans(await plan(batch))).not.toContain('xa_executions');
    });

    // In the bench's data Failed runs cost more than most Completed ones, and an agent's runs have
    // their own usual cost: walking a sort's order filtering by status, agent or spike read
    // thousands of other runs before a page of the filter's.
    const sortedSets: [string, Partial<ExecutionQuery>][] = [
      ...STATUS_ORDER.map((status): [string, Partial<ExecutionQuery>] => [status, { status }]),
      ...[0, 2, 4].map((n): [string, Partial<ExecutionQuery>] => [`agent ${n}`, { agentId: benchAgentId(n) }]),
      ['credit spikes', { spikesOnly: true }],
      filterSets.find(([name]) => name === 'one failure')!,
      ...[0, 2, 4].map((n): [string, Partial<ExecutionQuery>] => [
        `Failed and agent ${n}`,
        { status: 'failed', agentId: benchAgentId(n) },
      ]),
    ];
    it.each(sortedSets)('reads a page by any sort, either way, without passing runs outside the filter: %s', async (_, q) => {
      const filters = filtersFor({ ...DEFAULT_QUERY, ...q }, BENCH_TIME_ZONE);
      const read: string[] = [];
      for (const key of SORT_KEYS) {
        for (const descending of [false, true]) {
          const page: PageRequest = { kind: 'offset', offset: 0, limit: PAGE_SIZE, sort: { key, descending } };
          const { sql: text, params } = listExecutionsQuery(database.db, BENCH_ORGANIZATION, filters, page).toSQL();
          const [row] = await sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
            `explain (analyze, format json) ${text}`,
            params as never[],
          );
          const runs = runsRead(row!['QUERY PLAN'][0].Plan);
          if (runs > PAGE_SIZE + 1) read.push(`by ${descending ? '-' : ''}${key}: ${runs} runs read`);
        }
      }
      expect(read).toEqual([]);
    });

    it('streams the whole CSV export batch by batch', async () => {
      const app = createTestHost(database.db, '/admin/executions');
      const res = await app.request('/admin/executions/export.csv', { headers: { [ORG_HEADER]: BENCH_ORGANIZATION } });
      const reader = res.body!.getReader();
      let lines = 0;
      let bytes = 0;
      let largest = 0;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        bytes += chunk.value.length;
        largest = Math.max(largest, chunk.value.length);
        for (const byte of chunk.value) if (byte === 10) lines += 1;
      }
      expect(lines).toBe(ROWS + 1);
      // A chunk per batch: never the whole set at once.
      expect(largest).toBeLessThan(bytes / 4);
    });

    it('serves a deep page by keyset in at most 5× the first page’s time', async () => {
      const filters = filtersFor(DEFAULT_QUERY, BENCH_TIME_ZONE);
      const read = (page: PageRequest) => listExecutions(database.db, BENCH_ORGANIZATION, filters, page);
      // The cursor the arrows would carry to page 2,000 of 2,500.
      const [deepest] = await read({ kind: 'offset', offset: 1999 * PAGE_SIZE - 1, limit: 1 });
      const firstPage: PageRequest = { kind: 'offset', offset: 0, limit: PAGE_SIZE };
      const deepPage: PageRequest = { kind: 'after', cursor: deepest!.cursor, limit: PAGE_SIZE };
      const time = async (page: PageRequest) => {
        const start = performance.now();
        await read(page);
        return performance.now() - start;
      };
      // Warm the cache alike, past the executions after which a prepared statement may change plan.
      for (let i = 0; i < 10; i++) await Promise.all([read(firstPage), read(deepPage)]);
      // Taken in turns, so that a busy spell of a loaded machine slows both alike, not one of them.
      const firstTimes: number[] = [];
      const deepTimes: number[] = [];
      for (let i = 0; i < 31; i++) {
        firstTimes.push(await time(firstPage));
        deepTimes.push(await time(deepPage));
      }
      const median = (times: number[]) => times.sort((a, b) => a - b)[15]!;
      const first = median(firstTimes);
      const deep = median(deepTimes);
      expect(deep).toBeLessThanOrEqual(first * 5);
    });
  },
);
