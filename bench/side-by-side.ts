/**
 * `npx tsx bench/side-by-side.ts --old DIR [--new DIR] [--rounds 4] [--seconds 15] [--search-path S] [--exclude RE]`: two checkouts
 * of the module (e.g. a `git worktree` of main and the working tree) served at the same time on the
 * database `npm run bench` seeded, each driven with the mixed workload at half the connections.
 * On a shared machine whose speed drifts by a third from one minute to the next, runs one after the
 * other compare the minutes as much as the code; side by side, both meet the same minute. Per
 * server and round: requests/s, CPU ms per request of the server (and its main thread) and of its
 * own Postgres backends, and its RSS peak; then the medians and their ratio new/old. `--exclude`
 * leaves out the paths it matches: `'sort=|q='` for a checkout from before search and sort, which
 * would ignore those parameters and serve another page.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { drive, processTicks, rssMb, scenarios, startServer, stopServer } from './harness.js';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    new: { type: 'string', default: '.' },
    rows: { type: 'string', default: '10000000' },
    database: { type: 'string', default: 'xa_bench' },
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '8' },
    'search-path': { type: 'string' },
    exclude: { type: 'string' },
  },
});
if (!values.old) throw new Error('--old DIR is required: the checkout to compare with');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${values.database}` });
const excluded = values.exclude ? new RegExp(values.exclude) : null;
const paths = (await scenarios(benchUrl.toString(), Number(values.rows)))
  .filter((s) => s.target && !excluded?.test(s.path))
  .map((s) => s.path);
const connections = Math.max(1, Math.floor(Number(values.connections) / 2));

interface Side {
  name: 'old' | 'new';
  child: ChildProcess;
  origin: string;
}
const sides: Side[] = [];
// Each server names its connections, so that its own Postgres backends can be told apart.
const applicationName = (name: string) => `side-by-side-${name}`;
for (const name of ['old', 'new'] as const) {
  const url = new URL(benchUrl);
  url.searchParams.set('application_name', applicationName(name));
  // A checkout from before migration 0008 names the tables unqualified; they are now in executions_admin.
  if (values['search-path']) url.searchParams.set('search_path', values['search-path']);
  const { origin, child } = await startServer(url.toString(), [], { cwd: resolve(values[name]!) });
  sides.push({ name, origin, child });
}
const sql = postgres(benchUrl.toString(), { max: 1 });
async function backendTicks(name: string): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where application_name = ${applicationName(name)}`;
  return new Map(await Promise.all(rows.map(async ({ pid }) => [pid, await processTicks(pid)] as const)));
}

type Round = { perSecond: number; server: number; main: number; postgres: number; rss: number };
const rounds: Record<Side['name'], Round[]> = { old: [], new: [] };
try {
  await Promise.all(sides.map((s) => drive(s.origin, paths, connections, 3)));
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    const start = await Promise.all(
      sides.map(async (s) => ({
        server: await processTicks(s.child.pid!),
        main: await processTicks(s.child.pid!, s.child.pid!),
        backends: await backendTicks(s.name),
      })),
    );
    const peaks = sides.map(() => 0);
    const sampler = setInterval(
      () => sides.forEach((s, i) => void rssMb(s.child.pid!).then((mb) => (peaks[i] = Math.max(peaks[i]!, mb)))),
      250,
    );
    const driven = await Promise.all(sides.map((s) => drive(s.origin, paths, connections, Number(values.seconds))));
    clearInterval(sampler);
    for (const [i, s] of sides.entries()) {
      const { perSecond, failures } = driven[i]!;
      if (failures) throw new Error(`${s.name}: ${failures} failed requests`);
      const requests = perSecond * Number(values.seconds);
      let backends = 0;
      for (const [pid, ticks] of await backendTicks(s.name)) backends += ticks - (start[i]!.backends.get(pid) ?? 0);
      // Ticks are hundredths of a second: ten milliseconds each.
      const ms = (ticks: number) => (ticks * 10) / requests;
      const r: Round = {
        perSecond,
        server: ms((await processTicks(s.child.pid!)) - start[i]!.server),
        main: ms((await processTicks(s.child.pid!, s.child.pid!)) - start[i]!.main),
        postgres: ms(backends),
        rss: peaks[i]!,
      };
      rounds[s.name].push(r);
      console.log(
        `round ${round} ${s.name}: ${r.perSecond.toFixed(0)} req/s; CPU ms per request: server ${r.server.toFixed(2)} (main thread ${r.main.toFixed(2)}), Postgres ${r.postgres.toFixed(2)}; RSS peak ${r.rss.toFixed(0)} MB`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [key, label] of [
    ['perSecond', 'requests/s'],
    ['server', 'server CPU ms/request'],
    ['main', 'main thread CPU ms/request'],
    ['postgres', 'Postgres CPU ms/request'],
    ['rss', 'RSS peak MB'],
  ] as const) {
    const [old, now] = [median(rounds.old.map((r) => r[key])), median(rounds.new.map((r) => r[key]))];
    console.log(`median ${label}: old ${old.toFixed(2)}, new ${now.toFixed(2)}, new/old ${(now / old).toFixed(3)}`);
  }
} finally {
  await sql.end();
  await Promise.all(sides.map((s) => stopServer(s.child)));
}
