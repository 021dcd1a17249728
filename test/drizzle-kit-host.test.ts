/**
 * A host running its own drizzle-kit on the database the module lives in, configured as the
 * README's Migrations paragraph says: `drizzle-kit push`, and `drizzle-kit generate` then
 * `drizzle-kit migrate`, create the host's table and leave the module's schema as it was — every
 * object with the same OID and definition (no key dropped and added again), every row, the
 * module's migrations record. And drizzle-kit reading the module's own schema.ts finds nothing to
 * change in a migrated database. The real drizzle-kit CLI (the devDependency), in a host project
 * of its own; on real Postgres only.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_TABLE, type ExecutionsDatabase } from '../src/db/database.js';
import { snapshotSchema } from './support/catalog.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { insertFixture } from './support/fixture.js';
import { select } from './support/select.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DRIZZLE_KIT = join(ROOT, 'node_modules/drizzle-kit/bin.cjs');
const target = databaseTargets.find((t) => t.name === 'postgres')!;

/** The host's config, as the README gives it. */
const HOST_CONFIG = `import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
  schemaFilter: ['public'],
  dbCredentials: { url: process.env.DATABASE_URL! },
});
`;

/** The host's own tables: one with an enum of its own. */
const HOST_SCHEMA = `import { pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';

export const invoiceStatus = pgEnum('invoice_status', ['open', 'paid']);

export const invoices = pgTable('invoices', {
  id: uuid('id').primaryKey().defaultRandom(),
  organizationId: text('organization_id').notNull(),
  status: invoiceStatus('status').notNull(),
});
`;

/** drizzle-kit reading the module's schema.ts, for its schema alone. */
const MODULE_CONFIG = `export default {
  dialect: 'postgresql',
  schema: ${JSON.stringify(join(ROOT, 'src/db/schema.ts'))},
  schemaFilter: ['executions_admin'],
  dbCredentials: { url: process.env.DATABASE_URL! },
};
`;

/** A host project: its config, its schema, and the repository's node_modules for drizzle-kit and drizzle-orm. */
async function hostProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'xa-drizzle-kit-host-'));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src/schema.ts'), HOST_SCHEMA);
  await writeFile(join(dir, 'drizzle.config.ts'), HOST_CONFIG);
  await writeFile(join(dir, 'module.config.ts'), MODULE_CONFIG);
  return dir;
}

/**
 * Runs the drizzle-kit CLI in the host project against `url`, with no terminal: a question it
 * would ask (a rename?) fails it, which it reports on its output, still exiting 0.
 */
async function drizzleKit(dir: string, url: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [DRIZZLE_KIT, ...args], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: url },
    timeout: 60_000,
  });
  const output = `${stdout}\n${stderr}`;
  // The error lines alone: its stack frames would send vitest looking for drizzle-kit's source maps.
  expect(output.split('\n').filter((line) => /error/i.test(line))).toEqual([]);
  return output;
}

/** The module's schema as the catalogs tell it, and the record of its migrations. */
async function moduleState(db: ExecutionsDatabase) {
  return {
    schema: await snapshotSchema(db, 'executions_admin'),
    migrations: await select(
      db,
      sql`select id, hash, created_at from ${sql.identifier('drizzle')}.${sql.identifier(MIGRATIONS_TABLE)} order by id`,
    ),
  };
}

async function hostTables(db: ExecutionsDatabase) {
  return select(
    db,
    sql`select to_regclass('public.invoices')::text as invoices, to_regtype('public.invoice_status')::text as status`,
  );
}

describe.skipIf(target.skipReason !== null)(
  `a host's drizzle-kit beside the module on postgres${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
  () => {
    let dir: string;
    let pushed: TestDatabase;
    let migrated: TestDatabase;

    beforeAll(async () => {
      dir = await hostProject();
      // One at a time, so that afterAll drops the first when the second fails to open.
      pushed = await target.open();
      migrated = await target.open();
      for (const database of [pushed, migrated]) await insertFixture(database.db);
    });
    afterAll(async () => {
      await Promise.all([pushed?.dispose(), migrated?.dispose()]);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('push creates the host’s tables and leaves the module’s schema, rows and record as they were', async () => {
      const before = await moduleState(pushed.db);
      expect(before.schema.rows.filter((line) => !line.includes(': 0 rows')).length).toBeGreaterThan(5);
      expect(before.migrations.length).toBeGreaterThan(8);

      // --force approves whatever would lose data: were the module's objects in drizzle-kit's
      // sight, they would be dropped, not asked about.
      const output = await drizzleKit(dir, pushed.url!, ['push', '--force', '--verbose']);
      expect(output).toContain('CREATE TABLE "invoices"');
      expect(output).not.toMatch(/executions_admin|xa_/);
      expect(await hostTables(pushed.db)).toEqual([{ invoices: 'invoices', status: 'invoice_status' }]);
      expect(await moduleState(pushed.db)).toEqual(before);

      // And again: nothing to do, nothing dropped and added back.
      expect(await drizzleKit(dir, pushed.url!, ['push', '--force', '--verbose'])).toContain('No changes detected');
      expect(await moduleState(pushed.db)).toEqual(before);
    });

    it('generate writes a migration of the host’s tables only, and migrate applies it beside the module', async () => {
      const before = await moduleState(migrated.db);
      await drizzleKit(dir, migrated.url!, ['generate']);
      const files = (await readdir(join(dir, 'drizzle'))).filter((name) => name.endsWith('.sql'));
      expect(files).toHaveLength(1);
      const generated = await readFile(join(dir, 'drizzle', files[0]!), 'utf8');
      expect(generated).toContain('CREATE TABLE "invoices"');
      expect(generated).not.toMatch(/executions_admin|xa_/);

      await drizzleKit(dir, migrated.url!, ['migrate']);
      expect(await hostTables(migrated.db)).toEqual([{ invoices: 'invoices', status: 'invoice_status' }]);
      expect(await moduleState(migrated.db)).toEqual(before);
    });

    it('finds the module’s schema.ts and its migrated database the same', async () => {
      const before = await moduleState(pushed.db);
      const output = await drizzleKit(dir, pushed.url!, ['push', '--config', 'module.config.ts', '--verbose']);
      expect(output).toContain('No changes detected');
      expect(await moduleState(pushed.db)).toEqual(before);
    });
  },
);
