/**
 * What installing the module adds to a host that already runs hono, drizzle-orm and postgres.js:
 * only the packages the module needs on real Postgres, at most 40 MB. PGlite, for the embedded
 * database only, is an optional peer: without it the module loads and serves, and opening the
 * embedded database says how to get it; once the host installs it, the embedded database opens.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGLITE_MISSING } from '../src/db/database.js';
import {
  createHost,
  install,
  installedPackages,
  nodeModulesBytes,
  ownVersion,
  packModule,
  runtimeDependencies,
} from './support/packed-module.js';

const run = promisify(execFile);
const MAX_GROWTH_BYTES = 40_000_000;
const HOST_PACKAGES = ['hono', 'drizzle-orm', 'postgres'];

/** Run in the host: the module loads, answers a request, and tries the embedded database. */
const CHECK = `
import { sql } from 'drizzle-orm';
import { createExecutionsAdmin, openDatabase } from 'executions-admin';
const app = createExecutionsAdmin({ db: 'postgres://127.0.0.1:1/never-connected' });
const status = (await app.request('/')).status;
const embedded = await openDatabase({}).then(
  async (database) => {
    const { rows } = await database.db.execute(sql\`select 1 + 1 as two\`);
    await database.close();
    return rows[0];
  },
  (error) => ({ error: error.message }),
);
console.log(JSON.stringify({ status, embedded }));
`;

async function check(host: string): Promise<{ status: number; embedded: unknown }> {
  const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: host });
  return JSON.parse(stdout) as { status: number; embedded: unknown };
}

describe('installing the packed module into a host on hono, drizzle-orm and postgres.js', () => {
  let work: string;
  let host: string;
  const before = { bytes: 0, packages: [] as string[] };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'xa-weight-'));
    const tarball = await packModule(work);
    host = await createHost(
      work,
      'host',
      HOST_PACKAGES.map((name) => `${name}@${ownVersion(name)}`),
    );
    before.bytes = await nodeModulesBytes(host);
    before.packages = await installedPackages(host);
    await install(host, [tarball]);
    await writeFile(join(host, 'check.mjs'), CHECK);
  }, 600_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('adds the module and its runtime dependencies only, at most 40 MB', async () => {
    const added = (await installedPackages(host)).filter((name) => !before.packages.includes(name));
    const growth = (await nodeModulesBytes(host)) - before.bytes;
    console.log(`install weight: ${added.length} packages (${added.join(', ')}), ${(growth / 1e6).toFixed(1)} MB`);
    expect(added).toEqual(['executions-admin', ...runtimeDependencies().filter((name) => !HOST_PACKAGES.includes(name))].sort());
    expect(added).not.toContain('@electric-sql/pglite');
    expect(added).not.toContain('@hono/node-server');
    expect(growth).toBeLessThanOrEqual(MAX_GROWTH_BYTES);
  });

  it('serves without PGlite, and opening the embedded database says how to install it', async () => {
    expect(await check(host)).toEqual({ status: 401, embedded: { error: PGLITE_MISSING } });
  });

  it('opens the embedded database once the host installs PGlite', async () => {
    await install(host, [`@electric-sql/pglite@${ownVersion('@electric-sql/pglite')}`]);
    expect(await check(host)).toEqual({ status: 401, embedded: { two: 2 } });
  }, 120_000);
});
