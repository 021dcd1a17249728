/**
 * `npx tsx bench/instructions.ts [--old DIR] [--new DIR] [--rows 1000000] [--database xa_bench] [--warmup 240]
 * [--requests 480] [--connections 4] [--search-path S] [--out DIR]`: the server's instructions per request of the
 * mixed workload, counted by callgrind instead of timed, so that a machine shared with other work
 * gives the same answer as a quiet one (wall-clock runs here drifted by a third from one minute to
 * the next; see docs/performance.md).
 *
 * Each checkout (`--new`, default this one, and `--old` if given, e.g. a `git worktree` of an older
 * commit) is compiled as `npm run bench` compiles it, then served over HTTP under
 * `valgrind --tool=callgrind --separate-threads=yes`, with its deadline and connect timeout raised
 * for valgrind's pace, on the database `npm run bench` seeds (`--rows`; seeded here if missing).
 * A client outside valgrind sends the mixed workload's paths in a fixed order, `--connections` at
 * a time, gzip accepted: `--warmup` requests, then the counters are zeroed (`callgrind_control -z`),
 * `--requests` more, and they are dumped (`callgrind_control -d`). Start-up and warm-up are not
 * counted. Prints instructions per request of the main thread (where JavaScript runs) and of all
 * threads, and their ratio new/old; the dumps stay in `--out` for `callgrind_annotate`.
 * `--search-path executions_admin,public` for a checkout from before migration 0008, whose code
 * names the tables unqualified.
 *
 * Internally, `--serve DIR` is what runs under valgrind: DIR's compiled module behind
 * @hono/node-server, signed in as the bench organization.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    new: { type: 'string', default: '.' },
    rows: { type: 'string', default: '1000000' },
    database: { type: 'string', default: 'xa_bench' },
    warmup: { type: 'string', default: '240' },
    requests: { type: 'string', default: '480' },
    connections: { type: 'string', default: '4' },
    'search-path': { type: 'string' },
    out: { type: 'string', default: '/tmp/xa-instructions' },
    serve: { type: 'string' },
    url: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

/** Stops both servers when one side fails. */
const failed = new AbortController();

if (values.help) {
  const source = await readFile(new URL(import.meta.url), 'utf8');
  console.log(source.slice(0, source.indexOf('*/') + 2));
} else if (values.serve) {
  await serve(resolve(values.serve), values.url!);
} else {
  await count();
}

