/**
 * The same suites run on embedded PGlite and, when DATABASE_URL is set, on real Postgres — each
 * run in a throwaway database of its own, so nothing assumes an empty server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { MIGRATIONS_FOLDER, openDatabase, type OpenDatabase } from '../../src/db/database.js';
import { seedDemo } from '../../src/demo/seed.js';
import { hashFiles, openMigratedPglite, SOURCE_FOLDER, type FixedSeed } from './migrated-pglite.js';

export interface TestDatabase extends OpenDatabase {
  /** The connection string, for real Postgres (null for PGlite). */
  url: string | null;
  /** Closes the connection and drops what the test created. */
  dispose(): Promise<void>;
}

/**
 * `migrated: false` leaves the database empty, for a test that applies migrations itself; `demo`
 * gives it the rows `seedDemo(db, demo)` writes.
 */
export interface OpenOptions {
  migrated?: boolean;
  demo?: FixedSeed;
}

export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  /** Why the target is skipped here, or null when it runs. */
  skipReason: string | null;
  open(options?: OpenOptions): Promise<TestDatabase>;
}

const requirePostgres = process.env.REQUIRE_POSTGRES === '1';

async function openPglite({ migrated = true, demo }: OpenOptions = {}): Promise<TestDatabase> {
  const database = migrated ? await openMigratedPglite(demo) : await openDatabase({});
  return { ...database, url: null, dispose: () => database.close() };
}

const withDatabase = (url: string, name: string) => {
  const other = new URL(url);
  other.pathname = `/${name}`;
  return other.toString();
};

/**
 * The name of a template database holding what `migrate()` makes of an empty database, for the
 * migrations, the functions file and the code that applies them as they are now (drizzle-orm's
 * version included). Copying it is a fraction of migrating afresh, which the suites did for every
 * database they opened on Postgres. Kept on the server, as the PGlite copy is kept in the temporary
 * folder: a change to any of them names a new one.
 */
const TEMPLATE = (() => {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: 'utf8' }).sort()) {
    if (/\.(sql|json)$/.test(file)) hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  hash.update(readFileSync(fileURLToPath(new URL('../../src/db/database.ts', import.meta.url))));
  hash.update(readFileSync(fileURLToPath(new URL('../../node_modules/drizzle-orm/package.json', import.meta.url))));
  return `xa_template_${hash.digest('hex').slice(0, 16)}`;
})();

/**
 * The template holding the demo's rows seeded with `demo` besides, named as the PGlite copy is: for
 * the seed's options and the source that writes them too.
 */
function demoTemplate(demo: FixedSeed): string {
  const hash = createHash('sha256')
    .update(TEMPLATE)
    .update(JSON.stringify({ ...demo, now: demo.now.toISOString() }));
  hashFiles(hash, SOURCE_FOLDER, /\.tsx?$/);
  return `xa_template_demo_${hash.digest('hex').slice(0, 16)}`;
}

/**
 * Makes the template `name` unless the server has it: a copy of `from` (or an empty database),
 * then `fill`. Workers opening databases at once take turns (a session lock on `admin`, one
 * connection); a template is marked one only once filled, so one left half made by a process that
 * died is made again. No connection is allowed to it: nothing changes it after, autovacuum
 * included, and nothing in it keeps a copy from being taken.
 */
async function ensureTemplate(
  url: string,
  admin: postgres.Sql,
  name: string,
  from: string | null,
  fill: (database: OpenDatabase) => Promise<void>,
): Promise<void> {
  const ready = async () => (await admin`select 1 from pg_database where datname = ${name} and datistemplate`).length > 0;
  if (await ready()) return;
  await admin`select pg_advisory_lock(hashtext(${name}))`;
  try {
    if (await ready()) return;
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(from ? `create database "${name}" template "${from}"` : `create database "${name}"`);
    // Seeding writes statements larger than a page's, on a machine other workers keep busy.
    const database = await openDatabase({ url: withDatabase(url, name), statementTimeout: 60_000 });
    try {
      await fill(database);
    } finally {
      await database.close();
    }
    await admin.unsafe(`alter database "${name}" with allow_connections false is_template true`);
    // The server's clock: a browser suite's own is set back to the demo's day.
    const [made] = await admin<{ at: string }[]>`select now()::text as at`;
    await admin.unsafe(`comment on database "${name}" is '${made!.at}'`);
    await dropStaleTemplates(admin, name);
  } finally {
    await admin`select pg_advisory_unlock(hashtext(${name}))`;
  }
}

/**
 * Templates of `name`'s kind that other trees made more than a day ago (or before templates were
 * dated): a change to the source names a new demo template, and on a server kept from run to run
 * the old ones piled up. A day spares the template of another tree's run going on beside this one.
 */
async function dropStaleTemplates(admin: postgres.Sql, name: string): Promise<void> {
  const kind = `^${name.slice(0, -16)}[0-9a-f]{16}$`;
  const stale = await admin<{ datname: string }[]>`
    select d.datname from pg_database d
      left join pg_shdescription s on s.objoid = d.oid and s.classoid = 'pg_database'::regclass
     where d.datname ~ ${kind} and d.datname <> ${name} and d.datistemplate
       and case when s.description ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}' then s.description::timestamptz < now() - interval '1 day'
                else true end`;
  for (const { datname } of stale) {
    await admin.unsafe(`alter database "${datname}" with is_template false`);
    await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  }
}

async function openThrowawayPostgres(url: string, { migrated = true, demo }: OpenOptions = {}): Promise<TestDatabase> {
  const name = `xa_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    if (migrated) {
      await ensureTemplate(url, admin, TEMPLATE, null, (database) => database.migrate());
      const template = demo ? demoTemplate(demo) : TEMPLATE;
      if (demo) await ensureTemplate(url, admin, template, TEMPLATE, (database) => seedDemo(database.db, demo));
      await admin.unsafe(`create database "${name}" template "${template}"`);
    } else {
      await admin.unsafe(`create database "${name}"`);
    }
  } finally {
    await admin.end();
  }
  const testUrl = withDatabase(url, name);
  const database = await openDatabase({ url: testUrl });
  return {
    ...database,
    url: testUrl,
    async dispose() {
      await database.close();
      const cleanup = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

function postgresTarget(): DatabaseTarget {
  const url = process.env.DATABASE_URL;
  if (!url) {
    if (requirePostgres) throw new Error('REQUIRE_POSTGRES=1 but DATABASE_URL is not set');
    const skipReason = 'DATABASE_URL is not set: real-Postgres suites skipped';
    console.warn(`[skip] ${skipReason}`);
    return { name: 'postgres', skipReason, open: () => Promise.reject(new Error(skipReason)) };
  }
  return { name: 'postgres', skipReason: null, open: (options) => openThrowawayPostgres(url, options) };
}

export const databaseTargets: DatabaseTarget[] = [{ name: 'pglite', skipReason: null, open: openPglite }, postgresTarget()];
