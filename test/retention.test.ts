/**
 * Retention and pruning (src/write/retention.ts), on PGlite and real Postgres: expired finished runs
 * leave with their conversations and steps, whoever wrote them (the write API or plain SQL); unfinished
 * runs, newer runs, other channels and other organizations stay; the count tables equal plain SQL over
 * the runs left, with no rows at zero; a job stopped mid-way resumes to the same end; bad input is
 * refused as the write API refuses it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  markActive,
  pruneExpiredRuns,
  recordFinishedRuns,
  RecorderError,
  setRetention,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
  type PruneProgress,
} from '../src/write/recorder.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { select } from './support/select.js';

const NOW = new Date('2026-06-15T12:00:00Z');
/** Dates go to plain SQL as text: postgres.js binds a Date only where it knows the column's type. */
const NOW_ISO = NOW.toISOString();
const DAY = 86_400_000;
const AGENTS = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
const SCHEDULES = ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000b1'];
/** Kept 30 days: runs started before 2026-05-16T12:00Z are expired. */
const RETENTION_DAYS = 30;
/** Finished runs per organization, one every 7 hours back from NOW: the oldest ~61 days back. */
const FINISHED = 210;
const expiredAgo = (hours: number) => hours * 3_600_000 > RETENTION_DAYS * DAY;

async function seed(db: TestDatabase['db'], org: string, zone: string): Promise<void> {
  await upsertOrganization(db, org, { name: org, timeZone: zone });
  for (const [i, agentId] of AGENTS.entries()) {
    await upsertAgent(db, org, { agentId, name: `Agent ${i}` });
    await upsertSchedule(db, org, {
      scheduleId: SCHEDULES[i]!,
      agentId,
      name: `Digest ${i}`,
      kind: 'cron',
      expression: '0 9 * * *',
    });
  }
  // Half through the write API, with tool calls (steps) and credits, some failed with a failed tool.
  const runs = [];
  for (let n = 0; n < FINISHED; n += 2) {
    const startedAt = new Date(NOW.getTime() - n * 7 * 3_600_000);
    const failed = n % 6 === 0;
    runs.push({
      key: `run-${n}`,
      scheduleId: SCHEDULES[n % 4 === 0 ? 0 : 1]!,
      prompt: `Prompt ${n}`,
      startedAt,
      toolCalls: [
        { toolName: 'hubspot.search', input: { n }, output: { ok: !failed }, ok: !failed, durationMs: 300, at: startedAt },
      ],
      outcome: failed
        ? { status: 'failed' as const, errorMessage: `HTTP 401 for user ${n}` }
        : { status: 'completed' as const, response: 'Done' },
      finishedAt: new Date(startedAt.getTime() + 60_000),
      credits: n % 10 === 0 ? 40 : 2.5,
    });
  }
  await recordFinishedRuns(db, org, runs);
  // The other half by plain SQL, as a host's import would write them.
  await db.execute(sql`
    insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
    select ${org}, md5(${org} || 'sql' || g)::uuid, ${AGENTS[1]}::uuid, 'schedule', 'Imported', ${NOW_ISO}::timestamptz - g * 7 * interval '1 hour'
      from generate_series(1, ${FINISHED - 1}, 2) g`);
  await db.execute(sql`
    insert into executions_admin.xa_executions
      (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at, finished_at, credits, error_message)
    select ${org}, md5(${org} || 'run' || g)::uuid, md5(${org} || 'sql' || g)::uuid, ${AGENTS[1]}::uuid, ${SCHEDULES[1]}::uuid,
           (case when g % 3 = 0 then 'failed' else 'completed' end)::executions_admin.xa_execution_status,
           ${NOW_ISO}::timestamptz - g * 7 * interval '1 hour', ${NOW_ISO}::timestamptz - g * 7 * interval '1 hour' + interval '2 minutes',
           g * 0.5, case when g % 3 = 0 then 'Timed out after ' || g || ' ms' end
      from generate_series(1, ${FINISHED - 1}, 2) g`);
  await db.execute(sql`
    insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, content, created_at)
    select ${org}, md5(${org} || 'sql' || g)::uuid, 0, 'scheduled_call', 'Imported prompt', ${NOW_ISO}::timestamptz - g * 7 * interval '1 hour'
      from generate_series(1, ${FINISHED - 1}, 2) g`);
  // Unfinished runs long past the retention: kept.
  const pending = await startExecution(db, org, {
    key: 'old-pending',
    scheduleId: SCHEDULES[0]!,
    prompt: 'Queued',
    startedAt: new Date(NOW.getTime() - 90 * DAY),
  });
  const active = await startExecution(db, org, {
    key: 'old-active',
    scheduleId: SCHEDULES[0]!,
    prompt: 'Stuck',
    startedAt: new Date(NOW.getTime() - 80 * DAY),
  });
  await markActive(db, org, active.executionId);
  void pending;
  // A run from another channel (no schedule): not the module's to prune.
  await db.execute(sql`
    insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
    values (${org}, md5(${org} || 'hub')::uuid, ${AGENTS[0]}::uuid, 'hub', 'Hub chat', ${NOW_ISO}::timestamptz - interval '100 days')`);
  await db.execute(sql`
    insert into executions_admin.xa_executions (organization_id, id, conversation_id, agent_id, status, started_at, finished_at)
    values (${org}, md5(${org} || 'hub-run')::uuid, md5(${org} || 'hub')::uuid, ${AGENTS[0]}::uuid, 'completed',
            ${NOW_ISO}::timestamptz - interval '100 days', ${NOW_ISO}::timestamptz - interval '100 days')`);
}

