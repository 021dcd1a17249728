/**
 * One schema, two drivers: embedded PGlite (the demo and tests, no server needed) or real
 * Postgres through postgres.js when a connection string is given. Both hand back the same
 * Drizzle database type, so the repository has a single code path.
 */
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { schema } from './schema.js';

export type ExecutionsDatabase = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface OpenDatabase {
  db: ExecutionsDatabase;
  /** Applies the module's migrations (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Kept apart from the host's own `__drizzle_migrations`, so the two never collide. */
export const MIGRATIONS_TABLE = '__executions_admin_migrations';
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));
const migrationConfig = { migrationsFolder, migrationsTable: MIGRATIONS_TABLE };

export type DatabaseOptions =
  | { url: string }
  /** A PGlite data directory; omitted for an in-memory database. */
  | { dataDir?: string };

export async function openDatabase(options: DatabaseOptions): Promise<OpenDatabase> {
  if ('url' in options) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(options.url, {
      max: 10,
      connect_timeout: 5,
      onnotice: () => {},
    });
    const db = drizzle(client, { schema });
    return {
      db,
      migrate: () => migrate(db, migrationConfig),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const client = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  const db = drizzle(client, { schema });
  return {
    db,
    migrate: () => migrate(db, migrationConfig),
    close: () => client.close(),
  };
}
