import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExecutionList } from '../src/list/execution-list.js';
import { filtersFor } from '../src/list/filter-set.js';
import { DEFAULT_QUERY, PAGE_SIZE, parseExecutionQuery, type ExecutionQuery } from '../src/list/query.js';
import { findExecutionConversation } from './support/read-conversation.js';
import { findFirstRun, findOrganization, listAgents, type Organization } from '../src/db/organization.js';
import type { ActivityUnit } from '../src/list/counts.js';
import { listExecutions, pageWithSummary, type PageRequest } from '../src/list/page-query.js';
import { summarizeExecutions } from '../src/list/summary-query.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import {
  AGENT,
  fixtureRuns,
  HUB_CONVERSATION,
  insertFixture,
  ORG_A,
  ORG_A_ZONE,
  ORG_B,
  ORG_B_CONVERSATION,
  RUN_COUNT,
  XSS,
} from './support/fixture.js';

const query = (q: Partial<ExecutionQuery>): ExecutionQuery => ({
  ...DEFAULT_QUERY,
  page: 1,
  cursor: null,
  ...q,
});

/** The local calendar date of an instant, computed without the code under test. */
const localDate = (d: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `repository on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      const orgA: Organization = { id: ORG_A, name: 'Org A', timeZone: ORG_A_ZONE };
      const list = (q: Partial<ExecutionQuery>, page = 1) =>
        listExecutions(database.db, ORG_A, filtersFor(query(q), ORG_A_ZONE), {
          kind: 'offset',
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        });
      const count = async (q: Partial<ExecutionQuery>) =>
        (await summarizeExecutions(database.db, ORG_A, filtersFor(query(q), ORG_A_ZONE), 'day')).total;

      beforeAll(async () => {
        database = await target.open();
        await insertFixture(database.db);
      });
      afterAll(async () => {
        await database?.dispose();
      });

      it('lists only the organization’s scheduled runs, newest first, 20 a page', async () => {
        const pages = [await list({}, 1), await list({}, 2), await list({}, 3)];
        expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
        const ids = pages.flat().map((r) => r.id);
        expect(ids).toEqual(fixtureRuns().map((r) => r.id));
        expect(await count({})).toBe(RUN_COUNT);
        const titles = pages.flat().map((r) => r.scheduleTitle);
        expect(titles.some((t) => t.includes('must not appear') || t.includes('Org B'))).toBe(false);
      });

      it('names a deleted agent as removed and keeps its runs', async () => {
        const rows = await list({ agentId: AGENT.removed });
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((r) => r.agentName === null)).toBe(true);
        expect((await list({ agentId: AGENT.sales }))[0]?.agentName).toBe('Sales Assistant');
      });

      it('names agents from the list it is given, and reads them again when a run’s agent is not in it', async () => {
        const page = { kind: 'offset', limit: PAGE_SIZE, offset: 0 } as const;
        const filters = filtersFor(query({ agentId: AGENT.sales }), ORG_A_ZONE);
        // A list read before a rename: its names are what the page shows, as the filter shows them.
        const cached = (await listAgents(database.db, ORG_A)).map((a) =>
          a.id === AGENT.sales ? { ...a, name: 'Renamed since' } : a,
        );
        expect((await listExecutions(database.db, ORG_A, filters, page, cached))[0]?.agentName).toBe('Renamed since');
        // A list that lacks the run's agent (read before the agent was added): read again.
        const stale = cached.filter((a) => a.id !== AGENT.sales);
        expect((await listExecutions(database.db, ORG_A, filters, page, stale))[0]?.agentName).toBe('Sales Assistant');
      });

      it('filters by status and by agent, combined, with exact counts', async () => {
        const expected = fixtureRuns().filter((r) => r.status === 'failed' && r.agentId === AGENT.support);
        expect(await count({ status: 'failed', agentId: AGENT.support })).toBe(expected.length);
        const rows = await list({ status: 'failed', agentId: AGENT.support });
        expect(rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
      });

      it('filters inclusive calendar dates in the organization’s time zone', async () => {
        const day = '2026-03-09';
        const expected = fixtureRuns().filter((r) => localDate(r.startedAt, ORG_A_ZONE) === day);
        expect(expected.length).toBeGreaterThan(0);
        expect(await count({ startDate: day, endDate: day })).toBe(expected.length);
        const fromDay = fixtureRuns().filter((r) => localDate(r.startedAt, ORG_A_ZONE) >= day);
        expect(await count({ startDate: day })).toBe(fromDay.length);
        const untilDay = fixtureRuns().filter((r) => localDate(r.startedAt, ORG_A_ZONE) <= day);
        expect(await count({ endDate: day })).toBe(untilDay.length);
      });

      it('keeps credits not yet calculated as null and error messages as stored', async () => {
        const rows = await list({});
        expect(rows[0]?.credits).toBeNull();
        expect(rows[1]?.credits).toBe(1.5);
        expect(rows[1]?.errorMessage).toBe(XSS.error);
      });

      it('never reaches another organization through an agent id', async () => {
        expect(await count({ agentId: AGENT.orgB })).toBe(0);
        expect((await summarizeExecutions(database.db, ORG_B, filtersFor(query({}), 'UTC'), 'day')).total).toBe(3);
        expect((await listAgents(database.db, ORG_A)).map((a) => a.id)).not.toContain(AGENT.orgB);
      });

      it('finds a run’s conversation with its steps in order, only in its organization', async () => {
        const run1 = fixtureRuns()[1]!;
        const conversation = await findExecutionConversation(database.db, ORG_A, run1.conversationId);
        expect(conversation?.steps.map((s) => s.kind)).toEqual(['scheduled_call', 'tool_call', 'tool_call', 'error']);
        expect(conversation?.steps[2]?.toolOutput).toEqual(XSS.toolOutput);
        expect(conversation?.schedule).toEqual({ name: XSS.title, kind: 'interval', expression: 'PT1H' });
        expect(await findExecutionConversation(database.db, ORG_A, ORG_B_CONVERSATION)).toBeNull();
        expect(await findExecutionConversation(database.db, ORG_B, run1.conversationId)).toBeNull();
        expect(await findExecutionConversation(database.db, ORG_A, HUB_CONVERSATION)).toBeNull();
      });

      it('reads the summary and a page in one statement exactly as the two queries read them', async () => {
        const everyRun = await listExecutions(database.db, ORG_A, filtersFor(query({}), ORG_A_ZONE), {
          kind: 'offset',
          offset: 0,
          limit: 1000,
        });
        const day = fc.constantFrom(null, '2026-03-08', '2026-03-09', '2026-03-10');
        await fc.assert(
          fc.asyncProperty(
            fc.record({
              status: fc.constantFrom(null, 'active' as const, 'completed' as const, 'pending' as const, 'failed' as const),
              agentId: fc.constantFrom(null, AGENT.sales, AGENT.support, AGENT.removed),
              startDate: day,
              endDate: day,
              spikesOnly: fc.boolean(),
            }),
            fc.constantFrom<ActivityUnit>('day', 'week', 'month', 'year'),
            fc.oneof(
              fc.constant(null),
              fc.record({ kind: fc.constantFrom('after' as const, 'before' as const), at: fc.nat(everyRun.length - 1) }),
            ),
            async (q, unit, cursorAt) => {
              const filters = filtersFor(query(q), ORG_A_ZONE);
              const page: PageRequest = cursorAt
                ? { kind: cursorAt.kind, cursor: everyRun[cursorAt.at]!.cursor, limit: PAGE_SIZE }
                : { kind: 'offset', offset: 0, limit: PAGE_SIZE };
              const together = await pageWithSummary(database.db, ORG_A, filters, unit, page);
              expect(together.summary).toEqual(await summarizeExecutions(database.db, ORG_A, filters, unit));
              expect(together.rows).toEqual(await listExecutions(database.db, ORG_A, filters, page));
            },
          ),
          { numRuns: 80 },
        );
      });

      it('reads the organization, its time zone and its first scheduled run', async () => {
        const earliest = Math.min(...fixtureRuns().map((r) => r.startedAt.getTime()));
        expect(await findOrganization(database.db, ORG_A)).toEqual(orgA);
        expect(await findOrganization(database.db, 'nobody')).toBeNull();
        expect(await findFirstRun(database.db, ORG_A)).toEqual(new Date(earliest));
        expect(await findFirstRun(database.db, 'nobody')).toBeNull();
      });

      describe('loadExecutionList', () => {
        const load = (search: string) =>
          loadExecutionList(
            database.db,
            { ...orgA, firstDay: null },
            parseExecutionQuery(new URLSearchParams(search)),
            new Date(),
          );

        it('clamps a page past the end to the last page', async () => {
          const result = await load('page=99');
          expect(result.query.page).toBe(3);
          expect(result.pageCount).toBe(3);
          expect(result.rows).toHaveLength(5);
        });

        it('drops another organization’s agent with a message', async () => {
          const result = await load(`agent=${AGENT.orgB}`);
          expect(result.query.agentId).toBeNull();
          expect(result.errors.agent).toBe('agentNotFound');
          expect(result.total).toBe(RUN_COUNT);
        });

        it('has one page, and no rows, when nothing matches', async () => {
          const result = await load('start=2020-01-01&end=2020-01-02');
          expect(result).toMatchObject({ total: 0, pageCount: 1, rows: [] });
        });
      });
    },
  );
}