const rows = select;

/** The count tables (rows above zero) beside the same sums over the runs, for one organization. */
async function countsAgainstRuns(db: TestDatabase['db'], org: string) {
  const kept = await rows(
    db,
    sql`select day::text, agent_id::text, status::text, credit_spike, failed_tool, error_signature, runs::int, credit_cents::bigint::text
          from executions_admin.xa_execution_daily_counts where organization_id = ${org} and runs > 0 order by 1, 2, 3, 4, 5, 6`,
  );
  const summed = await rows(
    db,
    sql`select (e.started_at at time zone o.time_zone)::date::text as day, e.agent_id::text, e.status::text, e.credit_spike,
               case when e.status = 'failed' then e.failed_tool else '' end as failed_tool,
               case when e.status = 'failed' then e.error_signature else '' end as error_signature,
               count(*)::int as runs, coalesce(sum((e.credits * 100)::bigint), 0)::bigint::text as credit_cents
          from executions_admin.xa_executions e join executions_admin.xa_organizations o using (organization_id)
         where e.organization_id = ${org} and e.schedule_id is not null
         group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`,
  );
  const monthly = await rows(
    db,
    sql`select month::text, agent_id::text, status::text, runs::int from executions_admin.xa_execution_monthly_counts
         where organization_id = ${org} and runs > 0 order by 1, 2, 3, 4`,
  );
  const monthlySummed = await rows(
    db,
    sql`select date_trunc('month', (e.started_at at time zone o.time_zone)::date)::date::text as month, e.agent_id::text,
               e.status::text, count(*)::int as runs
          from executions_admin.xa_executions e join executions_admin.xa_organizations o using (organization_id)
         where e.organization_id = ${org} and e.schedule_id is not null
         group by 1, 2, 3, e.credit_spike, case when e.status = 'failed' then e.failed_tool else '' end,
                  case when e.status = 'failed' then e.error_signature else '' end
         order by 1, 2, 3, 4`,
  );
  const statusCounts = await rows(
    db,
    sql`select day::text, agent_id::text, status::text, runs::int from executions_admin.xa_execution_status_counts
         where organization_id = ${org} and runs > 0 order by 1, 2, 3`,
  );
  const statusSummed = await rows(
    db,
    sql`select (e.started_at at time zone o.time_zone)::date::text as day, e.agent_id::text, e.status::text, count(*)::int as runs
          from executions_admin.xa_executions e join executions_admin.xa_organizations o using (organization_id)
         where e.organization_id = ${org} and e.schedule_id is not null group by 1, 2, 3 order by 1, 2, 3`,
  );
  // The organization's rows, summed over their stripes, by day and by month.
  const organizationCounts = (table: string, period: string) =>
    rows(
      db,
      sql`select ${sql.raw(period)}::text as period, status::text, credit_spike, sum(runs)::int as runs, sum(credit_cents)::bigint::text as cents
            from ${sql.raw(`executions_admin.${table}`)} where organization_id = ${org}
           group by 1, 2, 3 having sum(runs) <> 0 or sum(credit_cents) <> 0 order by 1, 2, 3`,
    );
  const organizationSummed = (period: string) =>
    rows(
      db,
      sql`select ${sql.raw(period)}::text as period, e.status::text, e.credit_spike, count(*)::int as runs,
                 coalesce(sum((e.credits * 100)::bigint), 0)::bigint::text as cents
            from executions_admin.xa_executions e join executions_admin.xa_organizations o using (organization_id)
           where e.organization_id = ${org} and e.schedule_id is not null group by 1, 2, 3 order by 1, 2, 3`,
    );
  const day = '(e.started_at at time zone o.time_zone)::date';
  const organization = {
    daily: await organizationCounts('xa_execution_org_daily_counts', 'day'),
    dailySummed: await organizationSummed(day),
    monthly: await organizationCounts('xa_execution_org_monthly_counts', 'month'),
    monthlySummed: await organizationSummed(`date_trunc('month', ${day})::date`),
  };
  const failures = await rows(
    db,
    sql`select failed_tool, error_signature, runs::int, spike_runs::int from executions_admin.xa_execution_failure_counts
         where organization_id = ${org} and runs > 0 order by 1, 2`,
  );
  const failuresSummed = await rows(
    db,
    sql`select failed_tool, error_signature, count(*)::int as runs, (count(*) filter (where credit_spike))::int as spike_runs
          from executions_admin.xa_executions
         where organization_id = ${org} and schedule_id is not null and status = 'failed' group by 1, 2 order by 1, 2`,
  );
  // By month and year of the organization's calendar: their rows, and the runs grouped the same way.
  const failuresByPeriod = async (table: string, period: 'month' | 'year') => ({
    counted: await rows(
      db,
      sql`select ${sql.raw(period)} as period, failed_tool, error_signature, runs::int, spike_runs::int
            from ${sql.raw(`executions_admin.${table}`)} where organization_id = ${org} and runs > 0 order by 1, 2, 3`,
    ),
    summed: await rows(
      db,
      sql`select date_trunc(${period}, ${sql.raw(day)})::date as period, e.failed_tool, e.error_signature, count(*)::int as runs,
                 (count(*) filter (where e.credit_spike))::int as spike_runs
            from executions_admin.xa_executions e join executions_admin.xa_organizations o using (organization_id)
           where e.organization_id = ${org} and e.schedule_id is not null and e.status = 'failed'
           group by 1, 2, 3 order by 1, 2, 3`,
    ),
  });
  const failuresByMonth = await failuresByPeriod('xa_execution_failure_monthly_counts', 'month');
  const failuresByYear = await failuresByPeriod('xa_execution_failure_yearly_counts', 'year');
  return {
    kept,
    summed,
    monthly,
    monthlySummed,
    statusCounts,
    statusSummed,
    organization,
    failures,
    failuresSummed,
    failuresByMonth,
    failuresByYear,
  };
}

