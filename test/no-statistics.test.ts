/**
 * Writes must not depend on the planner's statistics: an import or a restore leaves them stale,
 * and a cluster whose autovacuum lags (or is off, as on this project's CI cluster) does not fix
 * them. 50,000 runs are imported by plain SQL, in batches, into a database whose statistics were
 * taken while it held only unfinished runs, and never analyzed again; every run goes through the
 * module's triggers (its usual credits and duration, the counts, the title). Beside it, in
 * turns, the same batches go into a reference database analyzed before each. The import holds
 * within 2× of the reference in the work per row (shared buffers touched, a count the machine's
 * load does not change) and in rows per second. Before xa_usual walked one index per status, the
 * trigger sorted every finished run of the organization on each insert: at 30,000 runs, 23 ms a
 * row against 0.56 analyzed.
 *
 * Real Postgres only: the point is a server's statistics and its plan cache across a session.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from './support/databases.js';

const target = databaseTargets.find((t) => t.name === 'postgres')!;

const RUNS = 50_000;
const BATCH = 5_000;
/**
 * The reference imports the first REFERENCE_BATCH runs of every REFERENCE_EVERY-th batch: its rate,
 * measured at the same moments, at a tenth of the cost.
 */
const REFERENCE_EVERY = 2;
const REFERENCE_BATCH = 1_000;
const ORG = 'org-no-statistics';
const AGENTS = 8;

interface Measured {
  /** Shared buffers hit or read per run, the trigger's work included. */
  buffersPerRun: number;
  msPerRun: number;
}

/** A database of its own with one session: a PL/pgSQL plan is cached per session. */
async function open(): Promise<{ database: TestDatabase; sql: postgres.Sql }> {
  const database = await target.open();
  // A batch that collapses fails in a minute instead of running for hours.
  const sql = postgres(database.url!, { max: 1, onnotice: () => {}, connection: { statement_timeout: 60_000 } });
  await sql.unsafe(
    `insert into executions_admin.xa_organizations (organization_id, name, time_zone) values ('${ORG}', 'Import', 'UTC')`,
  );
  await sql.unsafe(
    `insert into executions_admin.xa_agents (organization_id, id, name)
     select '${ORG}', md5('agent' || a)::uuid, 'Agent ' || a from generate_series(1, ${AGENTS}) a`,
  );
  await sql.unsafe(
    `insert into executions_admin.xa_schedules (organization_id, id, agent_id, name, kind, expression)
     select '${ORG}', md5('schedule' || a)::uuid, md5('agent' || a)::uuid, 'Schedule ' || a, 'cron', '0 * * * *'
       from generate_series(1, ${AGENTS}) a`,
  );
  return { database, sql };
}

/**
 * Imports runs `from`..`to` as a plain-SQL import would: conversations, then runs, most finished
 * (86% completed, 10% failed with a few error messages), credits on finished ones, one a minute.
 */
async function importRuns(sql: postgres.Sql, from: number, to: number, status?: 'pending'): Promise<Measured> {
  // Negative numbers (the runs before the import) too: 1..AGENTS.
  const slot = `(1 + (g + ${AGENTS} * ${RUNS}) % ${AGENTS})`;
  const agent = `md5('agent' || ${slot})::uuid`;
  const started = `timestamptz '2025-01-01 00:00:00+00' + g * interval '1 minute'`;
  const kind = status
    ? `'${status}'`
    : `case when g % 100 < 86 then 'completed' when g % 100 < 96 then 'failed' when g % 100 < 98 then 'active' else 'pending' end`;
  await sql.unsafe(
    `insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
     select '${ORG}', md5('conversation' || g)::uuid, ${agent}, 'schedule', 'Schedule ' || ${slot}, ${started}
       from generate_series(${from}, ${to}) g`,
  );
  const started0 = performance.now();
  const [explained] = await sql.unsafe<{ 'QUERY PLAN': [{ Plan: Record<string, number> }] }[]>(
    `explain (analyze, buffers, timing off, format json)
     insert into executions_admin.xa_executions (organization_id, id, conversation_id, conversation_title, agent_id, schedule_id,
                                                 status, started_at, finished_at, credits, error_message)
     select '${ORG}', md5('run' || g)::uuid, md5('conversation' || g)::uuid, '', ${agent}, md5('schedule' || ${slot})::uuid,
            s.status, ${started},
            case when s.status in ('completed', 'failed') then ${started} + (20 + g % 40) * interval '1 second' end,
            case when s.status in ('completed', 'failed') then (g * 37 % 1200) / 100.0 end,
            case when s.status = 'failed' then 'hubspot: request timed out after ' || (g % 5) || ' retries' end
       from generate_series(${from}, ${to}) g,
            lateral (select (${kind})::executions_admin.xa_execution_status as status) s`,
  );
  const elapsed = performance.now() - started0;
  const plan = explained!['QUERY PLAN'][0].Plan;
  const runs = to - from + 1;
  return { buffersPerRun: (plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!) / runs, msPerRun: elapsed / runs };
}

describe.skipIf(target.skipReason !== null)(
  `an import under stale statistics${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
  () => {
    let stale: Awaited<ReturnType<typeof open>>;
    let reference: Awaited<ReturnType<typeof open>>;

    beforeAll(async () => {
      [stale, reference] = await Promise.all([open(), open()]);
      // Statistics taken while the runs were all unfinished (a queue restored before its history).
      await importRuns(stale.sql, -2_000, -1, 'pending');
      await stale.sql.unsafe('analyze');
    });

    afterAll(async () => {
      for (const side of [stale, reference]) {
        await side?.sql.end();
        await side?.database.dispose();
      }
    });

    it(`imports ${RUNS.toLocaleString('en')} runs without ANALYZE within 2× of an analyzed database`, async () => {
      const imported: Measured[] = [];
      const analyzed: Measured[] = [];
      for (let from = 0, batch = 0; from < RUNS; from += BATCH, batch += 1) {
        if (batch % REFERENCE_EVERY === 0) {
          await reference.sql.unsafe('analyze');
          analyzed.push(await importRuns(reference.sql, from, from + REFERENCE_BATCH - 1));
        }
        imported.push(await importRuns(stale.sql, from, from + BATCH - 1));
      }
      const show = (m: Measured[]) =>
        m.map((b) => `${b.buffersPerRun.toFixed(0)} buffers ${b.msPerRun.toFixed(2)} ms`).join(', ');
      console.log(`per run, batch by batch\nunder stale statistics: ${show(imported)}\nanalyzed: ${show(analyzed)}`);

      // The statistics really are stale: they still say no run has finished.
      const [row] = await stale.sql.unsafe<{ finished: string }[]>(
        `select coalesce(sum(f), 0)::text as finished
             from pg_stats, unnest(most_common_vals::text::text[], most_common_freqs) as m(v, f)
            where schemaname = 'executions_admin' and tablename = 'xa_executions' and attname = 'status'
              and v in ('completed', 'failed')`,
      );
      expect(Number(row!.finished)).toBe(0);

      // The last batches, when the table is largest, against the reference's last.
      const lastImported = imported.slice(-REFERENCE_EVERY);
      const lastAnalyzed = analyzed.at(-1)!;
      for (const batch of lastImported) expect(batch.buffersPerRun).toBeLessThanOrEqual(2 * lastAnalyzed.buffersPerRun);
      const mean = (m: Measured[]) => m.reduce((sum, b) => sum + b.msPerRun, 0) / m.length;
      expect(mean(lastImported)).toBeLessThanOrEqual(2 * mean(analyzed.slice(-2)));
    }, 900_000);
  },
);
