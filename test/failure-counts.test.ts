/**
 * The failure counts (xa_execution_failure_counts) follow every way a run enters or leaves a kind of
 * failure, written by plain SQL: failing, its error or first failed tool changing, its credits
 * making it a credit spike or not, leaving Failed, being deleted, being inserted. After each, the
 * failure digest over all time — the one those counts serve — equals the same grouping over the
 * runs, with and without credit spikes only, most runs first.
 */
import { and, count, countDistinct, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestFailures } from '../src/digest/repository.js';
import { executions } from '../src/db/schema.js';
import { FAILURES, SPIKE_FAILURES } from '../src/list/counts.js';
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

      async function expectDigestsExact() {
        for (const spikesOnly of [false, true]) {
          const filters = filtersFor({ ...EMPTY_FILTERS, spikesOnly }, ORG_A_ZONE);
          expect(countsForFilters(filters, null)).toBe(spikesOnly ? SPIKE_FAILURES : FAILURES);
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
              ),
            )
            .groupBy(executions.failedTool, executions.errorSignature)
            .orderBy(desc(count()), executions.failedTool, executions.errorSignature);
          expect(await digestFailures(database.db, ORG_A, filters, 1000)).toEqual(expected);
          // Cut to the page's kinds after ranking them, not before.
          expect(await digestFailures(database.db, ORG_A, filters, 1)).toEqual(expected.slice(0, 1));
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
      });
    },
  );
}
