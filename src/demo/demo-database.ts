/**
 * The demo's database: DATABASE_URL when set, otherwise PGlite in .data/pglite. Migrated, and
 * seeded the first time — shared by `npm start` and `npm run seed`.
 */
import { mkdir } from 'node:fs/promises';
import { openDatabase, type OpenDatabase } from '../db/database.js';
import { isSeeded, seedDemo } from './seed.js';

const DATA_DIR = '.data/pglite';

export async function openDemoDatabase(): Promise<OpenDatabase> {
  const url = process.env.DATABASE_URL;
  // PGlite creates its own directory but not the missing parents.
  if (!url) await mkdir('.data', { recursive: true });
  const database = await openDatabase(url ? { url } : { dataDir: DATA_DIR });
  await database.migrate();
  if (await isSeeded(database.db)) return database;
  console.log(`Seeding demo data into ${url ? 'DATABASE_URL' : DATA_DIR}…`);
  const started = Date.now();
  await seedDemo(database.db);
  console.log(`Seeded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return database;
}
