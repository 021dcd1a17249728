/**
 * What `npm run bench` (run.ts) and the mixed-load profiler (mixed.ts) share: the scenarios, the
 * server in its own process, the load generator and the CPU accounting of a run.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { connectPostgres } from '../src/db/database.js';
import { PAGE_SIZE } from '../src/list/query.js';
import { BENCH_ORGANIZATION, benchAgentId, seedLarge, type SeedShape } from './seed-large.js';

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
};

export interface Scenario {
  name: string;
  path: string;
  /** Held to a p95 target: 25 ms, or `targetMs` (a search's, issue #19: 50 ms). */
  target: boolean;
  targetMs?: number;
}

/**
 * Creates and migrates the database `databaseName` on `serverUrl`'s server and seeds it with `rows`
 * runs of `shape` unless it already holds exactly that many (it refuses to reseed a database
 * holding others; it cannot tell shapes apart, so each shape has its own database).
 */
export async function ensureSeeded(
  serverUrl: string,
  databaseName: string,
  rows: number,
  shape: SeedShape = 'bench',
): Promise<void> {
  const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${databaseName}`;
  if (!exists) await admin.unsafe(`create database ${databaseName}`);
  await admin.end();
  const database = connectPostgres(benchUrl);
  await database.migrate();
  const sql = postgres(benchUrl, { max: 1 });
  const [seeded] = await sql<{ n: string | null }[]>`
    select sum(runs) as n from executions_admin.xa_execution_daily_counts where organization_id = ${BENCH_ORGANIZATION}`;
  const n = seeded?.n ?? null;
  await sql.end();
  await database.close();
  if (Number(n ?? 0) === rows) {
    console.log(`${databaseName} already holds ${rows.toLocaleString('en')} runs.`);
    return;
  }
  if (n !== null) throw new Error(`${databaseName} holds ${n} runs, not ${rows}: drop it (dropdb ${databaseName}) to reseed`);
  console.log(`Seeding ${rows.toLocaleString('en')} runs of the ${shape} shape into ${databaseName}…`);
  const started = Date.now();
  await seedLarge(benchUrl, rows, { shape });
  console.log(`Seeded in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

/** The scenarios; deep-page cursors are read once from the database, as the arrows would carry them. */
export async function scenarios(benchUrl: string, rows: number): Promise<Scenario[]> {
  const sql = postgres(benchUrl, { max: 1 });
  const rowAt = async (offset: number) => {
    const [row] = await sql<{ ts: string; id: string }[]>`
      select to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ts, id from executions_admin.xa_executions
       where organization_id = ${BENCH_ORGANIZATION} and schedule_id is not null
       order by started_at desc, id desc offset ${offset} limit 1`;
    return `${row!.ts},${row!.id}`;
  };
  const pageCount = Math.ceil(rows / PAGE_SIZE);
  const deep = Math.min(100_000, Math.max(2, Math.floor(pageCount / 2)));
  const nextCursor = await rowAt((deep - 1) * PAGE_SIZE - 1);
  const previousCursor = await rowAt(deep * PAGE_SIZE);
  // The Next arrow's cursor sorted by most credits first: the key (src/list/sort.ts), start and id.
  const [byCredits] = await sql<{ cursor: string }[]>`
    select credits_desc_key::text || ',' || to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || ',' || id as cursor
      from executions_admin.xa_executions
     where organization_id = ${BENCH_ORGANIZATION} and schedule_id is not null
     order by credits_desc_key desc, started_at desc, id desc offset ${(deep - 1) * PAGE_SIZE - 1} limit 1`;
  await sql.end();
  const agent = benchAgentId(3);
  const base = '/admin/executions';
  return [
    { name: 'first page, no filter', path: base, target: true },
    { name: 'status = Failed', path: `${base}?status=failed`, target: true },
    { name: 'one agent', path: `${base}?agent=${agent}`, target: true },
    { name: 'date range (a month)', path: `${base}?start=2025-06-01&end=2025-06-30`, target: true },
    {
      name: 'all filters together',
      path: `${base}?agent=${agent}&status=completed&start=2025-06-01&end=2025-06-30`,
      target: true,
    },
    // The organization is on +05:30: its days start at 18:30 UTC the day before.
    { name: 'one local day (+05:30 zone)', path: `${base}?start=2026-03-08&end=2026-03-08`, target: true },
    { name: 'credit spikes only', path: `${base}?spikes=1`, target: true },
    {
      name: 'one kind of failure (a digest link)',
      path: `${base}?status=failed&tool=hubspot&error=${encodeURIComponent('hubspot: request timed out after <n> ms')}`,
      target: true,
    },
    { name: 'failure digest, no filter', path: `${base}/failures`, target: true },
    { name: 'failure digest, Failed credit spikes', path: `${base}/failures?status=failed&spikes=1`, target: true },
    { name: 'failure digest, one agent', path: `${base}/failures?agent=${agent}`, target: true },
    { name: 'failure digest, a month', path: `${base}/failures?start=2025-06-01&end=2025-06-30`, target: true },
    { name: 'failure digest, a year', path: `${base}/failures?start=2025-01-01&end=2025-12-31`, target: true },
    // Whole months that are not a year (a row per kind and month), and twelve months not starting on the 1st (the daily counts).
    { name: 'failure digest, a quarter', path: `${base}/failures?start=2025-04-01&end=2025-06-30`, target: true },
    {
      name: 'failure digest, twelve months from the 15th',
      path: `${base}/failures?start=2025-03-15&end=2026-03-14`,
      target: true,
    },
    // Search (bench/seed-large.ts: every title holds "schedule", a quarter of the runs call hubspot,
    // one run in 50,000 is called zendesk). The writers of bench/read-while-writing.ts call no hubspot.
    { name: 'search, a frequent term', path: `${base}?q=schedule`, target: true, targetMs: 50 },
    { name: 'search, a term of a quarter of the runs', path: `${base}?q=hubspot`, target: true, targetMs: 50 },
    { name: 'search, a rare term', path: `${base}?q=zendesk`, target: true, targetMs: 50 },
    { name: 'search with a filter', path: `${base}?q=hubspot&status=failed`, target: true, targetMs: 50 },
    { name: 'search, no match', path: `${base}?q=zebra`, target: true, targetMs: 50 },
    {
      name: `next arrow to page ${deep.toLocaleString('en')}`,
      path: `${base}?page=${deep}&after=${encodeURIComponent(nextCursor)}`,
      target: true,
    },
    {
      name: `previous arrow to page ${(deep - 1).toLocaleString('en')}`,
      path: `${base}?page=${deep - 1}&before=${encodeURIComponent(previousCursor)}`,
      target: true,
    },
    // Sortable columns, alone and with filters (src/list/sort.ts).
    { name: 'most credits first', path: `${base}?sort=-credits`, target: true },
    { name: 'fewest credits first', path: `${base}?sort=credits`, target: true },
    { name: 'longest first', path: `${base}?sort=-duration`, target: true },
    { name: 'shortest first', path: `${base}?sort=duration`, target: true },
    { name: 'oldest first', path: `${base}?sort=date`, target: true },
    { name: 'Failed, fewest credits first', path: `${base}?status=failed&sort=credits`, target: true },
    { name: 'Active, longest first', path: `${base}?status=active&sort=-duration`, target: true },
    { name: 'one agent, fewest credits first', path: `${base}?agent=${agent}&sort=credits`, target: true },
    { name: 'credit spikes, fewest credits first', path: `${base}?spikes=1&sort=credits`, target: true },
    { name: 'one agent, longest first', path: `${base}?agent=${agent}&sort=-duration`, target: true },
    { name: 'a month, most credits first', path: `${base}?start=2025-06-01&end=2025-06-30&sort=-credits`, target: true },
    { name: 'search, most credits first', path: `${base}?q=hubspot&sort=-credits`, target: true },
    // Two filters and a sort, and a search with a filter and a sort.
    { name: 'Failed, one agent, most credits first', path: `${base}?status=failed&agent=${agent}&sort=-credits`, target: true },
    {
      name: 'one agent, a month, longest first',
      path: `${base}?agent=${agent}&start=2025-06-01&end=2025-06-30&sort=-duration`,
      target: true,
    },
    // A date range with a sort, read by weeks (week-slices.ts): every run takes 40 s here, so the
    // duration's ties go by start, and a range's runs sit behind every newer run.
    { name: 'a month, longest first', path: `${base}?start=2025-06-01&end=2025-06-30&sort=-duration`, target: true },
    {
      name: 'Completed, a month, longest first',
      path: `${base}?status=completed&start=2025-06-01&end=2025-06-30&sort=-duration`,
      target: true,
    },
    { name: 'a Monday, longest first', path: `${base}?start=2025-06-02&end=2025-06-02&sort=-duration`, target: true },
    {
      name: 'one agent, a year, most credits first',
      path: `${base}?agent=${agent}&start=2025-01-01&end=2025-12-31&sort=-credits`,
      target: true,
    },
    {
      name: 'Pending, a month, fewest credits first',
      path: `${base}?status=pending&start=2025-06-01&end=2025-06-30&sort=credits`,
      target: true,
    },
    // A range with one end open: the other end is the organization's first or last run.
    { name: 'since June 2025, shortest first', path: `${base}?start=2025-06-01&sort=duration`, target: true },
    { name: 'until June 2025, longest first', path: `${base}?end=2025-06-30&sort=-duration`, target: true },
    { name: 'since June 2025, most credits first', path: `${base}?start=2025-06-01&sort=-credits`, target: true },
    {
      name: 'Failed, until June 2025, fewest credits first',
      path: `${base}?status=failed&end=2025-06-30&sort=credits`,
      target: true,
    },
    // Two filters whose runs no index holds together, sorted: an agent that has no Active run (a
    // status it rarely has would walk as far), and a kind of failure within a month.
    {
      name: 'Active, an agent with none, longest first',
      path: `${base}?status=active&agent=${agent}&sort=-duration`,
      target: true,
    },
    {
      name: 'one kind of failure, a month, most credits first',
      path: `${base}?status=failed&tool=hubspot&error=${encodeURIComponent('hubspot: request timed out after <n> ms')}&start=2025-06-01&end=2025-06-30&sort=-credits`,
      target: true,
    },
    { name: 'credit spikes, Completed, shortest first', path: `${base}?spikes=1&status=completed&sort=duration`, target: true },
    // A rare set and a second filter whose runs sit at the set's far end: agent 0's timeouts cost
    // least of all agents', agent 1's spikes most; no Failed run is a spike.
    {
      name: 'one kind of failure, the agent it costs least, most credits first',
      path: `${base}?status=failed&tool=hubspot&error=${encodeURIComponent('hubspot: request timed out after <n> ms')}&agent=${benchAgentId(0)}&sort=-credits`,
      target: true,
    },
    {
      name: 'credit spikes, one agent, fewest credits first',
      path: `${base}?spikes=1&agent=${benchAgentId(1)}&sort=credits`,
      target: true,
    },
    {
      name: 'credit spikes, Failed (none), most credits first',
      path: `${base}?spikes=1&status=failed&sort=-credits`,
      target: true,
    },
    // A search in another order within a range: every run lasts 40 s, so a walk of the duration's
    // order passed every newer run; a rare term's matches are sorted instead.
    {
      name: 'search, a month, longest first',
      path: `${base}?q=hubspot&start=2025-06-01&end=2025-06-30&sort=-duration`,
      target: true,
    },
    {
      name: 'a rare term, a year, fewest credits first',
      path: `${base}?q=zendesk&start=2025-01-01&end=2025-12-31&sort=credits`,
      target: true,
    },
    { name: 'search with a filter, fewest credits first', path: `${base}?q=hubspot&status=failed&sort=credits`, target: true },
    {
      name: `next arrow to page ${deep.toLocaleString('en')}, most credits first`,
      path: `${base}?sort=-credits&page=${deep}&after=${encodeURIComponent(byCredits!.cursor)}`,
      target: true,
    },
    { name: 'last page (bare ?page=N)', path: `${base}?page=${pageCount}`, target: true },
    { name: 'bare ?page=N in the middle (no target)', path: `${base}?page=${Math.floor(pageCount / 2)}`, target: false },
  ];
}

/**
 * The server as the package ships it: compiled by tsc (into .bench-build/), run by plain node.
 * Under tsx the same server held 55 MB more (its loader thread and transform caches), which is
 * not the module's memory.
 */
/** Each count table's size beside its live tuples' bytes (pgstattuple, created if missing): what churn left behind. */
export async function countTables(sql: postgres.Sql): Promise<string> {
  await sql`create extension if not exists pgstattuple`;
  const rows = await sql<{ name: string; table_len: string; tuple_len: string }[]>`
    select c.relname as name, s.table_len, s.tuple_len
    from pg_class c join pg_namespace n on n.oid = c.relnamespace, lateral pgstattuple(c.oid) s
    where n.nspname = 'executions_admin' and c.relkind = 'r' and c.relname like 'xa_execution_%counts' order by 1`;
  const kb = (bytes: string) => `${(Number(bytes) / 1024).toFixed(0)} kB`;
  return rows
    .map((r) => `${r.name.replace(/^xa_execution_|_counts$/g, '')} ${kb(r.table_len)} for ${kb(r.tuple_len)} live`)
    .join(', ');
}

export async function buildServer(cwd: string): Promise<string> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', 'bench/tsconfig.server.json'], { cwd });
  // The module reads its stylesheet and script from ../public, as dist/ has them.
  await cp(`${cwd}/public`, `${cwd}/.bench-build/public`, { recursive: true });
  return '.bench-build/bench/server.js';
}

