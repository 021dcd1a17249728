/**
 * The list's state, parsed once from the URL. Everything downstream — the SQL filters, the
 * form's values, every link — is derived from the `ExecutionQuery` this returns, never from the
 * raw request. Bad input never throws: it falls back to the default and, where the user typed
 * something we could not use, carries a message for the field.
 */
import { isValid, parse } from 'date-fns';
import { z } from 'zod';
import { executionStatus, type ExecutionStatus } from '../db/schema.js';

export const STATUSES = executionStatus.enumValues;
export const PAGE_SIZE = 20;
/** Far beyond any real list; stops absurd offsets before they reach the database. */
export const MAX_PAGE = 10_000_000;
export const MIN_DATE = '1900-01-01';

/** Where a page starts in keyset terms: after (older than) or before (newer than) a run. */
export interface QueryCursor {
  direction: 'after' | 'before';
  /** The run's exact start, UTC ISO with microseconds. */
  startedAt: string;
  id: string;
}

export interface ExecutionQuery {
  agentId: string | null;
  status: ExecutionStatus | null;
  /** Inclusive calendar dates (yyyy-MM-dd) in the organization's time zone. */
  startDate: string | null;
  endDate: string | null;
  /** Credit spikes only. */
  spikesOnly: boolean;
  /** One kind of failure, as the failure digest links to it. */
  failure: { tool: string; signature: string } | null;
  /** The page number shown ("current / total"); with a cursor, the cursor says where it starts. */
  page: number;
  cursor: QueryCursor | null;
}

export interface FieldErrors {
  agent?: string;
  status?: string;
  startDate?: string;
  endDate?: string;
  failure?: string;
}

/** Dates the user gave that were not applied: shown again in their fields, never lost. */
export interface RejectedDates {
  startDate?: string;
  endDate?: string;
}

export interface ParsedQuery {
  query: ExecutionQuery;
  errors: FieldErrors;
  rejected: RejectedDates;
}

export const DEFAULT_QUERY: ExecutionQuery = {
  agentId: null,
  status: null,
  startDate: null,
  endDate: null,
  spikesOnly: false,
  failure: null,
  page: 1,
  cursor: null,
};

/** URL parameter names, in the order canonical URLs list them. */
const PARAM = {
  agent: 'agent',
  status: 'status',
  startDate: 'start',
  endDate: 'end',
  spikesOnly: 'spikes',
  tool: 'tool',
  error: 'error',
  page: 'page',
  after: 'after',
  before: 'before',
} as const;

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

// Any 128-bit id Postgres stores as uuid, not only RFC 4122 versions: hosts choose their ids.
const agentParam = z.guid();
const statusParam = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(STATUSES));
const pageParam = z.coerce.number().int().min(1).max(MAX_PAGE);
const dateParam = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  // date-fns' strict parse rejects impossible days such as 2025-02-30. Years before 1900 are
  // typing accidents (a picker half-typed reads 0002), not runs anyone recorded.
  .refine((s) => s >= MIN_DATE && isValid(parse(s, 'yyyy-MM-dd', new Date())));

/** Tool names and error signatures are short; the signature function cuts at 200 characters. */
const failurePart = z.string().max(200);

/** `<UTC ISO start with microseconds>,<run id>`, as the arrows write it. */
const cursorParam = z
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
      agentParam.safeParse(id).success
    );
  });

/** Reads the list's query parameters: the first value of each, anything else ignored. */
export function parseExecutionQuery(params: URLSearchParams): ParsedQuery {
  const raw = (name: string) => params.get(name) ?? undefined;
  const errors: FieldErrors = {};
  const rejected: RejectedDates = {};
  const query: ExecutionQuery = { ...DEFAULT_QUERY };

  const agent = raw(PARAM.agent);
  if (!blank(agent)) {
    const r = agentParam.safeParse(agent?.trim());
    if (r.success) query.agentId = r.data.toLowerCase();
    else errors.agent = 'Choose an agent from the list';
  }

  const status = raw(PARAM.status);
  if (!blank(status)) {
    const r = statusParam.safeParse(status);
    if (r.success) query.status = r.data;
    else errors.status = 'Choose a status from the list';
  }

  for (const [field, label] of [['startDate', 'Start date'], ['endDate', 'End date']] as const) {
    const value = raw(PARAM[field]);
    if (blank(value)) continue;
    const r = dateParam.safeParse(value);
    if (r.success) query[field] = r.data;
    else {
      errors[field] = `${label} must be a real date, on or after 01/01/1900`;
      rejected[field] = value;
    }
  }
  if (query.startDate && query.endDate && query.startDate > query.endDate) {
    errors.startDate = 'Start date must be the same as or before the end date';
    rejected.startDate = query.startDate;
    rejected.endDate = query.endDate;
    query.startDate = null;
    query.endDate = null;
  }

  // A checkbox: present means on, whatever value a hand-written URL gives it.
  query.spikesOnly = params.has(PARAM.spikesOnly);

  // The digest's links name a failure by both parts; either present makes the filter, and an
  // empty tool means "no tool call failed".
  if (params.has(PARAM.tool) || params.has(PARAM.error)) {
    const tool = failurePart.safeParse(raw(PARAM.tool) ?? '');
    const signature = failurePart.safeParse(raw(PARAM.error) ?? '');
    if (tool.success && signature.success) query.failure = { tool: tool.data, signature: signature.data };
    else errors.failure = 'That failure filter could not be used. Showing every run.';
  }

  // A malformed page is not worth a message: page 1 is what anyone would expect.
  const page = pageParam.safeParse(raw(PARAM.page));
  if (page.success) query.page = page.data;

  // A malformed or forged cursor is dropped: the page number alone still finds the page.
  if (query.page > 1) {
    for (const direction of ['after', 'before'] as const) {
      const cursor = cursorParam.safeParse(raw(PARAM[direction]));
      if (cursor.success) {
        query.cursor = { direction, ...cursor.data };
        break;
      }
    }
  }

  return { query, errors, rejected };
}

/** The canonical parameters for a query: defaults left out, a fixed order. */
export function toSearchParams(query: ExecutionQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.agentId) params.set(PARAM.agent, query.agentId);
  if (query.status) params.set(PARAM.status, query.status);
  if (query.startDate) params.set(PARAM.startDate, query.startDate);
  if (query.endDate) params.set(PARAM.endDate, query.endDate);
  if (query.spikesOnly) params.set(PARAM.spikesOnly, '1');
  if (query.failure) {
    params.set(PARAM.tool, query.failure.tool);
    params.set(PARAM.error, query.failure.signature);
  }
  if (query.page > 1) params.set(PARAM.page, String(query.page));
  if (query.cursor) params.set(PARAM[query.cursor.direction], `${query.cursor.startedAt},${query.cursor.id}`);
  return params;
}

/** `path` followed by the query's canonical parameters, if any. */
export function withQuery(path: string, query: ExecutionQuery): string {
  const search = toSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

export function hasFilters(query: ExecutionQuery): boolean {
  return Boolean(query.agentId || query.status || query.startDate || query.endDate || query.spikesOnly || query.failure);
}

/** The form's field names, shared with the view so the two cannot drift apart. */
export const FIELD_NAMES = PARAM;
