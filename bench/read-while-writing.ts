/**
 * `npm run bench:read-write [-- --rows 1000000 --writers 8 --connections 1 --window 10 --windows 3]`: the
 * list read while writers record runs. On the database `npm run bench` seeded with `--rows` (default
 * xa_bench, at DATABASE_URL's server), the targeted scenarios' pages are read over HTTP at `--connections`,
 * in windows of `--window` seconds: first with nobody writing (the baseline, in the same run), then while
 * `--writers` writers record full lifecycles (bench/lifecycle.ts; one in `--failed` fails) into the bench
 * organization, the one being read. Prints each window's latencies and the writers' rate, and each count
 * table's size against its live tuples before and after the writes (pgstattuple). The runs it wrote are
 * deleted at the end, so the database holds what it held before.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { connectPostgres, POSTGRES_DEFAULTS } from '../src/db/database.js';
import { countTables, ensureSeeded, percentile, scenarios, startServer, stopServer, summary } from './harness.js';
import { lifecycle } from './lifecycle.js';
import { BENCH_ORGANIZATION } from './seed-large.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    writers: { type: 'string', default: '8' },
    connections: { type: 'string', default: '1' },
    window: { type: 'string', default: '10' },
    windows: { type: 'string', default: '3' },
    failed: { type: 'string', default: '10' },
    database: { type: 'string', default: 'xa_bench' },
  },
});
const rows = Number(values.rows);
const writers = Number(values.writers);
const connections = Number(values.connections);
const windowSeconds = Number(values.window);
const failedEvery = Number(values.failed);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${values.database}` }).toString();
/** Every key this bench writes starts so: its runs are found and deleted by it. */
const KEY_PREFIX = 'bench-read-write-';

await ensureSeeded(serverUrl, values.database, rows);
const sql = postgres(benchUrl, { max: 1, onnotice: () => {} });
const schedules = await sql<{ id: string }[]>`
  select id from executions_admin.xa_schedules where organization_id = ${BENCH_ORGANIZATION} order by id`;

const targeted = (await scenarios(benchUrl, rows)).filter((s) => s.target);
const paths = targeted.map((s) => s.path);

const agent = new Agent({ keepAlive: true });
/** One page's answer time in ms, its body read (gzip, not decoded), and whether it was a 200. */
const timed = (origin: string, path: string) =>
  new Promise<{ ms: number; ok: boolean }>((resolve) => {
    const started = performance.now();
    const req = request(`${origin}${path}`, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - started, ok: res.statusCode === 200 }));
    });
    req.on('error', () => resolve({ ms: performance.now() - started, ok: false }));
    req.end();
  });

/** The targeted pages in turn, at `connections`, for `seconds`: latencies overall and by page. */
async function drive(origin: string, seconds: number) {
  const byPath = new Map<string, number[]>(paths.map((p) => [p, []]));
  let failures = 0;
  const stopAt = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      for (let n = c; performance.now() < stopAt; n += 1) {
        const path = paths[n % paths.length]!;
        const { ms, ok } = await timed(origin, path);
        byPath.get(path)!.push(ms);
        if (!ok) failures += 1;
      }
    }),
  );
  const all = [...byPath.values()].flat();
  return { ...summary(all), failures, perSecond: all.length / seconds, byPath };
}
const { origin, child } = await startServer(benchUrl);
const writes = connectPostgres(benchUrl, { ...POSTGRES_DEFAULTS, max: writers, statementTimeout: 30_000 });
const ms = (n: number) => n.toFixed(n < 10 ? 1 : 0);
type Window = Awaited<ReturnType<typeof drive>> & { label: string };
const windows: Window[] = [];
let written = 0;
let writeErrors = 0;
try {
  for (let w = 0; w < Number(values.windows); w++) {
    windows.push({ label: `baseline ${w + 1}`, ...(await drive(origin, windowSeconds)) });
  }
  const tablesBefore = await countTables(sql);
  let writing = true;
  const writer = async (w: number) => {
    for (let n = 0; writing; n += 1) {
      const scheduleId = schedules[(w * 7 + n) % schedules.length]!.id;
      const failed = failedEvery > 0 && n % failedEvery === 0;
      try {
        await lifecycle(writes.db, BENCH_ORGANIZATION, scheduleId, `${KEY_PREFIX}${randomUUID()}`, failed);
        written += 1;
      } catch (error) {
        writeErrors += 1;
        if (writeErrors === 1) console.error(error);
      }
    }
  };
  const all = Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  const started = performance.now();
  for (let w = 0; w < Number(values.windows); w++) {
    const before = written;
    const read = await drive(origin, windowSeconds);
    windows.push({ label: `${writers} writers, ${((written - before) / windowSeconds).toFixed(0)} lifecycles/s`, ...read });
  }
  writing = false;
  await all;
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nCount tables, size for live tuples: before the writes ${tablesBefore}; after them ${await countTables(sql)}.`);

  console.log(`\n| window (${windowSeconds} s, ${connections} connection(s)) | requests/s | p50 ms | p95 ms | p99 ms | errors |`);
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const w of windows)
    console.log(`| ${w.label} | ${w.perSecond.toFixed(0)} | ${ms(w.p50)} | ${ms(w.p95)} | ${ms(w.p99)} | ${w.failures} |`);
  // Each page's p95 over all its windows of a kind: which pages the writers slow down.
  const pooled = (writing: boolean, path: string) =>
    windows
      .filter((w) => w.label.startsWith('baseline') !== writing)
      .flatMap((w) => w.byPath.get(path)!)
      .sort((a, b) => a - b);
  console.log('\n| page | baseline p95 ms | while writing p95 ms |');
  console.log('| --- | --- | --- |');
  for (const s of targeted)
    console.log(`| ${s.name} | ${ms(percentile(pooled(false, s.path), 95))} | ${ms(percentile(pooled(true, s.path), 95))} |`);
  const p95s = (prefix: string) => summary(windows.filter((w) => w.label.startsWith(prefix)).map((w) => w.p95));
  console.log(
    `\nWindows' p95: baseline median ${ms(p95s('baseline').p50)} ms; while writing median ${ms(p95s(`${writers} writers`).p50)} ms, ` +
      `worst ${ms(Math.max(...windows.filter((w) => !w.label.startsWith('baseline')).map((w) => w.p95)))} ms. ` +
      `${written.toLocaleString('en')} lifecycles in ${seconds.toFixed(0)} s (${(written / seconds).toFixed(1)}/s), ${writeErrors} failed.`,
  );
} finally {
  await stopServer(child);
  agent.destroy();
  await writes.close();
  // The runs written here go, with their conversations and steps; the triggers take them out of the counts.
  await sql.begin(async (tx) => {
    await tx`create temporary table written on commit drop as
      select conversation_id from executions_admin.xa_executions
       where organization_id = ${BENCH_ORGANIZATION} and idempotency_key like ${`${KEY_PREFIX}%`}`;
    await tx`delete from executions_admin.xa_executions
      where organization_id = ${BENCH_ORGANIZATION} and idempotency_key like ${`${KEY_PREFIX}%`}`;
    await tx`delete from executions_admin.xa_steps
      where organization_id = ${BENCH_ORGANIZATION} and conversation_id in (select conversation_id from written)`;
    await tx`delete from executions_admin.xa_conversations
      where organization_id = ${BENCH_ORGANIZATION} and id in (select conversation_id from written)`;
  });
  await sql.end();
}
