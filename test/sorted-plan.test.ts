/**
 * Sorted pages of two filters (src/list/sorted-plan.ts, the rare sets' indexes in src/db/schema.ts).
 * Half the runs of agents 0–3 are Active and agents 4–7 have none, so Postgres, which takes a status
 * and an agent for independent, expects thousands of Active runs of agent 5 and walks a sort's index
 * to find twenty of them: every Active run, or every run of the agent, for none. The plan the page
 * takes for the count the count tables give reads the runs of both and no other; the walk, read
 * beside it, shows the test can tell them apart. And one kind of failure with an agent whose
 * failures of that kind cost least of all agents' and least of its own: the failure's order and the
 * agent's failures' both pass thousands of other runs before the page's, unless the failure's index
 * checks the agent on its own entries. A search in another order within a date range: a frequent
 * term walks the range's weeks, a rare one reads its matches and sorts them.
 *
 * Real Postgres only: the point is its planner's statistics.
 */
import { sql as drizzleSql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filtersFor, type ExecutionFilters } from '../src/list/filter-set.js';
import { listExecutionsQuery, type ListPlan, type PageRequest } from '../src/list/page-query.js';
import { DEFAULT_QUERY, PAGE_SIZE } from '../src/list/query.js';
import type { ListSort } from '../src/list/sort.js';
import { FEW_RUNS, sortedPlan } from '../src/list/sorted-plan.js';
import { listAgents } from '../src/db/organization.js';
import { loadExecutionList } from '../src/list/execution-list.js';
import { parseExecutionQuery } from '../src/list/query.js';
import { summarizeExecutions } from '../src/list/summary-query.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

const target = databaseTargets.find((t) => t.name === 'postgres')!;
const ORG = 'sorted-plan-org';
const RUNS = 40_000;
const FAILURES_ORG = 'sorted-plan-failures';
const FAILED_RUNS = 17_600;
const agentId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** The runs a plan read from the runs table: those it kept and those its filters threw away, in every loop. */
const runsRead = (node: PlanNode): number =>
  (node['Relation Name'] === 'xa_executions'
    ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1)
    : 0) + (node.Plans ?? []).reduce((sum, child) => sum + runsRead(child), 0);

