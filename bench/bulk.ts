/**
 * `npm run bench:bulk [-- --runs 200000] [--rate 200] [--concurrency 10] [--batch-size 50] [--action-ms 20]
 * [--kill-at 0.4]`: a bulk "Run again" of the newest half of an organization's runs (a date filter),
 * started as a user would (the list's form, its confirmation), served by a child process whose stub
 * scheduler takes `--action-ms` a call and runs jobs at the pace given (the `bulkJobs` option).
 *
 * While the job runs it records the runs done and the server's RSS each second, and drives three of
 * the list's pages at one connection in windows, against the same pages driven before the job. At
 * `--kill-at` of the job the server is killed (SIGKILL) and started again: the job resumes on the
 * organization's next request once its lease has run out. At the end: how many times the trail
 * holds each run (once), and how many of the scheduler's calls repeat a key (the calls in flight at
 * the kill, given the same key again). Meant for a throwaway cluster with production defaults
 * (`DATABASE_URL`); seeds `--database` (default xa_bench_bulk) once, and writes bench/results/*-bulk.json.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import postgres from 'postgres';
import { drive, ensureSeeded, rssMb, startServer, stopServer, summary } from './harness.js';
import { BENCH_ORGANIZATION, BENCH_TIME_ZONE, benchAgentId } from './seed-large.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '50' },
    'action-ms': { type: 'string', default: '20' },
    'kill-at': { type: 'string', default: '0.4' },
    'window-seconds': { type: 'string', default: '10' },
    database: { type: 'string', default: 'xa_bench_bulk' },
  },
});
const databaseName = values.database;
if (!/^[a-z_][a-z0-9_]*$/.test(databaseName)) throw new Error('--database takes a plain lower-case name');
const rows = Number(values.runs);
const pace = {
  runsPerSecond: Number(values.rate),
  concurrency: Number(values.concurrency),
  batchSize: Number(values['batch-size']),
};
const killAt = Number(values['kill-at']);
const windowSeconds = Number(values['window-seconds']);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();
const LIST = '/admin/executions';
const log = `${tmpdir()}/xa-bench-bulk-${process.pid}.log`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

await ensureSeeded(serverUrl, databaseName, rows);
const sql = postgres(benchUrl, { max: 1, onnotice: () => {} });
await sql`delete from executions_admin.xa_bulk_jobs where organization_id = ${BENCH_ORGANIZATION}`;
await sql`delete from executions_admin.xa_run_actions where organization_id = ${BENCH_ORGANIZATION}`;
await sql`vacuum analyze executions_admin.xa_run_actions`;
// The newest half of the runs, by their local day: the job's filter.
const [middle] = await sql<{ day: string }[]>`
  select to_char((started_at at time zone ${BENCH_TIME_ZONE})::date, 'YYYY-MM-DD') as day from executions_admin.xa_executions
   where organization_id = ${BENCH_ORGANIZATION} and schedule_id is not null
   order by started_at desc offset ${Math.floor(rows / 2)} limit 1`;
const query = `start=${middle!.day}`;
const paths = [LIST, `${LIST}?status=failed`, `${LIST}?agent=${benchAgentId(3)}`];

process.env.BENCH_ACTION_MS = values['action-ms'];
process.env.BENCH_ACTION_LOG = log;
process.env.BENCH_BULK_JOBS = JSON.stringify(pace);
await rm(log, { force: true });
let server = await startServer(benchUrl);
console.log(`Server ${server.child.pid}; the list before the job, ${windowSeconds} s at 1 connection…`);
const before = await drive(server.origin, paths, 1, windowSeconds);

// The job, as a user starts it: the list's form, then its confirmation's.
const listPage = await (await fetch(`${server.origin}${LIST}?${query}`)).text();
// The bulk forms' token (the saved views' forms carry their own).
const csrf = /\/bulk\/run-again"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"/.exec(listPage)?.[1];
if (!csrf) throw new Error('the list offers no bulk action: is the stub scheduler configured?');
const confirmed = await fetch(`${server.origin}${LIST}/bulk/run-again/confirm`, {
  method: 'POST',
  headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ csrf, query }),
  redirect: 'manual',
});
const jobId = confirmed.headers.get('location')?.split('/').at(-1);
if (confirmed.status !== 303 || !jobId) throw new Error(`the job did not start: ${confirmed.status}`);
const started = Date.now();

interface JobRow {
  status: string;
  done: number;
  total: number;
}
const jobNow = async () =>
  (
    await sql<JobRow[]>`select status::text, succeeded + skipped + failed as done, total from executions_admin.xa_bulk_jobs
                         where organization_id = ${BENCH_ORGANIZATION} and id = ${jobId}`
  )[0]!;
const total = (await jobNow()).total;
console.log(`Job ${jobId}: ${total.toLocaleString('en')} runs (${query}), asked ${JSON.stringify(pace)}.`);

const samples: { s: number; done: number; rssMb: number; server: number }[] = [];
let serverIndex = 0;
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    const child: ChildProcess = server.child;
    const [job, rss] = await Promise.all([jobNow(), child.exitCode === null ? rssMb(child.pid!).catch(() => NaN) : NaN]);
    samples.push({ s: (Date.now() - started) / 1000, done: job.done, rssMb: rss, server: serverIndex });
    await sleep(1000);
  }
})();

const during: { s: number; p50: number; p95: number; p99: number; n: number; failures: number }[] = [];
let killed: { s: number; done: number; resumedS: number } | null = null;
for (;;) {
  const job = await jobNow();
  if (job.status !== 'running' && job.status !== 'queued') break;
  if (!killed && job.done >= killAt * total) {
    // Samples while no server runs the job belong to neither: its rate is each server's own.
    serverIndex = -1;
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('exit', resolve));
    const at = { s: (Date.now() - started) / 1000, done: (await jobNow()).done };
    console.log(`SIGKILL at ${at.s.toFixed(0)} s, ${at.done.toLocaleString('en')} done; waiting for the lease to run out…`);
    while ((await sql`select 1 from executions_admin.xa_bulk_jobs where id = ${jobId} and lease_until > now()`).length > 0) {
      await sleep(500);
    }
    server = await startServer(benchUrl);
    serverIndex = 1;
    killed = { ...at, resumedS: (Date.now() - started) / 1000 };
  }
  const window = await drive(server.origin, paths, 1, windowSeconds);
  during.push({ s: Math.round((Date.now() - started) / 1000), ...window });
  const now = await jobNow();
  console.log(
    `${during.at(-1)!.s} s: ${now.done.toLocaleString('en')} of ${total.toLocaleString('en')} done; list p95 ${window.p95} ms (n ${window.n}, failures ${window.failures})`,
  );
}
const seconds = (Date.now() - started) / 1000;
sampling = false;
await sampler;
await stopServer(server.child);

const [trail] = await sql<{ rows: number; runs: number; most: number }[]>`
  select count(*)::int as rows, count(distinct execution_id)::int as runs, coalesce(max(n), 0)::int as most
    from (select execution_id, count(*) over (partition by execution_id) as n from executions_admin.xa_run_actions
           where organization_id = ${BENCH_ORGANIZATION} and job_id = ${jobId}) t`;
const final = await jobNow();
await sql.end();
const keys = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
await rm(log, { force: true });

/** Runs a second while a server ran the job: from its first sample to its last. */
const rateOf = (server: number) => {
  const mine = samples.filter((s) => s.server === server);
  const first = mine[0];
  const last = mine.at(-1);
  return first && last && last.s > first.s ? (last.done - first.done) / (last.s - first.s) : NaN;
};
const rssOf = (server: number) => {
  const mine = samples.filter((s) => s.server === server && Number.isFinite(s.rssMb)).map((s) => s.rssMb);
  return { first: mine[0], min: Math.min(...mine), max: Math.max(...mine), last: mine.at(-1) };
};
const duringP95 = summary(during.map((w) => w.p95));
const result = {
  date: new Date().toISOString(),
  database: benchUrl.replace(/\/\/[^@]*@/, '//'),
  runsSeeded: rows,
  query,
  total,
  pace,
  actionMs: Number(values['action-ms']),
  seconds,
  final,
  ratePerServer: [rateOf(0), rateOf(1)],
  rssMbPerServer: [rssOf(0), rssOf(1)],
  killed,
  trail,
  schedulerCalls: { calls: keys.length, keys: new Set(keys).size },
  list: { before, during, p95OfWindows: duringP95, ratioMedianP95: duringP95.p50 / before.p95 },
  samples,
};
console.log(
  [
    `Job ${final.status}: ${final.done.toLocaleString('en')} of ${total.toLocaleString('en')} in ${seconds.toFixed(0)} s`,
    `rate while served: ${result.ratePerServer.map((r) => r.toFixed(1)).join(' and ')} runs/s (asked ${pace.runsPerSecond})`,
    `server RSS MB (first/min/max/last): ${result.rssMbPerServer.map((r) => [r.first, r.min, r.max, r.last].map((v) => v?.toFixed(0)).join('/')).join(' then ')}`,
    `trail: ${trail!.rows.toLocaleString('en')} rows for ${trail!.runs.toLocaleString('en')} runs, at most ${trail!.most} a run`,
    `scheduler: ${keys.length.toLocaleString('en')} calls, ${new Set(keys).size.toLocaleString('en')} keys`,
    `list p95: before ${before.p95} ms; during, windows' p95 median ${duringP95.p50} ms, worst ${Math.max(...during.map((w) => w.p95))} ms`,
  ].join('\n'),
);
await mkdir('bench/results', { recursive: true });
const file = `bench/results/${result.date.replace(/[:.]/g, '-')}-bulk.json`;
await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`Wrote ${file}`);