const tally = async (db: TestDatabase['db'], org: string) => {
  const [row] = await rows(
    db,
    sql`select (select count(*)::int from executions_admin.xa_executions where organization_id = ${org}) as runs,
               (select count(*)::int from executions_admin.xa_conversations where organization_id = ${org}) as conversations,
               (select count(*)::int from executions_admin.xa_steps where organization_id = ${org}) as steps,
               (select count(*)::int from executions_admin.xa_execution_daily_counts where organization_id = ${org} and runs = 0)
                 + (select count(*)::int from executions_admin.xa_execution_monthly_counts where organization_id = ${org} and runs = 0)
                 + (select count(*)::int from executions_admin.xa_execution_status_counts where organization_id = ${org} and runs = 0)
                 + (select count(*)::int from executions_admin.xa_execution_org_daily_counts
                     where organization_id = ${org} and runs = 0)
                 + (select count(*)::int from executions_admin.xa_execution_org_monthly_counts
                     where organization_id = ${org} and runs = 0)
                 + (select count(*)::int from executions_admin.xa_execution_failure_counts
                     where organization_id = ${org} and runs = 0)
                 + (select count(*)::int from executions_admin.xa_execution_failure_monthly_counts
                     where organization_id = ${org} and runs = 0)
                 + (select count(*)::int from executions_admin.xa_execution_failure_yearly_counts
                     where organization_id = ${org} and runs = 0)
                 as zero_rows`,
  );
  return row as { runs: number; conversations: number; steps: number; zero_rows: number };
};

