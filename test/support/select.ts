import type { SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../../src/db/database.js';

export type Row = Record<string, unknown>;

function hasRows(value: unknown): value is { rows: Row[] } {
  return typeof value === 'object' && value !== null && 'rows' in value && Array.isArray(value.rows);
}

/** Raw rows from either driver: PGlite answers `{ rows }`, postgres.js an array. */
export async function select(db: ExecutionsDatabase, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as Row[];
  if (hasRows(result)) return result.rows;
  throw new Error('Unexpected result shape from db.execute');
}
