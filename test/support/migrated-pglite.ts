/**
 * A migrated in-memory PGlite, loaded from a copy of one migrated once. A fresh PGlite runs initdb
 * and every migration, and the suites open dozens; loading the copy takes a third of that time
 * (docs/performance.md, "The suite's own time"). The copy is a file in the
 * system's temporary folder named for what it was made from (PGlite's version, the migrations and
 * the functions file), so a change to any of them makes a new one; suites running side by side
 * that find none each make their own and the last rename wins, all of them equal.
 *
 * The browser suites' demo data is kept the same way: seeding it took several seconds a suite,
 * more than loading the copy. Its copy is named for the seed's options too, and for the module's
 * source, which the seed writes through.
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
  type ExecutionsDatabase,
  type OpenDatabase,
} from '../../src/db/database.js';
import { seedDemo, type SeedOptions } from '../../src/demo/seed.js';

/** The demo's options with its `now` fixed, so that every seed with them writes the same rows. */
export type FixedSeed = SeedOptions & { now: Date };

export const SOURCE_FOLDER = fileURLToPath(new URL('../../src/', import.meta.url));

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

type Hash = ReturnType<typeof createHash>;

/** Every file of `folder` whose name matches `names`, name and content, in a stable order. */
export function hashFiles(hash: Hash, folder: string, names: RegExp): void {
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();
  for (const file of files) {
    if (!names.test(file)) continue;
    hash.update(file).update(readFileSync(join(folder, file)));
  }
}

function templatePath(demo: FixedSeed | undefined): string {
  const hash = createHash('sha256').update(pgliteVersion());
  hashFiles(hash, MIGRATIONS_FOLDER, /\.(sql|json)$/);
  if (demo) {
    hash.update(JSON.stringify({ ...demo, now: demo.now.toISOString() }));
    hashFiles(hash, SOURCE_FOLDER, /\.tsx?$/);
  }
  return join(tmpdir(), `executions-admin-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

async function template(path: string, fill: (db: ExecutionsDatabase) => Promise<void>): Promise<Blob> {
  const stored = await readFile(path).catch(() => null);
  if (stored) return new Blob([stored]);
  const fresh = await openDatabase({});
  try {
    await fresh.migrate();
    await fill(fresh.db);
    const dump = await ((fresh.db as unknown as { $client: PGlite }).$client.dumpDataDir('none') as Promise<Blob>);
    const part = `${path}.${process.pid}.${Date.now()}`;
    await writeFile(part, Buffer.from(await dump.arrayBuffer()));
    await rename(part, path);
    return dump;
  } finally {
    await fresh.close();
  }
}

/**
 * An in-memory PGlite with the module's migrations applied, as `openDatabase({})` then `migrate()`
 * gives; with `demo`, holding what `seedDemo(db, demo)` writes.
 */
export async function openMigratedPglite(demo?: FixedSeed): Promise<OpenDatabase> {
  const fill = async (db: ExecutionsDatabase) => (demo ? seedDemo(db, demo) : undefined);
  const loadDataDir = await template(templatePath(demo), fill);
  const client = new PGlite({ loadDataDir, extensions: await pgliteExtensions() });
  const db = drizzle(client);
  return { db, migrate: () => migrateExecutionsAdmin(db), close: () => client.close() };
}