/** The checkout's compiled module, served as bench/server.ts serves it, with valgrind's time limits. */
async function serve(dir: string, url: string): Promise<void> {
  const { serve } = await import('@hono/node-server');
  const { BENCH_ORGANIZATION } = await import('./seed-large.js');
  const build = `${dir}/.bench-build/src`;
  // Before the folders by feature (issue #15) the module's files were all in src/.
  const module = (path: string) =>
    import(pathToFileURL(existsSync(`${build}/${path}`) ? `${build}/${path}` : `${build}/${path.replace(/^.*\//, '')}`).href);
  const { connectPostgres } = await module('db/database.js');
  const { createExecutionsAdmin } = await module('http/executions-admin.js');
  const { Hono } = await import(pathToFileURL(`${dir}/node_modules/hono/dist/index.js`).href);
  const { db } = connectPostgres(url, { max: 2 * cpus().length, connectTimeout: 600, statementTimeout: 600_000 });
  const app = new Hono();
  app.use('*', async (c: { set: (key: string, value: string) => void }, next: () => Promise<void>) => {
    c.set('organizationId', BENCH_ORGANIZATION);
    await next();
  });
  app.route('/admin/executions', createExecutionsAdmin({ db, deadlineMs: 600_000 }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
    console.log(`listening on http://127.0.0.1:${info.port}`),
  ) as import('node:http').Server;
  // Node closes a connection idle for 5 s; the pause for callgrind_control is longer than that.
  server.keepAliveTimeout = 0;
  process.on('SIGTERM', () => process.exit(0));
}

async function count(): Promise<void> {
  const { buildServer, ensureSeeded, scenarios } = await import('./harness.js');
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${values.database}` }).toString();
  await ensureSeeded(serverUrl, values.database, Number(values.rows));
  const paths = (await scenarios(benchUrl, Number(values.rows))).filter((s) => s.target).map((s) => s.path);
  const out = resolve(values.out);
  await mkdir(out, { recursive: true });
  const sides = (['old', 'new'] as const).filter((name) => values[name] !== undefined);
  // This checkout's build holds the --serve entry that runs each side.
  await buildServer(process.cwd());
  // Both at once: valgrind runs a process's threads one at a time, so each takes a core. If one
  // fails, the other is stopped.
  const counted = await Promise.all(
    sides.map(async (name) => {
      const dir = resolve(values[name]!);
      if (dir !== process.cwd()) await buildServer(dir);
      const url = new URL(benchUrl);
      if (values['search-path']) url.searchParams.set('search_path', values['search-path']);
      for (const file of await readdir(out)) if (file.startsWith(`${name}.`)) await rm(`${out}/${file}`);
      return { name, ...(await countSide(name, dir, url.toString(), paths, out)) };
    }),
  ).catch((error: unknown) => {
    failed.abort();
    throw error;
  });
  for (const side of counted) {
    console.log(
      `${side.name}: ${(side.main / 1e6).toFixed(2)} M instructions per request on the main thread, ${(side.all / 1e6).toFixed(2)} M on all threads (${values.requests} requests after ${values.warmup})`,
    );
  }
  if (counted.length === 2) {
    const [old, now] = counted as [(typeof counted)[0], (typeof counted)[0]];
    console.log(`new/old: main thread ${(now.main / old.main).toFixed(3)}, all threads ${(now.all / old.all).toFixed(3)}`);
  }
}

async function countSide(name: string, dir: string, url: string, paths: string[], out: string) {
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--separate-threads=yes',
      // V8 writes and rewrites machine code as it compiles.
      '--smc-check=all-non-file',
      `--callgrind-out-file=${out}/${name}.%p`,
      `--log-file=${out}/${name}.log`,
      process.execPath,
      // This file as buildServer compiled it: no loader thread of tsx's in the counted process.
      '.bench-build/bench/instructions.js',
      '--serve',
      dir,
      '--url',
      url,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], signal: failed.signal },
  );
  // Stopped because the other side failed: that side's error is the one reported.
  child.on('error', () => {});
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = chunk.toString().match(/listening on (http:\/\/[\d.:]+)/);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`${name}: the server exited (${code}); see ${out}/${name}.log`)));
    });
    const agent = new Agent({ keepAlive: true, maxSockets: Number(values.connections) });
    const warmup = Number(values.warmup);
    const requests = Number(values.requests);
    await send(origin, agent, paths, 0, warmup);
    const control = (flag: string) => promisify(execFile)('callgrind_control', [flag, String(child.pid)]);
    await control('-z');
    await send(origin, agent, paths, warmup, requests);
    await control('-d');
    agent.destroy();
    // One file per thread of the first dump (`<name>.<pid>.1-<thread>`); the main thread is 01.
    let main = 0;
    let all = 0;
    for (const file of await readdir(out)) {
      const thread = file.match(new RegExp(`^${name}\\.${child.pid}\\.1-(\\d+)$`))?.[1];
      if (!thread) continue;
      const instructions = Number((await readFile(`${out}/${file}`, 'utf8')).match(/^summary: (\d+)/m)?.[1] ?? 0);
      all += instructions;
      if (thread === '01') main = instructions;
    }
    return { main: main / requests, all: all / requests };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Requests `from` to `from + count` of the fixed order, `--connections` at a time. */
async function send(origin: string, agent: Agent, paths: string[], from: number, count: number): Promise<void> {
  let next = from;
  const get = (path: string) =>
    new Promise<void>((resolve, reject) => {
      request(`${origin}${path}`, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode}`))));
      })
        .on('error', reject)
        .end();
    });
  const worker = async () => {
    while (next < from + count) await get(paths[next++ % paths.length]!);
  };
  await Promise.all(Array.from({ length: Number(values.connections) }, worker));
}
