/**
 * `npm run bench [-- --rows 10000000] [-- --seconds 5] [-- --shape wide]`: the list at scale, on real Postgres.
 *
 * Seeds a dedicated database (--database, default xa_bench, or xa_bench_wide for the wide shape
 * (seed-large.ts), on DATABASE_URL's server) with N runs unless it already holds exactly that many, serves the module from a child process, and drives each scenario over
 * HTTP at 1 connection, then a mixed workload at 8; in the same run it measures the floor — the
 * same queries through postgres.js with no HTTP; then downloads the whole CSV export, plain and
 * gzipped. Prints a table and writes bench/results/*.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { connectPostgres } from '../src/db/database.js';
import { loadExecutionList } from '../src/list/execution-list.js';
import { loadFailureDigest } from '../src/digest/failure-digest.js';
import { parseExecutionQuery } from '../src/list/query.js';
import { findFirstRun, findOrganization } from '../src/db/organization.js';
import { localDay } from '../src/lib/time-zone.js';
import {
  cpuWindow,
  csvExport,
  ensureSeeded,
  drive,
  formatPerRequest,
  formatShares,
  rssMb,
  scenarios,
  startServer,
  stopServer,
  summary,
} from './harness.js';
import { BENCH_ORGANIZATION, type SeedShape } from './seed-large.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '5' },
    'mixed-seconds': { type: 'string', default: '20' },
    database: { type: 'string' },
    shape: { type: 'string', default: 'bench' },
  },
});
if (values.shape !== 'bench' && values.shape !== 'wide') throw new Error('--shape takes bench or wide');
const shape: SeedShape = values.shape;
const databaseName = values.database ?? (shape === 'bench' ? 'xa_bench' : 'xa_bench_wide');
if (!/^[a-z_][a-z0-9_]*$/.test(databaseName)) throw new Error('--database takes a plain lower-case name');
const rows = Number(values.rows);
const seconds = Number(values.seconds);
const mixedSeconds = Number(values['mixed-seconds']);

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();

/** The floor: the page's queries through postgres.js in this process, no HTTP, no rendering. */
async function floor(path: string, duration: number) {
  const database = connectPostgres(benchUrl);
  const found = await findOrganization(database.db, BENCH_ORGANIZATION);
  if (!found) throw new Error(`${BENCH_ORGANIZATION} is not seeded`);
  // The page reads its first run once in a while (a cached lookup): not part of the floor.
  const firstRun = await findFirstRun(database.db, BENCH_ORGANIZATION);
  const organization = { ...found, firstDay: firstRun && localDay(firstRun, found.timeZone) };
  const url = new URL(path, 'http://x');
  const parsed = parseExecutionQuery(url.searchParams);
  const digest = url.pathname.endsWith('/failures');
  const times: number[] = [];
  let failures = 0;
  const until = Date.now() + duration * 1000;
  while (Date.now() < until) {
    const start = performance.now();
    try {
      await (digest
        ? loadFailureDigest(database.db, organization, parsed)
        : loadExecutionList(database.db, organization, parsed, new Date()));
      times.push(performance.now() - start);
    } catch {
      // Cut by the statement timeout (a bare ?page=N deep in the middle): counted, not timed.
      failures += 1;
    }
  }
  await database.close();
  return { ...summary(times), failures };
}

await ensureSeeded(serverUrl, databaseName, rows, shape);
const list = await scenarios(benchUrl, rows);
const { origin, child } = await startServer(benchUrl);
const results = [];
let rssPeak = 0;
try {
  console.log(`\nDriving ${list.length} scenarios for ${seconds} s each at 1 connection, then a mix at 8 for ${mixedSeconds} s.`);
  for (const scenario of list) {
    const http = await drive(origin, [scenario.path], 1, seconds);
    const sql = await floor(scenario.path, Math.min(seconds, 3));
    rssPeak = Math.max(rssPeak, await rssMb(child.pid!));
    results.push({ ...scenario, http, floor: sql, ratio: http.p50 / sql.p50 });
    process.stdout.write('.');
  }
  const samples: number[] = [];
  const sampler = setInterval(() => void rssMb(child.pid!).then((mb) => samples.push(mb)), 500);
  const stopCpu = await cpuWindow(child.pid!, databaseName);
  const mixed = await drive(
    origin,
    list.filter((s) => s.target).map((s) => s.path),
    8,
    mixedSeconds,
  );
  const cpu = await stopCpu();
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, ...samples);
  console.log(`\nDownloading the CSV export of all ${rows.toLocaleString('en')} runs, plain, then gzipped.`);
  const csv = [await csvExport(origin, child.pid!, databaseName, false), await csvExport(origin, child.pid!, databaseName, true)];

  const ms = (n: number) => n.toFixed(n < 10 ? 1 : 0);
  console.log(
    `\n\n${rows.toLocaleString('en')} runs of the ${shape} shape in ${BENCH_ORGANIZATION} (+${Math.floor(rows / 10).toLocaleString('en')} in another organization), real Postgres, ${cpus().length} cores.\n`,
  );
  console.log('| scenario | HTTP p50 | p95 | p99 | SQL floor p50 | p95 | HTTP/floor (p50) | p95 ≤ target |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const targetMs = r.targetMs ?? 25;
    const verdict = r.target ? `${r.http.p95 <= targetMs ? 'yes' : 'NO'} (${targetMs} ms)` : '—';
    const errors = r.http.failures || r.floor.failures ? ` (${r.http.failures} HTTP / ${r.floor.failures} SQL failed)` : '';
    console.log(
      `| ${r.name}${errors} | ${ms(r.http.p50)} | ${ms(r.http.p95)} | ${ms(r.http.p99)} | ${ms(r.floor.p50)} | ${ms(r.floor.p95)} | ${r.ratio.toFixed(1)}× | ${verdict} |`,
    );
  }
  console.log(
    `\nMixed, 8 connections: ${mixed.perSecond.toFixed(0)} requests/s, p50 ${ms(mixed.p50)} ms, p95 ${ms(mixed.p95)} ms, p99 ${ms(mixed.p99)} ms, ${mixed.failures} errors; server RSS peak ${rssPeak.toFixed(0)} MB.`,
  );
  // The load generator runs in this process, on the same cores as the server and Postgres.
  console.log(`${formatShares(cpu)}; ${formatPerRequest(cpu, mixed.perSecond)}.`);
  console.log(
    '\n| CSV export, all runs | rows | seconds | rows/s | MB sent | server RSS before → peak (MB) | ≥ 100,000 rows/s |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const c of csv) {
    const verdict =
      c.rows !== rows
        ? `NO (${c.rows.toLocaleString('en')} rows, not ${rows.toLocaleString('en')})`
        : c.rowsPerSecond >= 100_000
          ? 'yes'
          : 'NO';
    console.log(
      `| ${c.encoding} | ${c.rows.toLocaleString('en')} | ${c.seconds.toFixed(1)} | ${Math.round(c.rowsPerSecond).toLocaleString('en')} | ${c.megabytes.toFixed(0)} | ${c.rssBeforeMb.toFixed(0)} → ${c.rssPeakMb.toFixed(0)} | ${verdict} |`,
    );
  }

  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}-${rows}${shape === 'bench' ? '' : `-${shape}`}.json`;
  await writeFile(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        rows,
        shape,
        cores: cpus().length,
        node: process.version,
        scenarios: results,
        mixed: { ...mixed, cpu },
        rssPeakMb: rssPeak,
        csv,
      },
      null,
      2,
    ),
  );
  console.log(`Written to ${file}`);
} finally {
  await stopServer(child);
}
