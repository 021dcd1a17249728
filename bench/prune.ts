/**
 * `npm run bench:prune [-- --rows 10000000 --prune 1000000 --connections 1 --window 10]`: a retention
 * job removing the oldest `--prune` runs (src/write/retention.ts) while the list is read, on the
 * database `npm run bench` seeded with `--rows` (default xa_bench). The targeted scenarios' pages
 * are read over HTTP at `--connections`, in windows of `--window` seconds: first without pruning
 * (the baseline, in the same run), then while `pruneExpiredRuns` works. Prints each window's
 * latencies, the job's rate, and the organization's total before and after beside a plain count.
 * It removes runs: the database holds fewer afterwards, and `npm run bench` will refuse it.
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { connectPostgres } from '../src/db/database.js';
import { pruneExpiredRuns, setRetention } from '../src/write/retention.js';
import { drive, ensureSeeded, scenarios, startServer, stopServer, summary } from './harness.js';
import { BENCH_ORGANIZATION } from './seed-large.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    prune: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '1' },
    window: { type: 'string', default: '10' },
    baseline: { type: 'string', default: '3' },
    database: { type: 'string', default: 'xa_bench' },
  },
});
const rows = Number(values.rows);
const connections = Number(values.connections);
const windowSeconds = Number(values.window);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${values.database}` }).toString();
const RETENTION_DAYS = 30;

await ensureSeeded(serverUrl, values.database, rows);
const sql = postgres(benchUrl, { max: 1, onnotice: () => {} });
/** The organization's total as the count tables give it, and by counting its runs. */
const totals = async () => {
  const [row] = await sql<{ counted: string; runs: string }[]>`
    select (select sum(runs) from executions_admin.xa_execution_monthly_counts where organization_id = ${BENCH_ORGANIZATION}) as counted,
           (select count(*) from executions_admin.xa_executions where organization_id = ${BENCH_ORGANIZATION} and schedule_id is not null) as runs`;
  return { counted: Number(row!.counted), runs: Number(row!.runs) };
};
// The job's "now": the oldest `--prune` runs are older than RETENTION_DAYS before it.
const [edge] = await sql<{ at: Date }[]>`
  select started_at as at from executions_admin.xa_executions
   where organization_id = ${BENCH_ORGANIZATION} and schedule_id is not null
   order by started_at, id offset ${Number(values.prune) - 1} limit 1`;
const now = new Date(edge!.at.getTime() + RETENTION_DAYS * 86_400_000);
const before = await totals();

const paths = (await scenarios(benchUrl, rows)).filter((s) => s.target).map((s) => s.path);
const { origin, child } = await startServer(benchUrl);
const writes = connectPostgres(benchUrl);
const ms = (n: number) => n.toFixed(n < 10 ? 1 : 0);
const windows: { label: string; p50: number; p95: number; p99: number; perSecond: number; failures: number }[] = [];
try {
  for (let w = 0; w < Number(values.baseline); w++) {
    windows.push({ label: `baseline ${w + 1}`, ...(await drive(origin, paths, connections, windowSeconds)) });
  }
  await setRetention(writes.db, BENCH_ORGANIZATION, RETENTION_DAYS);
  let pruned = 0;
  let remaining = Number.NaN;
  const started = performance.now();
  const job = pruneExpiredRuns(writes.db, {
    organizationId: BENCH_ORGANIZATION,
    now,
    onProgress: (p) => ((pruned = p.pruned), (remaining = p.remaining)),
  });
  let done = false;
  void job.finally(() => (done = true));
  while (!done) {
    const read = await drive(origin, paths, connections, windowSeconds);
    windows.push({ label: `pruning, ${pruned.toLocaleString('en')} removed`, ...read });
    process.stdout.write('.');
  }
  const result = await job;
  const seconds = (performance.now() - started) / 1000;
  await setRetention(writes.db, BENCH_ORGANIZATION, null);
  const after = await totals();

  console.log(
    `\n\n| window (${windowSeconds} s, ${connections} connection(s)) | requests/s | p50 ms | p95 ms | p99 ms | errors |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const w of windows)
    console.log(`| ${w.label} | ${w.perSecond.toFixed(0)} | ${ms(w.p50)} | ${ms(w.p95)} | ${ms(w.p99)} | ${w.failures} |`);
  const pruning = windows.filter((w) => w.label.startsWith('pruning'));
  const worst = summary(pruning.map((w) => w.p95));
  console.log(
    `\nPruned ${result.pruned[BENCH_ORGANIZATION]!.toLocaleString('en')} runs in ${seconds.toFixed(0)} s (${Math.round(result.pruned[BENCH_ORGANIZATION]! / seconds).toLocaleString('en')} runs/s), finished: ${result.finished}, ${Number.isNaN(remaining) ? '' : `${remaining} left by its count; `}windows' p95 while pruning: median ${ms(worst.p50)} ms, worst ${ms(Math.max(...pruning.map((w) => w.p95)))} ms.`,
  );
  console.log(
    `Totals before: ${before.counted.toLocaleString('en')} counted, ${before.runs.toLocaleString('en')} runs; after: ${after.counted.toLocaleString('en')} counted, ${after.runs.toLocaleString('en')} runs.`,
  );
} finally {
  await stopServer(child);
  await writes.close();
  await sql.end();
}
