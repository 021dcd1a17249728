/** Planner settings for one read alone: Postgres's own for every other statement on the connection stay as they are. */
import { sql } from 'drizzle-orm';
import type { ExecutionsDatabase } from './database.js';

/**
 * In one backend: parallel workers cost more to start and merge than they save on the module's
 * reads, which are short, and take the cores its other requests and their clients need.
 */
export const ONE_BACKEND = { max_parallel_workers_per_gather: '0' } as const;

/** Runs `read` in a transaction of its own, with `settings` set for that transaction alone in one round trip. */
export function withLocalSettings<T>(
  db: ExecutionsDatabase,
  settings: Readonly<Record<string, string>>,
  read: (tx: ExecutionsDatabase) => Promise<T>,
): Promise<T> {
  const sets = Object.entries(settings).map(([name, value]) => sql`set_config(${name}, ${value}, true)`);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select ${sql.join(sets, sql`, `)}`);
    return read(tx);
  });
}
