/**
 * The failure digest's plan over whole months (drizzle/0028_failure_kind_statistics.sql): the
 * monthly failure counts of many kinds over many tools, grouped by kind. Postgres, taking the tool
 * and the signature for independent, expected more groups than kinds — here 2.4 times as many, on
 * issue #21's wide shape five times, where it sorted every row to group them — and scanned the
 * whole table in parallel once it was large enough to. The digest's plan expects as many groups as
 * kinds, hashes them, and reads the months' rows in this backend alone — here with parallel plans
 * made as cheap as they can be, so that only the table's own setting keeps them out.
 *
 * Real Postgres only: the point is its planner's statistics.
 */
import { fillPlaceholders } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestBindings, digestFailuresQuery } from '../src/digest/repository.js';
import { EMPTY_FILTERS, filtersFor } from '../src/list/filter-set.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

const target = databaseTargets.find((t) => t.name === 'postgres')!;
const ORG = 'digest-plan-org';
const KINDS = 10_000;
const MONTHS = 24;

interface PlanNode {
  'Node Type': string;
  Strategy?: string;
  'Group Key'?: string[];
  'Plan Rows': number;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

describe.skipIf(target.skipReason !== null)(
  `the failure digest's plan over whole months${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
  () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await target.open();
      // Counts written straight into the derived table: kind k fails in each month with its own
      // tool (one of 40) and signature, as the triggers would have counted its runs. On a connection
      // of its own: 240,000 rows take longer than the module's statement timeout allows.
      const seeding = postgres(database.url!, { max: 1, onnotice: () => {}, connection: { statement_timeout: 60_000 } });
      try {
        await seeding`insert into executions_admin.xa_organizations values (${ORG}, ${ORG}, 'UTC')`;
        await seeding`insert into executions_admin.xa_execution_failure_monthly_counts
            (organization_id, month, failed_tool, error_signature, runs, spike_runs)
          select ${ORG}, (date '2024-01-01' + m * interval '1 month')::date, 'tool_' || k % 40,
                 'tool_' || k % 40 || ': failed with code ' || k || ' for request <n>', 1 + (k * 7 + m) % 13, 0
            from generate_series(0, ${KINDS - 1}::int) k, generate_series(0, ${MONTHS - 1}::int) m`;
        await seeding`analyze executions_admin.xa_execution_failure_monthly_counts`;
      } finally {
        await seeding.end();
      }
    }, 120_000);
    afterAll(() => database?.dispose());

    it('expects as many groups as kinds over twelve whole months, hashes them, and scans in one backend', async () => {
      // Twelve whole months that hold no whole year: the monthly failure counts alone answer them.
      const filters = filtersFor({ ...EMPTY_FILTERS, startDate: '2024-02-01', endDate: '2025-01-31' }, 'UTC');
      const { sql: text, params } = digestFailuresQuery(database.db, filters).toSQL();
      const values = fillPlaceholders(params, { ...digestBindings(ORG, filters), limit: 51 });
      const client = postgres(database.url!, { max: 1, onnotice: () => {} });
      try {
        await client.unsafe(`set min_parallel_table_scan_size = 0`);
        await client.unsafe(`set min_parallel_index_scan_size = 0`);
        await client.unsafe(`set parallel_setup_cost = 0`);
        await client.unsafe(`set parallel_tuple_cost = 0`);
        const [row] = await client.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
          `explain (format json) ${text}`,
          values as never[],
        );
        const plan = nodes(row!['QUERY PLAN'][0].Plan);
        const grouping = plan.filter((n) => n['Node Type'] === 'Aggregate' && n['Group Key']?.length === 2);
        expect(grouping.map((n) => n.Strategy)).toEqual(['Hashed']);
        expect(grouping[0]!['Plan Rows']).toBeGreaterThan(KINDS / 1.5);
        expect(grouping[0]!['Plan Rows']).toBeLessThan(KINDS * 1.5);
        expect(plan.map((n) => n['Node Type'])).not.toContain('Gather');
        expect(plan.map((n) => n['Node Type'])).not.toContain('Gather Merge');
      } finally {
        await client.end();
      }
    });
  },
);
