/**
 * The same suites run on embedded PGlite and, when DATABASE_URL is set, on real Postgres — each
 * run in a throwaway database of its own, so nothing assumes an empty server.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type OpenDatabase } from '../../src/db/database.js';
import { openMigratedPglite } from './migrated-pglite.js';

export interface TestDatabase extends OpenDatabase {
  /** The connection string, for real Postgres (null for PGlite). */
  url: string | null;
  /** Closes the connection and drops what the test created. */
  dispose(): Promise<void>;
}

/** `migrated: false` leaves the database empty, for a test that applies migrations itself. */
export interface OpenOptions {
  migrated?: boolean;
}

export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  /** Why the target is skipped here, or null when it runs. */
  skipReason: string | null;
  open(options?: OpenOptions): Promise<TestDatabase>;
}

const requirePostgres = process.env.REQUIRE_POSTGRES === '1';

async function openPglite({ migrated = true }: OpenOptions = {}): Promise<TestDatabase> {
  const database = migrated ? await openMigratedPglite() : await openDatabase({});
  return { ...database, url: null, dispose: () => database.close() };
}

async function openThrowawayPostgres(url: string, { migrated = true }: OpenOptions = {}): Promise<TestDatabase> {
  const name = `xa_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const database = await openDatabase({ url: testUrl.toString() });
  if (migrated) await database.migrate();
  return {
    ...database,
    url: testUrl.toString(),
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