/**
 * bench/server.ts in a child process, compiled (or through tsx with `{ tsx: true }`); `nodeArgs`
 * e.g. `--cpu-prof` to profile it. `cwd`: the checkout to serve, by default this one.
 */
export async function startServer(
  benchUrl: string,
  nodeArgs: string[] = [],
  { tsx = false, cwd = process.cwd() } = {},
): Promise<{ origin: string; child: ChildProcess }> {
  const entry = tsx ? ['--import', 'tsx', 'bench/server.ts'] : [await buildServer(cwd)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...entry], {
      cwd,
      env: { ...process.env, BENCH_DATABASE_URL: benchUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      const match = chunk.toString().match(/listening on (http:\/\/[\d.:]+)/);
      if (match) resolve({ origin: match[1]!, child });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
}

/** Stops the server and waits for it to exit (a --cpu-prof profile is written on the way out). */
export function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
}

/** Latencies of every response (autocannon's own percentiles skip p95). */
export async function drive(origin: string, paths: string[], connections: number, duration: number) {
  const times: number[] = [];
  let failures = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections,
        duration,
        requests: paths.map((path) => ({ method: 'GET', path })),
        headers: { 'accept-encoding': 'gzip' },
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      times.push(responseTime);
      if (statusCode !== 200) failures += 1;
    });
  });
  return { ...summary(times), failures: failures + result.errors + result.timeouts, perSecond: times.length / duration };
}

