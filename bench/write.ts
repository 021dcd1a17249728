/**
 * `npm run bench:write -- --url postgres://postgres@127.0.0.1:5441/postgres [--writers 1,8,32]
 * [--organizations 1,50] [--seconds 20] [--failed 10] [--rounds 3]`: the write path. Writers record full run
 * lifecycles (start → active → two tool calls → complete → credits) through the write API, for one
 * organization and for many — with `--failed N`, every Nth fails instead at its second tool call,
 * all in the same way, as in an outage of one tool — beside the floor: the statements the module sent for one lifecycle,
 * captured from the driver, replayed by postgres.js as prepared statements in the same
 * transactions with fresh ids (triggers on). What differs is only the module's own client path.
 *
 * Per run: lifecycles/s, the bench process's CPU ms per lifecycle (writers and driver: the module's
 * own client cost), lock waits sampled from pg_stat_activity, deadlocks, and the count tables'
 * size against their live tuples (pgstattuple). Meant for a throwaway cluster with production
 * defaults; it drops and recreates its database (`--database`, default xa_bench_write).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { connectPostgres, POSTGRES_DEFAULTS } from '../src/db/database.js';
import { upsertAgent, upsertOrganization, upsertSchedule } from '../src/write/recorder.js';
import { countTables } from './harness.js';
import { lifecycle } from './lifecycle.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    database: { type: 'string', default: 'xa_bench_write' },
    writers: { type: 'string', default: '1,8,32' },
    organizations: { type: 'string', default: '1,50' },
    agents: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    /** Every Nth lifecycle fails (0: none). */
    failed: { type: 'string', default: '0' },
    /** One of them alone, e.g. for `node --cpu-prof`. */
    modes: { type: 'string', default: 'floor,module' },
    /** The whole matrix this many times, every other time in the reverse order; medians at the end. */
    rounds: { type: 'string', default: '1' },
  },
});
const list = (s: string) => s.split(',').map(Number);
const AGENTS = Number(values.agents);
const FAILED_EVERY = Number(values.failed);
const failsAt = (n: number) => FAILED_EVERY > 0 && n % FAILED_EVERY === 0;
const APPLICATION = 'xa-bench-write';
const benchUrl = Object.assign(new URL(values.url), { pathname: `/${values.database}` });
benchUrl.searchParams.set('application_name', APPLICATION);

interface Target {
  organizationId: string;
  schedules: { scheduleId: string; agentId: string }[];
}

