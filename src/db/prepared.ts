/**
 * Queries built once per shape and run as named prepared statements. Drizzle builds a query's
 * text anew at every run, a large share of a request's CPU; prepared, it is built once, and
 * postgres.js runs it as a named statement: one round trip instead of two, parsed once per
 * connection. See docs/performance.md.
 */
import { sql } from 'drizzle-orm';
import type { ExecutionsDatabase } from './database.js';

/**
 * How a condition takes a request's value, by name: the value itself (a query built for one
 * request), or a named placeholder of a query prepared for its shape and run with each request's
 * values. Either way the values come from one record, so a condition cannot disagree with them.
 */
export type Bind = (name: string) => unknown;

/** Values named by their placeholders. */
export type Bindings = Record<string, unknown>;

export const asPlaceholders: Bind = (name) => sql.placeholder(name);

export function asParameters(values: Bindings): Bind {
  return (name) => {
    if (!(name in values)) throw new Error(`No value bound to ${name}`);
    return values[name];
  };
}

/** Shapes are few (filters present or not, the page's kind): at most a few hundred per database. */
const preparedQueries = new WeakMap<ExecutionsDatabase, Map<string, unknown>>();

/** The query of this shape, prepared on first use. `shape` must name everything its text depends on. */
export function preparedByShape<P>(db: ExecutionsDatabase, shape: string, prepare: (name: string) => P): P {
  let shapes = preparedQueries.get(db);
  if (!shapes) preparedQueries.set(db, (shapes = new Map()));
  let query = shapes.get(shape) as P | undefined;
  if (query === undefined) shapes.set(shape, (query = prepare(shape)));
  return query;
}

/**
 * Runs a statement built for this call as a prepared one. postgres.js sends a statement with
 * parameters that is not prepared in two round trips (describe, then execute) — in the write API,
 * inside transactions that hold the run's and the count rows' locks; prepared, in one, parsed once
 * per connection. The name is empty on purpose: postgres.js takes any name as "prepare" and keys
 * its statements by their text, node-postgres takes an empty name as the unnamed statement, so two
 * texts can never clash under one name. For statements whose text is fixed: one of a varying
 * number of rows would leave a prepared statement per length on every connection.
 */
export function runPrepared<R>(query: { prepare(name: string): { execute(): Promise<R> } }): Promise<R> {
  return query.prepare('').execute();
}