describe.skipIf(target.skipReason !== null)(
  `sorted pages of two filters${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
  () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await target.open();
      // Loaded with the triggers off, then counted by xa_recount: row by row, the triggers took 25 s
      // for each organization's runs on an idle machine, and over a minute in a loaded CI run. One
      // connection (max: 1), so the session's setting covers every insert.
      const seeding = postgres(database.url!, { max: 1, onnotice: () => {}, connection: { statement_timeout: 60_000 } });
      const db = drizzle(seeding);
      await db.execute(drizzleSql`set session_replication_role = replica`);
      await db.execute(drizzleSql`insert into executions_admin.xa_organizations values (${ORG}, ${ORG}, 'UTC')`);
      for (let n = 0; n < 8; n++) {
        await db.execute(
          drizzleSql`insert into executions_admin.xa_agents (organization_id, id, name) values (${ORG}, ${agentId(n)}::uuid, ${`Agent ${n}`})`,
        );
        await db.execute(
          drizzleSql`insert into executions_admin.xa_schedules values (${ORG}, ${agentId(n)}::uuid, ${agentId(n)}::uuid, 's', 'cron', '* * * * *')`,
        );
      }
      const agent = drizzleSql`('00000000-0000-4000-8000-' || lpad((g % 8)::text, 12, '0'))::uuid`;
      const started = drizzleSql`timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'`;
      await db.execute(drizzleSql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
        select ${ORG}, md5('c' || g)::uuid, ${agent}, 'schedule', 'run', ${started} from generate_series(1, ${RUNS}) g`);
      // Agents 0–3: every other run Active (unfinished); agents 4–7: every run Completed.
      await db.execute(drizzleSql`insert into executions_admin.xa_executions
          (organization_id, id, conversation_id, conversation_title, agent_id, schedule_id, status, started_at, finished_at, credits)
        select ${ORG}, md5('e' || g)::uuid, md5('c' || g)::uuid, 'run', ${agent}, ${agent}, s.status, ${started},
               case when s.status = 'completed' then ${started} + (g % 97) * interval '1 second' end,
               case when s.status = 'completed' then (g % 1000) / 100.0 end
          from generate_series(1, ${RUNS}) g,
               lateral (select (case when g % 8 < 4 and (g / 8) % 2 = 0 then 'active' else 'completed' end)::executions_admin.xa_execution_status as status) s`);
      // A second organization: failed runs only. Agent 0's timeouts cost least of every agent's and
      // its other failures most; every other agent's failures are timeouts, each agent's dearer.
      await db.execute(
        drizzleSql`insert into executions_admin.xa_organizations values (${FAILURES_ORG}, ${FAILURES_ORG}, 'UTC')`,
      );
      for (let n = 0; n < 8; n++) {
        await db.execute(
          drizzleSql`insert into executions_admin.xa_agents (organization_id, id, name) values (${FAILURES_ORG}, ${agentId(n)}::uuid, ${`Agent ${n}`})`,
        );
        await db.execute(
          drizzleSql`insert into executions_admin.xa_schedules values (${FAILURES_ORG}, ${agentId(n)}::uuid, ${agentId(n)}::uuid, 's', 'cron', '* * * * *')`,
        );
      }
      await db.execute(drizzleSql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
        select ${FAILURES_ORG}, md5('fc' || g)::uuid, ${agent}, 'schedule', 'run', ${started} from generate_series(1, ${FAILED_RUNS}) g`);
      await db.execute(drizzleSql`insert into executions_admin.xa_executions
          (organization_id, id, conversation_id, conversation_title, agent_id, schedule_id, status, started_at, finished_at, credits, error_message, failed_tool)
        select ${FAILURES_ORG}, md5('fe' || g)::uuid, md5('fc' || g)::uuid, 'run', ${agent}, ${agent}, 'failed', ${started},
               ${started} + interval '1 second',
               case when not k.agent0 then 1 + g % 8 + (g % 100) / 100.0 when k.timeout then (g % 100) / 1000.0 else 50 + (g % 100) / 100.0 end,
               case when k.timeout then 'hubspot: request timed out after ' || g || ' ms' else 'slack: 429 Too Many Requests' end,
               case when k.timeout then 'hubspot' else 'slack' end
          from generate_series(1, ${FAILED_RUNS}) g,
               lateral (select g % 8 = 0 as agent0, g % 8 <> 0 or (g / 8) % 2 = 0 as timeout) k`);
      await db.execute(drizzleSql`set session_replication_role = origin`);
      for (const org of [ORG, FAILURES_ORG]) await db.execute(drizzleSql`select executions_admin.xa_recount(${org})`);
      await db.execute(drizzleSql`analyze executions_admin.xa_executions`);
      await seeding.end();
    }, 120_000);
    afterAll(() => database?.dispose());

    /** The runs a page's plan reads, by EXPLAIN ANALYZE. */
    const read = async (page: PageRequest, plan: ListPlan, filters: ExecutionFilters, organizationId = ORG) => {
      const { sql: text, params } = listExecutionsQuery(database.db, organizationId, filters, page, undefined, plan).toSQL();
      const client = postgres(database.url!, { max: 1, onnotice: () => {} });
      try {
        const [row] = await client.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
          `explain (analyze, format json) ${text}`,
          params as never[],
        );
        return runsRead(row!['QUERY PLAN'][0].Plan);
      } finally {
        await client.end();
      }
    };

    it('reads only its runs, where the walk reads thousands: Active and an agent that has none', async () => {
      const filters = filtersFor({ ...DEFAULT_QUERY, status: 'active', agentId: agentId(5) }, 'UTC');
      const { total } = await summarizeExecutions(database.db, ORG, filters, 'month');
      expect(total).toBe(0);
      for (const sort of [
        { key: 'credits', descending: false },
        { key: 'duration', descending: true },
      ] satisfies ListSort[]) {
        const page: PageRequest = { kind: 'offset', offset: 0, limit: PAGE_SIZE, sort };
        expect(sortedPlan(filters, sort, total)).toBe('matched');
        expect(await read(page, 'indexed', filters), 'the walk, for contrast').toBeGreaterThan(FEW_RUNS);
        expect(await read(page, sortedPlan(filters, sort, total), filters)).toBe(0);
      }
    });

    it('reads no run of another agent for one kind of failure and an agent: the failure index checks the agent', async () => {
      const failure = { tool: 'hubspot', signature: 'hubspot: request timed out after <n> ms' };
      const filters = filtersFor({ ...DEFAULT_QUERY, failure, agentId: agentId(0) }, 'UTC');
      const { total } = await summarizeExecutions(database.db, FAILURES_ORG, filters, 'month');
      expect(total).toBe(FAILED_RUNS / 16);
      const sort: ListSort = { key: 'credits', descending: true };
      expect(sortedPlan(filters, sort, total)).toBe('indexed');
      const page: PageRequest = { kind: 'offset', offset: 0, limit: PAGE_SIZE, sort };
      expect(await read(page, 'indexed', filters, FAILURES_ORG)).toBe(PAGE_SIZE);
    });

    /** A list page as the route reads it, with the statements it sent. */
    const listed = async (organizationId: string, params: Record<string, string>) => {
      const statements: string[] = [];
      const client = postgres(database.url!, { max: 1, onnotice: () => {} });
      try {
        const db = drizzle(client, { logger: { logQuery: (query) => statements.push(query) } });
        const agents = await listAgents(db, organizationId);
        statements.length = 0;
        const organization = { id: organizationId, name: organizationId, timeZone: 'UTC', firstDay: null };
        const parsed = parseExecutionQuery(new URLSearchParams(params));
        const list = await loadExecutionList(db, organization, parsed, new Date('2026-02-01T00:00:00Z'), agents);
        return { list, statements };
      } finally {
        await client.end();
      }
    };

    it('reads no page when the count tables hold no run of both filters', async () => {
      const { list, statements } = await listed(ORG, { status: 'active', agent: agentId(5), sort: '-duration' });
      expect([list.total, list.rows.length]).toEqual([0, 0]);
      expect(statements, 'the summary alone').toHaveLength(1);
      expect(statements[0]).toMatch(/xa_execution_(monthly|daily|status)_counts/);
    });

    /** The first page's ids of the failures holding `term`, by plain SQL. */
    const plainIds = async (term: string, where: string, order: string) => {
      const client = postgres(database.url!, { max: 1, onnotice: () => {} });
      try {
        const rows = await client.unsafe<{ id: string }[]>(
          `select id from executions_admin.xa_executions where organization_id = $1 and position($2 in lower(error_message)) > 0
             and ${where} order by ${order} limit ${PAGE_SIZE}`,
          [FAILURES_ORG, term],
        );
        return rows.map((r) => r.id);
      } finally {
        await client.end();
      }
    };

    it('walks the weeks of a range for a frequent term in another order, and sorts a rare term’s matches', async () => {
      // Every failure lasted one second: in the duration's order a day's runs follow every newer one.
      const day = { start: '2026-01-05', end: '2026-01-05', sort: '-duration' };
      for (const [q, weeks] of [
        ['timed out', true],
        ['after 6001 ms', false],
      ] as const) {
        const { list, statements } = await listed(FAILURES_ORG, { ...day, q });
        const page = statements.filter((s) => s.includes('sort_key_text'));
        expect(page, q).toHaveLength(1);
        expect(page[0]!.includes('generate_series'), `${q}: by weeks`).toBe(weeks);
        expect(
          list.rows.map((r) => r.id),
          `${q}: the rows plain SQL orders`,
        ).toEqual(
          await plainIds(
            q,
            "started_at >= '2026-01-05' and started_at < '2026-01-06'",
            'finished_at - started_at desc, started_at desc, id desc',
          ),
        );
        expect(list.rows.length, q).toBe(weeks ? PAGE_SIZE : 1);
      }
      // Over a thousand matches, all among the oldest runs: counted by the term's index, not walked
      // by weeks, most of which hold none.
      const { list, statements } = await listed(FAILURES_ORG, {
        start: '2026-01-01',
        end: '2026-01-31',
        sort: 'credits',
        q: 'out after 2',
      });
      expect(list.lowerBound).toBe('moreThan');
      expect(statements.filter((s) => s.includes('sort_key_text') && !s.includes('generate_series'))).toHaveLength(1);
      expect(list.rows.map((r) => r.id)).toEqual(await plainIds('out after 2', 'true', 'credits, started_at, id'));
    });

    it('plans a search within a range around every run as one without it: bounded walks, not weeks or the whole order', async () => {
      // A term held only by the dearest runs, fewest credits first: its matches lie at the order's far end.
      const search = { q: 'slack', sort: 'credits' };
      const walkEnds = (statements: string[]) =>
        statements.filter((s) => s.startsWith('select to_char(') && s.includes('credits_asc_key')).length;
      const without = await listed(FAILURES_ORG, search);
      expect(walkEnds(without.statements)).toBeGreaterThan(0);
      expect(without.list.rows.map((r) => r.id)).toEqual(await plainIds('slack', 'true', 'credits, started_at, id'));
      // The runs start on 2026-01-01; the list is read on 2026-02-01.
      for (const range of [{ start: '2025-12-01' }, { start: '2025-12-01', end: '2026-03-01' }] as Record<string, string>[]) {
        const { list, statements } = await listed(FAILURES_ORG, { ...search, ...range });
        const label = JSON.stringify(range);
        expect(
          statements.some((s) => s.includes('generate_series')),
          `${label}: by weeks`,
        ).toBe(false);
        expect(walkEnds(statements), `${label}: the walks' ends`).toBe(walkEnds(without.statements));
        expect(
          list.rows.map((r) => r.id),
          label,
        ).toEqual(without.list.rows.map((r) => r.id));
      }
      // For contrast: a range that leaves out a day of runs is read by weeks.
      const { statements } = await listed(FAILURES_ORG, { ...search, start: '2026-01-02' });
      expect(statements.some((s) => s.includes('generate_series'))).toBe(true);
    });
  },
);