/* CPU accounting, from /proc: seconds of CPU (user + system) each party used over a window. */

const TICKS_PER_SECOND = 100;

export async function processTicks(pid: number, thread?: number): Promise<number> {
  try {
    const stat = await readFile(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Postgres backends serving one database (their title names it), by pid. */
async function backendTicks(databaseName: string): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('postgres: ') && cmdline.split(' ').includes(databaseName)) {
      ticks.set(Number(entry), await processTicks(Number(entry)));
    }
  }
  return ticks;
}

async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

export interface CpuShares {
  /** Wall-clock seconds of the window. */
  seconds: number;
  /** CPU seconds per second (1 = one core busy) of each party. */
  server: number;
  /** The server's main thread alone (JavaScript runs there; it can use one core at most). */
  serverMainThread: number;
  postgres: number;
  loadGenerator: number;
  /** Everything else the machine ran meanwhile (other users of the shared cores). */
  other: number;
  cores: number;
}

/** Starts counting; the returned function stops and reports. */
export async function cpuWindow(serverPid: number, databaseName: string): Promise<() => Promise<CpuShares>> {
  const started = performance.now();
  const server0 = await processTicks(serverPid);
  const main0 = await processTicks(serverPid, serverPid);
  const backends0 = await backendTicks(databaseName);
  const self0 = process.cpuUsage();
  const machine0 = await machineTicks();
  return async () => {
    const machine1 = await machineTicks();
    const self = process.cpuUsage(self0);
    const server1 = await processTicks(serverPid);
    const main1 = await processTicks(serverPid, serverPid);
    const backends1 = await backendTicks(databaseName);
    const seconds = (performance.now() - started) / 1000;
    let backendDelta = 0;
    // Backends that started during the window count from zero.
    for (const [pid, ticks] of backends1) backendDelta += ticks - (backends0.get(pid) ?? 0);
    const perSecond = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
    const server = perSecond(server1 - server0);
    const postgresShare = perSecond(backendDelta);
    const loadGenerator = (self.user + self.system) / 1e6 / seconds;
    const busy = perSecond(machine1.busy - machine0.busy);
    const cores = Math.round((machine1.total - machine0.total) / TICKS_PER_SECOND / seconds);
    return {
      seconds,
      server,
      serverMainThread: perSecond(main1 - main0),
      postgres: postgresShare,
      loadGenerator,
      other: Math.max(0, busy - server - postgresShare - loadGenerator),
      cores,
    };
  };
}

