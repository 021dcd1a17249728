/**
 * The list's state, parsed once from the URL. Everything downstream — the SQL filters, the
 * form's values, every link — is derived from the `ExecutionQuery` this returns, never from the
 * raw request. Bad input never throws: it falls back to the default and, where the user typed
 * something we could not use, carries the key of a message for the field.
 */
import { z } from 'zod';
import type { FieldErrors, Rejected } from './filter.js';
import { EMPTY_FILTERS, parseFilters, writeFilters } from './filter-set.js';
import { MIN_DATE, uuidParam, type FilterValues } from './filters.js';
import { DEFAULT_SORT, parseCursorKey, parseSort, writeSort, type ListSort } from './sort.js';

export const PAGE_SIZE = 20;
/** Far beyond any real list; stops absurd offsets before they reach the database. */
export const MAX_PAGE = 10_000_000;

/** Where a page starts in keyset terms: after (older than) or before (newer than) a run. */
export interface QueryCursor {
  direction: 'after' | 'before';
  /** The run's exact start, UTC ISO with microseconds. */
  startedAt: string;
  id: string;
  /** The sorted column's key at the run, sorted by another than the date (sort.ts). */
  key?: string | null;
}

export type ExecutionQuery = FilterValues & {
  sort: ListSort;
  /** The page number shown ("current / total"); with a cursor, the cursor says where it starts. */
  page: number;
  cursor: QueryCursor | null;
};

export interface ParsedQuery {
  query: ExecutionQuery;
  errors: FieldErrors;
  rejected: Rejected;
}

export const DEFAULT_QUERY: ExecutionQuery = { ...EMPTY_FILTERS, sort: DEFAULT_SORT, page: 1, cursor: null };

const pageParam = z.coerce.number().int().min(1).max(MAX_PAGE);

/** `<UTC ISO start with microseconds>,<run id>`, as the arrows write it. */
export const cursorParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z,[0-9a-fA-F-]{36}$/)
  .transform((v) => {
    const [startedAt = '', id = ''] = v.split(',');
    return { startedAt, id: id.toLowerCase() };
  })
  // V8 reads 2026-02-30 as 2 March; Postgres refuses it. A real instant round-trips unchanged.
  .refine(({ startedAt, id }) => {
    const parsed = new Date(startedAt);
    return (
      startedAt >= MIN_DATE &&
      !Number.isNaN(parsed.getTime()) &&
      parsed.toISOString().slice(0, 19) === startedAt.slice(0, 19) &&
      uuidParam.safeParse(id).success
    );
  });

/** Reads the list's query parameters: the first value of each, anything else ignored. */
export function parseExecutionQuery(params: URLSearchParams): ParsedQuery {
  const { values, errors, rejected } = parseFilters(params);
  const query: ExecutionQuery = { ...values, sort: parseSort(params.get('sort')), page: 1, cursor: null };

  // A malformed page is not worth a message: page 1 is what anyone would expect.
  const page = pageParam.safeParse(params.get('page') ?? undefined);
  if (page.success) query.page = page.data;

  // A malformed or forged cursor is dropped: the page number alone still finds the page. Sorted
  // by another column, it starts with that column's key.
  if (query.page > 1) {
    for (const direction of ['after', 'before'] as const) {
      const text = params.get(direction) ?? '';
      const comma = query.sort.key === 'date' ? -1 : text.indexOf(',');
      const key = parseCursorKey(query.sort, text.slice(0, Math.max(comma, 0)));
      const cursor = cursorParam.safeParse(text.slice(comma + 1));
      if (cursor.success && key !== undefined) {
        query.cursor = { direction, ...cursor.data, key };
        break;
      }
    }
  }

  return { query, errors, rejected };
}

/** The canonical parameters for a query: defaults left out, a fixed order. */
export function toSearchParams(query: ExecutionQuery): URLSearchParams {
  const params = new URLSearchParams();
  writeFilters(query, params);
  writeSort(query.sort, params);
  if (query.page > 1) params.set('page', String(query.page));
  const { cursor } = query;
  if (cursor) params.set(cursor.direction, `${cursor.key ? `${cursor.key},` : ''}${cursor.startedAt},${cursor.id}`);
  return params;
}

/**
 * Parameters as a query string, a cursor's `:` and `,` left as they are (a query string allows
 * them): links of a swap carry cursors, and each escape is bytes on the wire.
 */
export const queryText = (params: URLSearchParams) => params.toString().replaceAll('%3A', ':').replaceAll('%2C', ',');

/** `path` followed by the query's canonical parameters, if any. */
export function withQuery(path: string, query: ExecutionQuery): string {
  const search = queryText(toSearchParams(query));
  return search ? `${path}?${search}` : path;
}
