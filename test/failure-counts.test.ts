/**
 * The failure counts (xa_execution_failure_counts, over all time, and its monthly and yearly
 * tables) follow every way a run enters or leaves a kind of failure, written by plain SQL: failing,
 * its error or first failed tool changing, its start moving to another month or year, its credits
 * making it a credit spike or not, leaving Failed, being deleted, being inserted. After each, the
 * failure digests those counts serve — over all time, whole months, whole years, and ranges cut
 * into days, months and years — equal the same grouping over the runs, with and without credit
 * spikes only, most runs first.
 */
import { and, count, countDistinct, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestFailures, digestShape } from '../src/digest/repository.js';
import { executions } from '../src/db/schema.js';
import {
  DAILY,
  FAILURES,
  MONTHLY_FAILURES,
  SPIKE_FAILURES,
  SPIKE_MONTHLY_FAILURES,
  SPIKE_YEARLY_FAILURES,
  YEARLY_FAILURES,
} from '../src/list/counts.js';
import { countsForFilters, EMPTY_FILTERS, filtersFor } from '../src/list/filter-set.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { insertFixture, ORG_A, ORG_A_ZONE } from './support/fixture.js';

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `failure counts on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open();
        await insertFixture(database.db);
      });
      afterAll(() => database?.dispose());

      const run = async (condition: ReturnType<typeof sql>) => {
        const [row] = await database.db
          .select({ id: executions.id })
          .from(executions)
          .where(and(eq(executions.organizationId, ORG_A), isNotNull(executions.scheduleId), condition))
          .orderBy(executions.startedAt, executions.id)
          .limit(1);
        expect(row).toBeDefined();
        return row!.id;
      };
      const update = (id: string, set: ReturnType<typeof sql>) =>
        database.db.execute(
          sql`update executions_admin.xa_executions set ${set} where organization_id = ${ORG_A} and id = ${id}`,
        );

      /** Each digest the failure counts serve: over all time, a whole month, a whole year, and a run's new month and year. */
      const RANGES = [
        { startDate: null, endDate: null, counts: [FAILURES, SPIKE_FAILURES] },
        { startDate: '2026-03-01', endDate: '2026-03-31', counts: [MONTHLY_FAILURES, SPIKE_MONTHLY_FAILURES] },
        // Several months: their rows summed by kind, where one month's are ranked as they are.
        { startDate: '2025-11-01', endDate: '2026-03-31', counts: [MONTHLY_FAILURES, SPIKE_MONTHLY_FAILURES] },
        // Most of a year: the year less its other months, a kind only in those left out.
        {
          startDate: '2026-03-01',
          endDate: '2026-12-31',
          counts: [MONTHLY_FAILURES, SPIKE_MONTHLY_FAILURES],
          parts: 'xa_execution_failure_yearly_counts',
        },
        {
          startDate: '2025-12-01',
          endDate: null,
          counts: [MONTHLY_FAILURES, SPIKE_MONTHLY_FAILURES],
          parts: 'xa_execution_failure_yearly_counts',
        },
        { startDate: '2026-01-01', endDate: '2026-12-31', counts: [YEARLY_FAILURES, SPIKE_YEARLY_FAILURES] },
        { startDate: null, endDate: '2025-12-31', counts: [YEARLY_FAILURES, SPIKE_YEARLY_FAILURES] },
        // Ranges in parts: days at the edges from the daily counts, whole months and years between from
        // theirs; whole months holding a year, from the year's counts and the months'.
        {
          startDate: '2025-01-01',
          endDate: '2026-02-28',
          counts: [MONTHLY_FAILURES, SPIKE_MONTHLY_FAILURES],
          parts: 'xa_execution_failure_yearly_counts',
        },
        { startDate: '2025-11-15', endDate: '2026-03-14', counts: [DAILY, DAILY], parts: 'xa_execution_failure_monthly_counts' },
        { startDate: '2024-12-15', endDate: '2026-03-10', counts: [DAILY, DAILY], parts: 'xa_execution_failure_yearly_counts' },
        { startDate: '2025-11-10', endDate: null, counts: [DAILY, DAILY], parts: 'xa_execution_failure_yearly_counts' },
        { startDate: null, endDate: '2026-03-09', counts: [DAILY, DAILY], parts: 'xa_execution_failure_yearly_counts' },
      ];

      async function expectDigestsExact() {
        for (const { startDate, endDate, counts, parts } of RANGES) {
          for (const spikesOnly of [false, true]) {
            const filters = filtersFor({ ...EMPTY_FILTERS, spikesOnly, startDate, endDate }, ORG_A_ZONE);
            expect(countsForFilters(filters, null)).toBe(counts[spikesOnly ? 1 : 0]);
            if (parts) expect(digestShape(filters)).toContain(parts);
            const localDay = sql`(${executions.startedAt} at time zone ${ORG_A_ZONE})::date`;
            const expected = await database.db
              .select({
                tool: executions.failedTool,
                signature: executions.errorSignature,
                runs: count(),
                agents: countDistinct(executions.agentId),
              })
              .from(executions)
              .where(
                and(
                  eq(executions.organizationId, ORG_A),
                  isNotNull(executions.scheduleId),
                  eq(executions.status, 'failed'),
                  spikesOnly ? eq(executions.creditSpike, true) : undefined,
                  startDate ? sql`${localDay} >= ${startDate}::date` : undefined,
                  endDate ? sql`${localDay} <= ${endDate}::date` : undefined,
                ),
              )
              .groupBy(executions.failedTool, executions.errorSignature)
              .orderBy(desc(count()), executions.failedTool, executions.errorSignature);
            const digest = (limit: number) => digestFailures(database.db, ORG_A, filters, limit);
            expect(await digest(1000), `${startDate}–${endDate}${spikesOnly ? ', spikes' : ''}`).toEqual(expected);
            // Cut to the page's kinds after ranking them, not before.
            expect(await digest(1)).toEqual(expected.slice(0, 1));
          }
        }
      }

      it('equals the runs after each way in and out of a kind of failure', async () => {
        await expectDigestsExact();
        const failed = await run(sql`${executions.status} = 'failed'`);
        const completed = await run(sql`${executions.status} = 'completed'`);

        await update(failed, sql`usual_credits = 1, credits = 100`);
        expect(
          (await digestFailures(database.db, ORG_A, filtersFor({ ...EMPTY_FILTERS, spikesOnly: true }, ORG_A_ZONE), 10)).length,
        ).toBe(1);
        await expectDigestsExact();
        await update(failed, sql`credits = 0`);
        await expectDigestsExact();
        await update(failed, sql`error_message = 'slack: 429 Too Many Requests'`);
        await expectDigestsExact();
        await update(failed, sql`failed_tool = 'slack.post_message'`);
        await expectDigestsExact();
        // The same kind in another month, then another year, a spike meanwhile, and back.
        await update(failed, sql`started_at = started_at - interval '1 month'`);
        await expectDigestsExact();
        await update(failed, sql`started_at = started_at - interval '3 months', usual_credits = 1, credits = 100`);
        await expectDigestsExact();
        await update(failed, sql`credits = 0`);
        await expectDigestsExact();
        await update(failed, sql`started_at = started_at + interval '4 months'`);
        await expectDigestsExact();
        await update(
          completed,
          sql`status = 'failed', error_message = 'slack: 429 Too Many Requests', failed_tool = 'slack.post_message'`,
        );
        await expectDigestsExact();
        await update(failed, sql`status = 'completed'`);
        await expectDigestsExact();
        await update(failed, sql`status = 'failed', usual_credits = 1, credits = 50`);
        await expectDigestsExact();
        await database.db.execute(
          sql`with copied as (select * from executions_admin.xa_executions where organization_id = ${ORG_A} and id = ${completed}),
                   talk as (insert into executions_admin.xa_conversations (organization_id, agent_id, channel, title)
                            select organization_id, agent_id, 'schedule', 'Inserted by SQL' from copied returning id)
              insert into executions_admin.xa_executions
                (organization_id, id, agent_id, schedule_id, conversation_id, status, started_at, error_message)
              select organization_id, gen_random_uuid(), agent_id, schedule_id, talk.id, 'failed', started_at, 'slack: 429 Too Many Requests'
                from copied, talk`,
        );
        await expectDigestsExact();
        await database.db.execute(
          sql`delete from executions_admin.xa_executions where organization_id = ${ORG_A} and id = ${failed}`,
        );
        await expectDigestsExact();
        // One kind in two months: a range over both sums its rows.
        const timeout = await run(sql`${executions.errorMessage} like 'Timeout number %'`);
        await update(timeout, sql`started_at = started_at - interval '1 month'`);
        await expectDigestsExact();
      });
    },
  );
}
