/**
 * A migrated in-memory PGlite, loaded from a copy of one migrated once. A fresh PGlite runs initdb
 * and every migration, and the suites open dozens; loading the copy takes a third of that time
 * (docs/performance.md, "The suite's own time"). The copy is a file in the
 * system's temporary folder named for what it was made from (PGlite's version, the migrations and
 * the functions file), so a change to any of them makes a new one; suites running side by side
 * that find none each make their own and the last rename wins, all of them equal.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import {
  MIGRATIONS_FOLDER,
  migrateExecutionsAdmin,
  openDatabase,
  pgliteExtensions,
  type OpenDatabase,
} from '../../src/db/database.js';

/** PGlite's installed version: its package.json, found up from its entry (its exports leave it out). */
function pgliteVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (manifest.name === '@electric-sql/pglite') return manifest.version;
  }
  throw new Error('PGlite has no package.json above its entry');
}

function templatePath(): string {
  const hash = createHash('sha256').update(pgliteVersion());
  const files = readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: 'utf8' }).sort();
  for (const file of files) {
    if (!/\.(sql|json)$/.test(file)) continue;
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return join(tmpdir(), `executions-admin-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

async function template(path: string): Promise<Blob> {
  const stored = await readFile(path).catch(() => null);
  if (stored) return new Blob([stored]);
  const fresh = await openDatabase({});
  try {
    await fresh.migrate();
    const dump = await ((fresh.db as unknown as { $client: PGlite }).$client.dumpDataDir('none') as Promise<Blob>);
    const part = `${path}.${process.pid}.${Date.now()}`;
    await writeFile(part, Buffer.from(await dump.arrayBuffer()));
    await rename(part, path);
    return dump;
  } finally {
    await fresh.close();
  }
}

/** An in-memory PGlite with the module's migrations applied, as `openDatabase({})` then `migrate()` gives. */
export async function openMigratedPglite(): Promise<OpenDatabase> {
  const client = new PGlite({ loadDataDir: await template(templatePath()), extensions: await pgliteExtensions() });
  const db = drizzle(client);
  return { db, migrate: () => migrateExecutionsAdmin(db), close: () => client.close() };
}
