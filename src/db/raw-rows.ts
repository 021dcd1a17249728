import type { SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from './database.js';

export type Row = Record<string, unknown>;

/** Raw rows from either driver: PGlite answers `{ rows }`, postgres.js an array. */
export async function rowsOf(db: ExecutionsDatabase, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
}