export const formatShares = (s: CpuShares) =>
  `CPU (cores busy of ${s.cores}): server ${s.server.toFixed(2)} (main thread ${s.serverMainThread.toFixed(2)}), Postgres ${s.postgres.toFixed(2)}, load generator ${s.loadGenerator.toFixed(2)}, other ${s.other.toFixed(2)}`;

/** CPU milliseconds each party spent per request: steadier than requests/s on a shared machine. */
export const perRequest = (s: CpuShares, requestsPerSecond: number) => ({
  server: (1000 * s.server) / requestsPerSecond,
  serverMainThread: (1000 * s.serverMainThread) / requestsPerSecond,
  postgres: (1000 * s.postgres) / requestsPerSecond,
  loadGenerator: (1000 * s.loadGenerator) / requestsPerSecond,
});

export const formatPerRequest = (s: CpuShares, requestsPerSecond: number) => {
  const r = perRequest(s, requestsPerSecond);
  return `CPU ms per request: server ${r.server.toFixed(2)} (main thread ${r.serverMainThread.toFixed(2)}), Postgres ${r.postgres.toFixed(2)}, load generator ${r.loadGenerator.toFixed(2)}`;
};

/**
 * "Download CSV" of every run matching `search` (a query string, '' for all), over HTTP: rows per
 * second, bytes sent, the server's RSS before and at its peak meanwhile (sampled every 100 ms), and
 * who used the CPU. `gzip` asks for it as browsers do.
 */
