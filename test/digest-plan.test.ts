/**
 * The failure digest's plan over whole months (drizzle/0028_failure_kind_statistics.sql): the
 * monthly failure counts of many kinds over many tools, grouped by kind. Postgres, taking the tool
 * and the signature for independent, expected more groups than kinds — here 2.4 times as many, on
 * issue #21's wide shape five times, where it sorted every row to group them — and scanned the
 * whole table in parallel once it was large enough to. The digest's plan expects as many groups as
 * kinds, hashes them, and reads the months' rows in this backend alone — here with parallel plans
 * made as cheap as they can be, so that only the table's own setting keeps them out; a range in
 * parts, a union of several tables' rows, only the setting the digest gives its transaction.
 *
 * Real Postgres only: the point is its planner's statistics.
 */
import { fillPlaceholders } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONE_BACKEND } from '../src/db/local-settings.js';
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

    /** The digest's plan for the filters, with parallel plans made as cheap as they can be, and `settings` for the transaction. */
    async function plan(startDate: string, endDate: string, settings: Record<string, string>): Promise<PlanNode[]> {
      const filters = filtersFor({ ...EMPTY_FILTERS, startDate, endDate }, 'UTC');
      const { sql: text, params } = digestFailuresQuery(database.db, filters).toSQL();
      const values = fillPlaceholders(params, { ...digestBindings(ORG, filters), limit: 51 });
      const client = postgres(database.url!, { max: 1, onnotice: () => {} });
      try {
        return await client.begin(async (tx) => {
          await tx.unsafe(`set local min_parallel_table_scan_size = 0`);
          await tx.unsafe(`set local min_parallel_index_scan_size = 0`);
          await tx.unsafe(`set local parallel_setup_cost = 0`);
          await tx.unsafe(`set local parallel_tuple_cost = 0`);
          for (const [name, value] of Object.entries(settings)) await tx`select set_config(${name}, ${value}, true)`;
          const [row] = await tx.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
            `explain (format json) ${text}`,
            values as never[],
          );
          return nodes(row!['QUERY PLAN'][0].Plan);
        });
      } finally {
        await client.end();
      }
    }
    const gathers = (nodes: PlanNode[]) => nodes.some((n) => n['Node Type'] === 'Gather' || n['Node Type'] === 'Gather Merge');

    it('expects as many groups as kinds over twelve whole months, hashes them, and scans in one backend', async () => {
      // Twelve whole months, six of each year: the monthly failure counts alone answer them.
      const nodes = await plan('2024-07-01', '2025-06-30', {});
      const grouping = nodes.filter((n) => n['Node Type'] === 'Aggregate' && n['Group Key']?.length === 2);
      expect(grouping.map((n) => n.Strategy)).toEqual(['Hashed']);
      expect(grouping[0]!['Plan Rows']).toBeGreaterThan(KINDS / 1.5);
      expect(grouping[0]!['Plan Rows']).toBeLessThan(KINDS * 1.5);
      expect(gathers(nodes)).toBe(false);
    });

    it('reads a range in parts in one backend with the settings the digest gives it', async () => {
      // Eleven months of 2024 (its year less January) and January 2025: a union Postgres would
      // append in parallel workers, the tables' own setting notwithstanding.
      expect(gathers(await plan('2024-02-01', '2025-01-31', {}))).toBe(true);
      expect(gathers(await plan('2024-02-01', '2025-01-31', ONE_BACKEND))).toBe(false);
    });
  },
);
