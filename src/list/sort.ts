/**
 * The list's order, one owner for it as filter-set.ts is for the filters: the `sort` parameter
 * (`-date`, the default, newest first; `date`; `credits`, `-credits`; `duration`, `-duration`; a
 * leading `-` is descending), its SQL order and keyset conditions, and the key a cursor carries.
 * Ties go by start then id, the same way as the key, so one index walk serves each order. A run
 * without credits or not finished comes last both ways: each direction has its own stored key
 * (db/schema.ts), where a missing value stands past any real one.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Bind } from '../db/prepared.js';
import { executions } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';

export const SORT_KEYS = ['date', 'credits', 'duration'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ListSort {
  key: SortKey;
  descending: boolean;
}

export const DEFAULT_SORT: ListSort = { key: 'date', descending: true };

export const isDefaultSort = (sort: ListSort) => sort.key === DEFAULT_SORT.key && sort.descending === DEFAULT_SORT.descending;

/** The parameter's value; an unknown one is the default, as a hand-edited URL would expect. */
export function parseSort(value: string | null): ListSort {
  const descending = value?.startsWith('-') ?? false;
  const key = SORT_KEYS.find((k) => k === (descending ? value!.slice(1) : value));
  return key ? { key, descending } : DEFAULT_SORT;
}

export const sortParam = (sort: ListSort): keyof Messages['sortOrders'] => `${sort.descending ? '-' : ''}${sort.key}`;

export function writeSort(sort: ListSort, params: URLSearchParams): void {
  if (!isDefaultSort(sort)) params.set('sort', sortParam(sort));
}

/** A header's link: the other direction of the column sorted by; any other column, largest (newest) first. */
export const sortBy = (key: SortKey, current: ListSort): ListSort => ({
  key,
  descending: key === current.key ? !current.descending : true,
});

const BIGINT_MAX = 9223372036854775807n;

/** What a cursor's key may be for each sort: a value its column holds, so binding it never fails. */
const keyValid: Record<Exclude<SortKey, 'date'>, (v: string) => boolean> = {
  credits: (v) => /^-?\d{1,11}(\.\d{1,2})?$/.test(v),
  duration: (v) => /^-?\d{1,19}$/.test(v) && BigInt(v) <= BIGINT_MAX,
};

/** A cursor's key for the sort, or undefined when the sort by date needs none or the text is not one. */
export function parseCursorKey(sort: ListSort, text: string): string | null | undefined {
  if (sort.key === 'date') return null;
  return keyValid[sort.key](text) ? text : undefined;
}

/** The column the sort walks, each direction its own (date: the start itself). */
function keyColumn(sort: ListSort): AnyPgColumn {
  if (sort.key === 'date') return executions.startedAt;
  if (sort.key === 'credits') return sort.descending ? executions.creditsDescKey : executions.creditsAscKey;
  return sort.descending ? executions.durationDescKey : executions.durationAscKey;
}

const keyType = (sort: ListSort) => (sort.key === 'credits' ? 'numeric' : 'bigint');

/** The key a row's cursor carries, as text that binds back exactly; null by date (the start is in the cursor). */
export const sortKeyText = (sort: ListSort): SQL<string | null> =>
  sort.key === 'date' ? sql<null>`null::text` : sql<string>`${keyColumn(sort)}::text`;

/** The columns a page is ordered by, when read out of a subquery (`over`). */
export interface OrderColumns {
  key: AnyPgColumn | SQL | SQL.Aliased;
  startedAt: AnyPgColumn | SQL;
  id: AnyPgColumn | SQL;
}

/**
 * The order of a page: the sort's own, or `reversed` (a page before a cursor, or counted from the
 * end). Spelled as the indexes are (db/schema.ts): an order the index does not give exactly, the
 * planner sorts every matching row instead of walking it.
 */
export function sortOrder(sort: ListSort, reversed: boolean, unindexed = false, over?: OrderColumns): SQL[] {
  const descending = sort.descending !== reversed;
  // The date's index and the descending keys' are DESC NULLS LAST; the ascending keys' ASC (NULLS LAST).
  const declaredDescending = sort.key === 'date' || sort.descending;
  const dir = sql.raw(
    descending
      ? declaredDescending
        ? 'desc nulls last'
        : 'desc nulls first'
      : declaredDescending
        ? 'asc nulls first'
        : 'asc nulls last',
  );
  const { key, startedAt, id } = over ?? { key: keyColumn(sort), startedAt: executions.startedAt, id: executions.id };
  const columns: (AnyPgColumn | SQL | SQL.Aliased)[] = sort.key === 'date' ? [startedAt, id] : [key, startedAt, id];
  // `unindexed`: the same order led by an expression no index gives, so that the planner reads
  // the filters' runs by their own index and sorts them instead of walking the sort's.
  if (unindexed)
    columns[0] = sort.key === 'date' ? sql`(${executions.startedAt} + interval '0 s')` : sql`(${keyColumn(sort)} + 0)`;
  return columns.map((c) => sql`${c} ${dir}`);
}

/** The same order over a subquery's columns (`key`, `startedAt`, `id`). */
export function sortOrderOf(sort: ListSort, reversed: boolean, row: { key: unknown; startedAt: unknown; id: unknown }): SQL {
  const dir = sql.raw(sort.descending !== reversed ? 'desc' : 'asc');
  return sql`${row.key} ${dir}, ${row.startedAt} ${dir}, ${row.id} ${dir}`;
}

/** The sort's key column, for a subquery to order by. */
export const sortKeyColumn = (sort: ListSort) => sql`${keyColumn(sort)}`;

/**
 * Runs past the cursor (`later`: in the sort's order; else before it): a row comparison, which
 * walks the sort's index from the cursor.
 */
export const pastCursor = (sort: ListSort, later: boolean, bind: Bind): SQL =>
  comparedTo(sort, sort.descending === later ? '<' : '>', 'cursor', bind);

function comparedTo(sort: ListSort, op: string, run: 'cursor', bind: Bind): SQL {
  const at = sql`${bind(`${run}StartedAt`)}::timestamptz, ${bind(`${run}Id`)}::uuid`;
  return sort.key === 'date'
    ? sql`(${executions.startedAt}, ${executions.id}) ${sql.raw(op)} (${at})`
    : sql`(${keyColumn(sort)}, ${executions.startedAt}, ${executions.id}) ${sql.raw(op)} (${bind(`${run}Key`)}::${sql.raw(keyType(sort))}, ${at})`;
}
