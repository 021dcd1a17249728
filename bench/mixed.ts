/**
 * `npx tsx bench/mixed.ts --database xa_bench_mixed --rows 1000000 [--runs 5] [--seconds 15] [--cpu-prof DIR]`:
 * the mixed workload of `npm run bench` alone, repeated, against a database run.ts already seeded.
 * Each run reports requests/s and how the CPU split between the server, Postgres, the load
 * generator and everything else on the machine; the median closes. With --cpu-prof the server
 * writes a V8 CPU profile into DIR when it stops; the server's pid is printed for `perf record -p`.
 */
import { parseArgs } from 'node:util';
import {
  cpuWindow,
  drive,
  formatPerRequest,
  formatShares,
  perRequest,
  rssMb,
  scenarios,
  startServer,
  stopServer,
} from './harness.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    database: { type: 'string', default: 'xa_bench_mixed' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    'cpu-prof': { type: 'string' },
    /** More flags for the server's node, e.g. --node-arg=--perf-basic-prof for `perf record -a`. */
    'node-arg': { type: 'string', multiple: true, default: [] },
    /** Run the server through tsx instead of compiling it first. */
    tsx: { type: 'boolean', default: false },
  },
});
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${values.database}` }).toString();
const profileDir = values['cpu-prof'];
const nodeArgs = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...values['node-arg']];

const paths = (await scenarios(benchUrl, Number(values.rows))).filter((s) => s.target).map((s) => s.path);
const { origin, child } = await startServer(benchUrl, nodeArgs, { tsx: values.tsx });
console.log(`server pid ${child.pid}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rates: number[] = [];
const serverMs: number[] = [];
const mainMs: number[] = [];
const postgresMs: number[] = [];
try {
  await drive(origin, paths, Number(values.connections), Number(values.warmup));
  for (let run = 1; run <= Number(values.runs); run += 1) {
    let rss = 0;
    const sampler = setInterval(() => void rssMb(child.pid!).then((mb) => (rss = Math.max(rss, mb))), 500);
    const stop = await cpuWindow(child.pid!, values.database);
    const mixed = await drive(origin, paths, Number(values.connections), Number(values.seconds));
    const shares = await stop();
    clearInterval(sampler);
    rates.push(mixed.perSecond);
    serverMs.push(perRequest(shares, mixed.perSecond).server);
    mainMs.push(perRequest(shares, mixed.perSecond).serverMainThread);
    postgresMs.push(perRequest(shares, mixed.perSecond).postgres);
    console.log(
      `run ${run}: ${mixed.perSecond.toFixed(0)} req/s, p50 ${mixed.p50.toFixed(1)} ms, p99 ${mixed.p99.toFixed(1)} ms, ${mixed.failures} errors, RSS peak ${rss.toFixed(0)} MB; ${formatShares(shares)}; ${formatPerRequest(shares, mixed.perSecond)}`,
    );
  }
  console.log(
    `median ${median(rates).toFixed(0)} req/s over ${rates.length} runs (${rates.map((r) => r.toFixed(0)).join(', ')}); ` +
      `median CPU ms per request: server ${median(serverMs).toFixed(2)} (main thread ${median(mainMs).toFixed(2)}), Postgres ${median(postgresMs).toFixed(2)}`,
  );
} finally {
  await stopServer(child);
}