/** Expired finished runs of one organization, as the seed wrote them: one per 7 hours, n = 0 … FINISHED − 1. */
const EXPECTED_PRUNED = Array.from({ length: FINISHED }, (_, n) => n).filter((n) => expiredAgo(n * 7)).length;

async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RecorderError);
  return (error as RecorderError).code;
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `retention on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      const db = () => database.db;

      beforeAll(async () => {
        database = await target.open();
        await seed(db(), 'org-a', 'Asia/Kathmandu');
        await seed(db(), 'org-b', 'America/Sao_Paulo');
      }, 120_000);
      afterAll(() => database?.dispose());

      it('refuses a retention that is not 1 to 36,500 whole days, and an unknown organization', async () => {
        for (const days of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 36_501, '30' as unknown as number]) {
          expect(await refusal(setRetention(db(), 'org-a', days))).toBe('invalid_input');
        }
        expect(await refusal(setRetention(db(), 'nobody', 30))).toBe('not_found');
        expect(await refusal(setRetention(db(), 'org\u0000a', 30))).toBe('invalid_input');
        expect(await refusal(pruneExpiredRuns(db(), { batchSize: 0 }))).toBe('invalid_input');
        expect(await refusal(pruneExpiredRuns(db(), { now: new Date(Number.NaN) }))).toBe('invalid_input');
        // A plain-SQL write of a retention that would prune everything is refused by the table itself.
        await expect(
          db().execute(sql`update executions_admin.xa_organizations set retention_days = 0 where organization_id = 'org-a'`),
        ).rejects.toThrow();
        // Without a retention nothing is pruned.
        expect(await pruneExpiredRuns(db(), { now: NOW })).toEqual({ pruned: {}, finished: true });
      });

      it('a job stopped after its first batch resumes, and both remove exactly the expired finished runs', async () => {
        const before = await tally(db(), 'org-a');
        const bBefore = await tally(db(), 'org-b');
        await setRetention(db(), 'org-a', RETENTION_DAYS);
        await setRetention(db(), 'org-b', 1); // set, but the job below names org-a only

        const stop = new AbortController();
        const seen: PruneProgress[] = [];
        const first = await pruneExpiredRuns(db(), {
          organizationId: 'org-a',
          now: NOW,
          batchSize: 17,
          signal: stop.signal,
          onProgress: (p) => {
            seen.push(p);
            stop.abort();
          },
        });
        expect(first).toEqual({ pruned: { 'org-a': 17 }, finished: false });
        expect(seen).toEqual([{ organizationId: 'org-a', pruned: 17, remaining: EXPECTED_PRUNED - 17 }]);

        const progress: PruneProgress[] = [];
        const second = await pruneExpiredRuns(db(), {
          organizationId: 'org-a',
          now: NOW,
          batchSize: 17,
          onProgress: (p) => progress.push(p),
        });
        expect(second).toEqual({ pruned: { 'org-a': EXPECTED_PRUNED - 17 }, finished: true });
        expect(progress.at(-1)).toEqual({ organizationId: 'org-a', pruned: EXPECTED_PRUNED - 17, remaining: 0 });
        expect(progress.map((p) => p.remaining)).toEqual([...progress.map((p) => p.remaining)].sort((x, y) => y - x));

        const after = await tally(db(), 'org-a');
        expect(after.runs).toBe(before.runs - EXPECTED_PRUNED);
        expect(after.conversations).toBe(before.conversations - EXPECTED_PRUNED);
        // Each API run had two steps (prompt, tool call) and its outcome; each SQL run one step.
        const apiExpired = Array.from({ length: FINISHED }, (_, n) => n).filter((n) => n % 2 === 0 && expiredAgo(n * 7)).length;
        expect(after.steps).toBe(before.steps - apiExpired * 3 - (EXPECTED_PRUNED - apiExpired));
        expect(after.zero_rows).toBe(0);
        expect(await tally(db(), 'org-b')).toEqual(bBefore);

        // What is left: nothing finished before the cutoff; the old unfinished and other-channel runs.
        const left = await rows(
          db(),
          sql`select status::text, schedule_id is null as other_channel from executions_admin.xa_executions
               where organization_id = 'org-a' and started_at < ${new Date(NOW.getTime() - RETENTION_DAYS * DAY).toISOString()}::timestamptz order by 1`,
        );
        expect(left).toEqual([
          { status: 'active', other_channel: false },
          { status: 'completed', other_channel: true },
          { status: 'pending', other_channel: false },
        ]);
        // No steps or conversations without their run (a run of another channel keeps its own).
        const orphans = await rows(
          db(),
          sql`select count(*)::int as n from executions_admin.xa_conversations c
               where c.organization_id = 'org-a' and not exists (select 1 from executions_admin.xa_executions e
                 where e.organization_id = c.organization_id and e.conversation_id = c.id)`,
        );
        expect(orphans).toEqual([{ n: 0 }]);
      });

      it('leaves the count tables equal to plain SQL over the runs that are left', async () => {
        for (const org of ['org-a', 'org-b']) {
          const c = await countsAgainstRuns(db(), org);
          expect(c.kept.length).toBeGreaterThan(20);
          expect(c.kept).toEqual(c.summed);
          expect(c.monthly).toEqual(c.monthlySummed);
          expect(c.statusCounts).toEqual(c.statusSummed);
          expect(c.organization.daily).toEqual(c.organization.dailySummed);
          expect(c.organization.monthly).toEqual(c.organization.monthlySummed);
          expect(c.failures.length).toBeGreaterThan(0);
          expect(c.failures).toEqual(c.failuresSummed);
          expect(c.failuresByMonth.counted).toEqual(c.failuresByMonth.summed);
          expect(c.failuresByYear.counted).toEqual(c.failuresByYear.summed);
        }
      });

      it('two jobs at once prune every expired run once, and a second pass finds nothing', async () => {
        const before = await tally(db(), 'org-b');
        const expected = Array.from({ length: FINISHED }, (_, n) => n).filter((n) => n * 7 * 3_600_000 > DAY).length;
        const [x, y] = await Promise.all([
          pruneExpiredRuns(db(), { organizationId: 'org-b', now: NOW, batchSize: 9 }),
          pruneExpiredRuns(db(), { organizationId: 'org-b', now: NOW, batchSize: 9 }),
        ]);
        expect((x.pruned['org-b'] ?? 0) + (y.pruned['org-b'] ?? 0)).toBe(expected);
        expect((await tally(db(), 'org-b')).runs).toBe(before.runs - expected);
        expect(await pruneExpiredRuns(db(), { now: NOW })).toEqual({ pruned: { 'org-a': 0, 'org-b': 0 }, finished: true });
        const c = await countsAgainstRuns(db(), 'org-b');
        expect(c.kept).toEqual(c.summed);
        expect((await tally(db(), 'org-b')).zero_rows).toBe(0);
      });
    },
  );
}
