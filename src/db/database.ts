/**
 * One schema, two drivers: embedded PGlite (the demo and tests, no server needed) or real
 * Postgres through postgres.js when a connection string is given. Both hand back the same
 * Drizzle database type, so the repository has a single code path.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
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

/**
 * Kept apart from the host's own `__drizzle_migrations`, so the two never collide. It stays in
 * drizzle's default schema, `drizzle`, outside the module's own: drizzle/0008_own_schema.sql says why.
 */
export const MIGRATIONS_TABLE = '__executions_admin_migrations';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * The module's SQL functions as they stand, one CREATE OR REPLACE each: kept beside the migrations
 * but outside drizzle's journal, so drizzle never takes it for a migration.
 */
export const FUNCTIONS_FILE = `${MIGRATIONS_FOLDER}/functions.sql`;

/**
 * The statements of the functions file, split where the migrations are split: PGlite runs a query
 * through the extended protocol, which refuses more than one statement.
 */
export function readFunctionStatements(): string[] {
  return readFileSync(FUNCTIONS_FILE, 'utf8')
    .split('--> statement-breakpoint')
    .filter((statement) => statement.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--')));
}

/**
 * Applies the module's SQL migrations (its `drizzle/` folder) to any Drizzle Postgres database,
 * whatever its driver, recording them in the module's own migrations table; then the functions
 * file, every time, so the functions are the file's even where one was changed by hand.
 */
export async function migrateExecutionsAdmin(db: ExecutionsDatabase): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER, migrationsTable: MIGRATIONS_TABLE };
  // Drizzle's own per-driver migrators do exactly this; the session's schema type is irrelevant
  // to running SQL files, so the host's database type is narrowed to what migrate() accepts.
  await new PgDialect().migrate(readMigrationFiles(config), db._.session as unknown as PgSession, config);
  await applyExecutionsAdminFunctions(db);
}

/** Applies the functions file alone, all of it or nothing. */
export async function applyExecutionsAdminFunctions(db: ExecutionsDatabase): Promise<void> {
  const statements = readFunctionStatements();
  await db.transaction(async (tx) => {
    // Instances of a host started together migrate together: two transactions replacing the same
    // function fail with "tuple concurrently updated", so they take turns.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('executions-admin functions.sql'))`);
    for (const statement of statements) await tx.execute(sql.raw(statement));
  });
}

export interface PostgresOptions {
  /**
   * Seconds to wait for a connection, handshake included. Past it the request fails fast (the
   * page answers 503) instead of hanging on a database that is down or unreachable.
   */
  connectTimeout?: number;
  /**
   * Milliseconds Postgres lets one statement run (lock waits included) before cancelling it;
   * 0 turns the limit off. The page's queries take milliseconds: one still running is stuck.
   */
  statementTimeout?: number;
  /** Connections in the pool. */
  max?: number;
}

export const POSTGRES_DEFAULTS: Required<PostgresOptions> = { connectTimeout: 2, statementTimeout: 2_000, max: 10 };

/**
 * Real Postgres through postgres.js. Connecting is lazy: nothing is sent until the first query,
 * and a pool that lost the server reconnects by itself on the next query once it is back.
 */
export function connectPostgres(url: string, options: PostgresOptions = {}): OpenDatabase {
  const connectTimeout = options.connectTimeout ?? POSTGRES_DEFAULTS.connectTimeout;
  const statementTimeout = options.statementTimeout ?? POSTGRES_DEFAULTS.statementTimeout;
  const max = options.max ?? POSTGRES_DEFAULTS.max;
  const client = postgres(url, {
    max,
    connect_timeout: connectTimeout,
    // postgres.js's default waits up to 20 s before reconnecting after repeated failures, and every
    // query of an outage would wait with it: retry within half a second, the connect timeout
    // bounds the rest.
    backoff: (retries: number) => Math.min(0.5, 0.05 * 2 ** retries),
    connection: {
      application_name: 'executions-admin',
      statement_timeout: statementTimeout,
      // The page's queries run as prepared statements (prepared.ts, preparedByShape), still
      // planned for their values on every run as unprepared ones are: a generic plan could pick
      // the wrong index for a rare status.
      plan_cache_mode: 'force_custom_plan',
    },
    onnotice: () => {},
  });
  const db = drizzle(client);
  return {
    db,
    // Migrations may rewrite large tables: on a connection of their own, without the page's limit.
    async migrate() {
      const migrator = postgres(url, { max: 1, connect_timeout: connectTimeout, onnotice: () => {} });
      try {
        await migrateExecutionsAdmin(drizzle(migrator));
      } finally {
        await migrator.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** Node and postgres.js codes for a connection that failed, timed out or was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/**
 * SQLSTATEs of a database that cannot serve now but may in a moment: connection exceptions
 * (class 08), a statement cancelled by statement_timeout (57014), the server shutting down or
 * starting (57P01–57P03), too many connections (53300) and a lock_timeout (55P03).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57014|57P0[1-3]|53300|55P03)$/;

/**
 * Whether an error — or any error in its `cause` chain, as Drizzle wraps the driver's — says the
 * database is down, unreachable or too slow: worth a 503 and a retry, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth += 1) {
    const code: unknown = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  }
  return false;
}

export const PGLITE_MISSING =
  'The embedded database (openDatabase({}) or openPglite) needs PGlite, an optional peer dependency: npm install @electric-sql/pglite';

/**
 * The contrib extensions search needs (drizzle/0012_search.sql), which PGlite loads only when the
 * host hands them over: a host creating its own PGlite passes these.
 */
export async function pgliteExtensions() {
  const [{ pg_trgm }, { btree_gin }] = await Promise.all([
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/btree_gin'),
  ]);
  return { pg_trgm, btree_gin };
}

/**
 * Embedded PGlite, in a data directory or in memory. Loaded on demand: it is a large module, and
 * an optional peer dependency that a host on real Postgres never installs.
 */
export async function openPglite(dataDir?: string): Promise<OpenDatabase> {
  const { PGlite } = await import('@electric-sql/pglite').catch((error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    throw code === 'ERR_MODULE_NOT_FOUND' ? new Error(PGLITE_MISSING, { cause: error }) : error;
  });
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const client = new PGlite({ dataDir, extensions: await pgliteExtensions() });
  const db = drizzlePglite(client);
  return {
    db,
    migrate: () => migrateExecutionsAdmin(db),
    close: () => client.close(),
  };
}

export type DatabaseOptions =
  | ({ url: string } & PostgresOptions)
  /** A PGlite data directory; omitted for an in-memory database. */
  | { dataDir?: string };

export async function openDatabase(options: DatabaseOptions): Promise<OpenDatabase> {
  return 'url' in options ? connectPostgres(options.url, options) : openPglite(options.dataDir);
}
