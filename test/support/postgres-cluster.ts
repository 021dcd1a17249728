/**
 * A throwaway PostgreSQL cluster the test owns: made with initdb in a temp directory, started
 * with pg_ctl on a free loopback port, and stopped, frozen or restarted at will — so outages
 * are real ones, not mocks. Postgres refuses to run as root; as root, it runs as `postgres`.
 * Without initdb the suites skip with a visible message — unless REQUIRE_POSTGRES=1.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function findBinDir(): string | null {
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    // Through any symlink (e.g. /usr/local/bin/initdb): the other binaries sit beside the real one.
    if (initdb) return join(realpathSync(initdb), '..');
  } catch {
    // Not on PATH: Debian keeps it under /usr/lib/postgresql/<version>/bin.
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const newest = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return newest ? join(root, newest, 'bin') : null;
}

const binDir = findBinDir();

/** Why cluster suites skip here, or null when they run. */
export const clusterSkipReason: string | null = (() => {
  if (binDir) return null;
  if (process.env.REQUIRE_POSTGRES === '1') throw new Error('REQUIRE_POSTGRES=1 but initdb was not found');
  const reason = 'initdb not found: suites that start their own Postgres skipped';
  console.warn(`[skip] ${reason}`);
  return reason;
})();

const asRoot = process.getuid?.() === 0;

/** Runs a Postgres binary, as the `postgres` user when we are root. */
function pg(binary: string, args: string[]) {
  const path = join(binDir ?? '', binary);
  return asRoot ? run('runuser', ['-u', 'postgres', '--', path, ...args]) : run(path, args);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const port = 55432 + Math.floor(Math.random() * 5000);
    const probe = createServer();
    probe.once('error', () => resolve(freePort()));
    probe.listen(port, '127.0.0.1', () => probe.close((e) => (e ? reject(e) : resolve(port))));
  });
}

export interface PostgresCluster {
  port: number;
  /** A connection string to one of the cluster's databases. */
  url(database?: string): string;
  start(): Promise<void>;
  /** A fast shutdown: sessions are ended, new connections refused. */
  stop(): Promise<void>;
  /** SIGSTOP the postmaster: connections are accepted by the kernel but never answered. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  dispose(): Promise<void>;
}

/** `settings`: more server settings, e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`. */
export async function createCluster(settings: Record<string, string> = {}): Promise<PostgresCluster> {
  const dir = await ownedTempDir();
  const dataDir = join(dir, 'data');
  await pg('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  return serve(dir, dataDir, settings);
}

/**
 * A streaming replica of `primary` (a hot standby on a port of its own), copied with pg_basebackup:
 * read-only, behind by whatever it has not replayed yet.
 */
export async function createReplica(primary: PostgresCluster): Promise<PostgresCluster> {
  const dir = await ownedTempDir();
  const dataDir = join(dir, 'data');
  await pg('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    dataDir,
    '-R',
    '-X',
    'stream',
    '--no-sync',
    // The backup starts with a checkpoint; by default a spread one, paced to finish late in the
    // primary's checkpoint interval, which left the suite waiting on an idle cluster. Durability
    // is not under test (fsync is off): an immediate checkpoint makes the same copy.
    '--checkpoint=fast',
  ]);
  return serve(dir, dataDir, {});
}

async function ownedTempDir(): Promise<string> {
  if (!binDir) throw new Error(clusterSkipReason ?? 'no initdb');
  const dir = await mkdtemp(join(tmpdir(), 'xa-cluster-'));
  if (asRoot) {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' })));
    await chown(dir, uid!, gid!);
  }
  return dir;
}

async function serve(dir: string, dataDir: string, settings: Record<string, string>): Promise<PostgresCluster> {
  const port = await freePort();
  // Durability is not under test here: fsync off keeps start-up and writes fast.
  const serverOptions = [
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(' ');
  const postmasterPid = async () => Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  let frozen: number | null = null;

  const cluster: PostgresCluster = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await pg('pg_ctl', ['start', '-D', dataDir, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', serverOptions]);
    },
    async stop() {
      await pg('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']);
    },
    async freeze() {
      frozen = await postmasterPid();
      process.kill(frozen, 'SIGSTOP');
    },
    async thaw() {
      if (frozen === null) return;
      process.kill(frozen, 'SIGCONT');
      frozen = null;
    },
    async dispose() {
      await cluster.thaw();
      await pg('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