async function createDatabase(): Promise<Target[]> {
  const admin = postgres(values.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${values.database}`);
  await admin.unsafe(`create database ${values.database}`);
  await admin.end();
  const database = connectPostgres(benchUrl.toString());
  await database.migrate();
  const targets: Target[] = [];
  for (let o = 0; o < Math.max(...list(values.organizations)); o += 1) {
    const organizationId = `bench-write-${o}`;
    await upsertOrganization(database.db, organizationId, { name: `Organization ${o}`, timeZone: 'UTC' });
    const schedules: Target['schedules'] = [];
    for (let a = 0; a < AGENTS; a += 1) {
      const agentId = randomUUID();
      const scheduleId = randomUUID();
      await upsertAgent(database.db, organizationId, { agentId, name: `Agent ${a}` });
      await upsertSchedule(database.db, organizationId, {
        scheduleId,
        agentId,
        name: `Schedule ${a}`,
        kind: 'cron',
        expression: '*/5 * * * *',
      });
      schedules.push({ scheduleId, agentId });
    }
    targets.push({ organizationId, schedules });
  }
  await database.close();
  return targets;
}

interface Statement {
  query: string;
  params: unknown[];
}

/** The statements one lifecycle sends, in order, begin and commit included. */
async function captureLifecycle(
  target: Target,
  failed: boolean,
): Promise<{ statements: Statement[]; tokens: Record<string, string> }> {
  const statements: Statement[] = [];
  const client = postgres(benchUrl.toString(), {
    max: 1,
    onnotice: () => {},
    debug: (_connection, query, params) => void statements.push({ query, params: [...params] }),
  });
  const key = `capture-${randomUUID()}`;
  const { scheduleId, agentId } = target.schedules[0]!;
  const executionId = await lifecycle(drizzle(client), target.organizationId, scheduleId, key, failed);
  const [row] = await client`
    select conversation_id from executions_admin.xa_executions
    where organization_id = ${target.organizationId} and id = ${executionId}`;
  await client.end();
  statements.pop();
  return {
    statements,
    tokens: {
      key,
      executionId,
      conversationId: row!.conversation_id as string,
      organizationId: target.organizationId,
      scheduleId,
      agentId,
    },
  };
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/;

/** The captured lifecycle with this lifecycle's ids and keys, and times of now. */
function renamed(value: unknown, from: Record<string, string>, to: Record<string, string>): unknown {
  if (value instanceof Date) return new Date();
  if (typeof value !== 'string') return value;
  if (ISO_TIME.test(value)) return new Date().toISOString();
  let out = value;
  for (const name of Object.keys(from)) out = out.split(from[name]!).join(to[name]!);
  return out;
}

async function replayLifecycle(
  sql: postgres.Sql,
  captured: Statement[],
  from: Record<string, string>,
  to: Record<string, string>,
): Promise<void> {
  const send = (tx: postgres.Sql | postgres.TransactionSql, s: Statement) =>
    tx.unsafe(s.query, s.params.map((p) => renamed(p, from, to)) as postgres.ParameterOrJSON<never>[], { prepare: true });
  for (let i = 0; i < captured.length; i += 1) {
    const s = captured[i]!;
    if (!/^begin\b/i.test(s.query.trim())) {
      await send(sql, s);
      continue;
    }
    const end = captured.findIndex((t, j) => j > i && /^(commit|rollback)\b/i.test(t.query.trim()));
    const body = captured.slice(i + 1, end);
    await sql.begin(async (tx) => {
      for (const t of body) await send(tx, t);
    });
    i = end;
  }
}

interface Sampled {
  samples: number;
  waits: Map<string, number>;
}

function sampleWaits(sql: postgres.Sql): { stop: () => Promise<Sampled> } {
  const sampled: Sampled = { samples: 0, waits: new Map() };
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await sql<{ wait: string; n: number }[]>`
        select coalesce(wait_event_type || ':' || wait_event, 'CPU') || case when state = 'idle in transaction' then ' (idle in transaction)' else '' end as wait,
               count(*)::int as n
        from pg_stat_activity where application_name = ${APPLICATION} and state <> 'idle' group by 1`;
      sampled.samples += 1;
      for (const r of rows) sampled.waits.set(r.wait, (sampled.waits.get(r.wait) ?? 0) + r.n);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return sampled;
    },
  };
}

const deadlocks = async (sql: postgres.Sql) =>
  Number((await sql`select deadlocks from pg_stat_database where datname = current_database()`)[0]!.deadlocks);

interface Result {
  mode: 'module' | 'floor';
  writers: number;
  organizations: number;
  perSecond: number;
  cpuMs: number;
  deadlocks: number;
  waits: string;
  countTables: string;
}

async function run(
  mode: Result['mode'],
  writers: number,
  organizations: number,
  targets: Target[],
  captured: Record<'completed' | 'failed', Awaited<ReturnType<typeof captureLifecycle>>>,
): Promise<Result> {
  // The module's own connection settings, with a pool per writer and room for lock waits.
  const module =
    mode === 'module'
      ? connectPostgres(benchUrl.toString(), { ...POSTGRES_DEFAULTS, max: writers, statementTimeout: 30_000 })
      : null;
  const plain =
    mode === 'floor'
      ? postgres(benchUrl.toString(), {
          max: writers,
          onnotice: () => {},
          connection: { statement_timeout: 30_000, plan_cache_mode: 'force_custom_plan' },
        })
      : null;
  const monitor = postgres(Object.assign(new URL(benchUrl), { search: '' }).toString(), { max: 1 });
  let done = 0;
  let counting = false;
  let stopAt = Date.now() + Number(values.warmup) * 1000;
  const one = async (writer: number, n: number) => {
    const target = targets[(writer + n) % organizations]!;
    const { scheduleId, agentId } = target.schedules[(writer * 7 + n) % target.schedules.length]!;
    const key = `w${writer}-${mode}-${n}-${randomUUID()}`;
    const failed = failsAt(n);
    const replayed = captured[failed ? 'failed' : 'completed'];
    if (module) await lifecycle(module.db, target.organizationId, scheduleId, key, failed);
    else
      await replayLifecycle(plain!, replayed.statements, replayed.tokens, {
        key,
        executionId: randomUUID(),
        conversationId: randomUUID(),
        organizationId: target.organizationId,
        scheduleId,
        agentId,
      });
    if (counting) done += 1;
  };
  const drive = () =>
    Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let n = 0; Date.now() < stopAt; n += 1) await one(writer, n);
      }),
    );
  await drive();
  const deadlocksBefore = await deadlocks(monitor);
  const sampler = sampleWaits(monitor);
  counting = true;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  stopAt = Date.now() + Number(values.seconds) * 1000;
  await drive();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sampled = await sampler.stop();
  const result: Result = {
    mode,
    writers,
    organizations,
    perSecond: done / seconds,
    cpuMs: (cpu.user + cpu.system) / 1000 / done,
    deadlocks: (await deadlocks(monitor)) - deadlocksBefore,
    waits: [...sampled.waits]
      .sort((a, b) => b[1] - a[1])
      .map(([wait, n]) => `${wait} ${(n / sampled.samples).toFixed(1)}`)
      .join(', '),
    countTables: await countTables(monitor),
  };
  await monitor.end();
  await module?.close();
  await plain?.end();
  return result;
}

const targets = await createDatabase();
const captured = { completed: await captureLifecycle(targets[0]!, false), failed: await captureLifecycle(targets[0]!, true) };
console.log(`One lifecycle sends ${captured.completed.statements.length} statements (begin and commit included).`);
if (FAILED_EVERY > 0) console.log(`One in ${FAILED_EVERY} fails, all of one kind of failure.`);
const rounds = Number(values.rounds);
const results: (Result & { round: number })[] = [];
for (let round = 1; round <= rounds; round += 1) {
  // Every other round runs the matrix backwards, the organizations' and the modes' order both:
  // the first runs meet a cold, small database, and one round in one order measured that order.
  const backwards = round % 2 === 0;
  const inOrder = <T>(xs: T[]) => (backwards ? [...xs].reverse() : xs);
  for (const organizations of inOrder(list(values.organizations))) {
    for (const writers of list(values.writers)) {
      for (const mode of inOrder(values.modes.split(',') as Result['mode'][])) {
        const r = await run(mode, writers, organizations, targets, captured);
        results.push({ ...r, round });
        console.log(
          `${rounds > 1 ? `round ${round} ` : ''}${mode.padEnd(6)} ${String(writers).padStart(2)} writers, ` +
            `${String(organizations).padStart(2)} organization(s): ` +
            `${r.perSecond.toFixed(1)} lifecycles/s, bench CPU ${r.cpuMs.toFixed(2)} ms/lifecycle, deadlocks ${r.deadlocks}; ` +
            `backends by wait (mean per sample): ${r.waits}; count tables size/live tuples: ${r.countTables}`,
        );
      }
    }
  }
}
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const find = (round: number, mode: Result['mode'], writers: number, organizations: number) =>
  results.find((r) => r.round === round && r.mode === mode && r.writers === writers && r.organizations === organizations);
/** A ratio per round (rounds where both sides ran), then their median. */
function ratio(label: string, top: (round: number) => number | undefined, bottom: (round: number) => number | undefined) {
  const each: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const [a, b] = [top(round), bottom(round)];
    if (a !== undefined && b !== undefined) each.push(a / b);
  }
  if (each.length === 0) return;
  const byRound = each.length > 1 ? ` (rounds ${each.map((x) => x.toFixed(2)).join(', ')})` : '';
  console.log(`${label} ${median(each).toFixed(2)}${byRound}`);
}
const many = Math.max(...list(values.organizations));
for (const organizations of list(values.organizations)) {
  for (const writers of list(values.writers)) {
    const point = `${String(writers).padStart(2)} writers, ${String(organizations).padStart(2)} organization(s):`;
    const of = (mode: Result['mode']) =>
      results.filter((r) => r.mode === mode && r.writers === writers && r.organizations === organizations);
    const cpu = (mode: Result['mode']) => (of(mode).length ? median(of(mode).map((r) => r.cpuMs)).toFixed(2) : '–');
    console.log(`${point} CPU ms/lifecycle (median) floor ${cpu('floor')}, module ${cpu('module')}`);
    ratio(
      `${point} module/floor`,
      (round) => find(round, 'module', writers, organizations)?.perSecond,
      (round) => find(round, 'floor', writers, organizations)?.perSecond,
    );
  }
}
for (const writers of list(values.writers)) {
  ratio(
    `${String(writers).padStart(2)} writers: one organization / many`,
    (round) => find(round, 'module', writers, 1)?.perSecond,
    (round) => find(round, 'module', writers, many)?.perSecond,
  );
}
