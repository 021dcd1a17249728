/**
 * Queries built once per shape and run as named prepared statements. Drizzle builds a query's
 * text anew at every run, a large share of a request's CPU; prepared, it is built once, and
 * postgres.js runs it as a named statement: one round trip instead of two, parsed once per
 * connection. See docs/performance.md.
 */
import { sql, type Column, type Query, type SQL } from 'drizzle-orm';
import type { SelectedFieldsOrdered } from 'drizzle-orm/pg-core';
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

/** What a fixed statement's text is built from: any query builder, its placeholders named. */
interface Buildable<R> {
  toSQL(): Query;
  execute(): Promise<R>;
}

/** The columns of the rows a statement returns, by name, as the builder selects them. */
type Selection = Record<string, SelectedFieldsOrdered[number]['field']>;

/** A statement's text with its placeholders, and how its rows are read. */
interface Built {
  query: Query;
  fields: SelectedFieldsOrdered | undefined;
}

const built = (buildable: Buildable<unknown>, selection: Selection | undefined): Built => ({
  query: buildable.toSQL(),
  fields: selection && Object.entries(selection).map(([key, field]) => ({ path: [key], field })),
});

/**
 * Runs a built statement as a prepared one on `db`. The name is empty on purpose: postgres.js
 * takes any name as "prepare" and keys its statements by their text, node-postgres takes an empty
 * name as the unnamed statement, so two texts can never clash under one name.
 */
const runBuilt = <R>(db: ExecutionsDatabase, { query, fields }: Built, values: Bindings) =>
  db._.session.prepareQuery(query, fields, '', fields !== undefined).execute(values) as Promise<R>;

/**
 * A statement whose text is fixed, built once with named placeholders (the first time it runs) and
 * then run as a prepared one on whatever session it is given: the database or one of its
 * transactions. Drizzle binds a prepared query to the session that made it, and builds a query's
 * text anew at every run, a large share of the write API's CPU: built once, each call only fills
 * in its values. postgres.js sends a statement with parameters that is not prepared in two round
 * trips (describe, then execute) — in the write API, inside transactions that hold the run's and
 * the count rows' locks; prepared, in one, parsed once per connection. `selection`: the columns of
 * the rows it returns, by name, as the builder selects them. The text depends only on the module's
 * tables, whose columns all have their own names, never on the database it first ran on.
 */
export function fixedStatement<R>(
  build: (db: ExecutionsDatabase) => Buildable<R>,
  selection?: Selection,
): (db: ExecutionsDatabase, values: Bindings) => Promise<R> {
  let made: Built | undefined;
  return (db, values) => runBuilt(db, (made ??= built(build(db), selection)), values);
}

/**
 * A select whose rows are its selected columns, by name, without joins. Drizzle types a selection
 * of unaliased SQL as an error, to stop it being read as a subquery's columns; here it is only read
 * back as the builder's own selection.
 */
interface FlatSelect<R> extends Buildable<R> {
  _: { selectedFields: object };
}

const builtByShape = new Map<string, Built>();

/**
 * As preparedByShape, for a session that may be a transaction: preparedByShape's queries are bound
 * to the session that prepared them, so in a transaction of its own each read built its text anew
 * (the digest of a range in parts: docs/performance.md). Built once per shape, as fixedStatement,
 * and run on any session. `shape` must name everything its text depends on.
 */
export function runByShape<R>(
  db: ExecutionsDatabase,
  shape: string,
  build: (db: ExecutionsDatabase) => FlatSelect<R>,
  values: Bindings,
): Promise<R> {
  let made = builtByShape.get(shape);
  if (made === undefined) {
    const select = build(db);
    builtByShape.set(shape, (made = built(select, select._.selectedFields as Selection)));
  }
  return runBuilt(db, made, values);
}

/**
 * A named placeholder for a value written to `column`, encoded as the column encodes its values,
 * except that null (or a missing value) stays SQL NULL: drizzle encodes a placeholder's value with
 * the column's encoder whatever it is, which writes null as a jsonb 'null' and cannot write it as
 * a timestamp. Also the way to give an update's SET a placeholder.
 */
export function placeholderFor(column: Column, name: string): SQL {
  return sql`${sql.param(sql.placeholder(name), {
    mapToDriverValue: (value: unknown) => (value === null || value === undefined ? null : column.mapToDriverValue(value)),
  })}`;
}
