/**
 * Which database holds an organization. A host with every organization in one Postgres passes
 * that database (or its connection string); a host that spreads organizations over several
 * servers passes a function of the organization's id, and every read of a request goes to the
 * database it names. Connection strings get one pool each, made on first use and kept.
 */
import { connectPostgres, type ExecutionsDatabase } from './database.js';

type DatabaseRef = ExecutionsDatabase | string;
/** The host's choice for one organization; asked once per request. */
export type DatabaseRouter = (organizationId: string) => DatabaseRef | Promise<DatabaseRef>;
export type DatabaseOption = DatabaseRef | DatabaseRouter;

/** The database of an organization, by the option. */
export function databaseRouting(option: DatabaseOption): (organizationId: string) => Promise<ExecutionsDatabase> {
  const pools = new Map<string, ExecutionsDatabase>();
  const open = (ref: DatabaseRef): ExecutionsDatabase => {
    if (typeof ref !== 'string') return ref;
    let db = pools.get(ref);
    if (!db) {
      db = connectPostgres(ref).db;
      pools.set(ref, db);
    }
    return db;
  };
  if (typeof option !== 'function') {
    const db = open(option);
    return () => Promise.resolve(db);
  }
  return async (organizationId) => {
    const ref = await option(organizationId);
    if (typeof ref !== 'string' && !(typeof ref === 'object' && ref !== null && 'select' in ref)) {
      throw new TypeError(`The db option named no database for organization ${JSON.stringify(organizationId)}`);
    }
    return open(ref);
  };
}