export async function csvExport(origin: string, pid: number, databaseName: string, gzip: boolean, search = '') {
  const rssBefore = await rssMb(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => void rssMb(pid).then((mb) => (rssPeak = Math.max(rssPeak, mb))), 100);
  const stopCpu = await cpuWindow(pid, databaseName);
  const start = performance.now();
  const { lines, bytes } = await new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
    request(
      `${origin}/admin/executions/export.csv${search ? `?${search}` : ''}`,
      { headers: gzip ? { 'accept-encoding': 'gzip' } : {} },
      (res) => {
        let bytes = 0;
        let lines = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
        body.on('data', (chunk: Buffer) => {
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
        });
        body.on('end', () => resolve({ lines, bytes }));
        body.on('error', reject);
      },
    )
      .on('error', reject)
      .end();
  });
  const seconds = (performance.now() - start) / 1000;
  const cpu = await stopCpu();
  clearInterval(sampler);
  // The header is a line of its own.
  const exported = lines - 1;
  return {
    encoding: gzip ? 'gzip' : 'identity',
    rows: exported,
    seconds,
    rowsPerSecond: exported / seconds,
    megabytes: bytes / 1e6,
    rssBeforeMb: rssBefore,
    rssPeakMb: rssPeak,
    cpu,
  };
}
