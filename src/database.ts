/**
 * One schema, two drivers: embedded PGlite (the demo and tests, no server needed) or real
 * Postgres through postgres.js when a connection string is given. Both hand back the same
 * Drizzle database type, so the repository has a single code path.
 */
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgSession } from 'drizzle-orm/pg-core';
import postgres from 'postgres';

/** Any Drizzle Postgres database: the module uses the query builder only, never relational queries. */
export type ExecutionsDatabase = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

export interface OpenDatabase {
  db: ExecutionsDatabase;
  /** Applies the module's migrations (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Kept apart from the host's own `__drizzle_migrations`, so the two never collide. */
export const MIGRATIONS_TABLE = '__executions_admin_migrations';
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * Applies the module's SQL migrations (its `drizzle/` folder) to any Drizzle Postgres database,
 * whatever its driver, recording them in the module's own migrations table.
 */
export async function migrateExecutionsAdmin(db: ExecutionsDatabase): Promise<void> {
  const config = { migrationsFolder, migrationsTable: MIGRATIONS_TABLE };
  // Drizzle's own per-driver migrators do exactly this; the session's schema type is irrelevant
  // to running SQL files, so the host's database type is narrowed to what migrate() accepts.
  await new PgDialect().migrate(readMigrationFiles(config), db._.session as unknown as PgSession, config);
}

/** Real Postgres through postgres.js. Connecting is lazy: nothing is sent until the first query. */
export function connectPostgres(url: string): OpenDatabase {
  const client = postgres(url, {
    max: 10,
    connect_timeout: 5,
    onnotice: () => {},
  });
  const db = drizzle(client);
  return {
    db,
    migrate: () => migrateExecutionsAdmin(db),
    close: () => client.end({ timeout: 5 }),
  };
}

/** Embedded PGlite, in a data directory or in memory. Loaded on demand: it is a large module. */
export async function openPglite(dataDir?: string): Promise<OpenDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  const db = drizzlePglite(client);
  return {
    db,
    migrate: () => migrateExecutionsAdmin(db),
    close: () => client.close(),
  };
}

export type DatabaseOptions =
  | { url: string }
  /** A PGlite data directory; omitted for an in-memory database. */
  | { dataDir?: string };

export async function openDatabase(options: DatabaseOptions): Promise<OpenDatabase> {
  return 'url' in options ? connectPostgres(options.url) : openPglite(options.dataDir);
}
