/** Databases migrated part of the way, as a host's was before it upgraded the module. */
import { readFileSync } from 'node:fs';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';
import { MIGRATIONS_FOLDER, MIGRATIONS_TABLE, type ExecutionsDatabase } from '../../src/db/database.js';

/**
 * The module's migrations up to and including `tag` (all of them without one), recorded as
 * migrateExecutionsAdmin records them, but without the functions file it applies after them.
 */
export async function migrateThrough(db: ExecutionsDatabase, tag?: string): Promise<void> {
  const journal: { entries: { tag: string }[] } = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8'));
  const count = tag === undefined ? journal.entries.length : journal.entries.findIndex((e) => e.tag === tag) + 1;
  if (count === 0) throw new Error(`No migration ${tag}`);
  const config = { migrationsFolder: MIGRATIONS_FOLDER, migrationsTable: MIGRATIONS_TABLE };
  await new PgDialect().migrate(readMigrationFiles(config).slice(0, count), db._.session as unknown as PgSession, config);
}
