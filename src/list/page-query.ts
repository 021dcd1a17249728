/**
 * A page of the list: its runs, newest first, ties on start time broken by id so pages never
 * overlap. Every query is scoped by the organization and built from the filters' conditions
 * (filter-set.ts); each runs as a statement prepared once per shape (db/prepared.ts).
 */
import { and, sql, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { listAgents, type AgentOption } from '../db/organization.js';
import { asParameters, asPlaceholders, preparedByShape, type Bind, type Bindings } from '../db/prepared.js';
import { executions, type ExecutionStatus } from '../db/schema.js';
import type { ActivityUnit } from './counts.js';
import {
  countable,
  filterBindings,
  filterShape,
  listConditions,
  uncountedConditions,
  type ExecutionFilters,
} from './filter-set.js';
import {
  DEFAULT_SORT,
  pastCursor,
  sortKeyColumn,
  sortKeyText,
  sortOrder,
  sortOrderOf,
  sortParam,
  type ListSort,
} from './sort.js';
import { summarizeExecutionsQuery, summaryOf, summaryShape, type ExecutionSummary } from './summary-query.js';
import { cursorText, listColumns, pageColumns, shownText, SHOWN_ERROR_LENGTH, SHOWN_TITLE_LENGTH } from './run-columns.js';
import { inWeekSlices, slicedSpan } from './week-slices.js';

/**
 * A run's place in the list's order: its exact start (microseconds, UTC ISO) and id, and, sorted
 * by another column, that column's key (sort.ts).
 */
export interface PageCursor {
  startedAt: string;
  id: string;
  key?: string | null;
}

/**
 * Which rows of the list to read, in `sort`'s order (newest first without one). Keyset requests
 * (after/before a cursor) cost the same at any depth; `fromEnd` counts its offset from the list's
 * end, so the last pages of a long list are as cheap as the first.
 */
export type PageRequest = (
  | { kind: 'offset'; offset: number; limit: number }
  | { kind: 'fromEnd'; offset: number; limit: number }
  | { kind: 'after'; cursor: PageCursor; limit: number }
  | { kind: 'before'; cursor: PageCursor; limit: number }
) & { sort?: ListSort };

export const sortOf = (page: PageRequest) => page.sort ?? DEFAULT_SORT;

export interface ExecutionRow {
  id: string;
  cursor: PageCursor;
  conversationId: string;
  /** Null when the agent was deleted. */
  agentName: string | null;
  /** The conversation's title, which names the schedule that fired the run. */
  scheduleTitle: string;
  status: ExecutionStatus;
  startedAt: Date;
  finishedAt: Date | null;
  credits: number | null;
  errorMessage: string | null;
  /** The agent's usual (median) credits and completed duration when the run started, if known. */
  usualCredits: number | null;
  usualDurationMs: number | null;
  creditSpike: boolean;
  /** The first tool call that failed: its tool and step position. */
  failedTool: string | null;
  failedStep: number | null;
}

/** The bindings of the list's queries: the organization, the filters, and where the page starts. */
export function listBindings(organizationId: string, filters: ExecutionFilters, page?: PageRequest): Bindings {
  const cursor = page && (page.kind === 'after' || page.kind === 'before') ? page.cursor : null;
  return {
    organizationId,
    timeZone: filters.timeZone,
    ...filterBindings(filters),
    cursorStartedAt: cursor?.startedAt ?? null,
    cursorId: cursor?.id ?? null,
    cursorKey: cursor?.key ?? null,
    limit: page?.limit ?? 0,
    offset: page && (page.kind === 'offset' || page.kind === 'fromEnd') ? page.offset : 0,
  };
}

/** A run as `pageColumns` selects it. */
export type SelectedRow = { startedAtText: string; sortKeyText?: string | null; agentId: string; failedTool: string } & Omit<
  ExecutionRow,
  'cursor' | 'failedTool' | 'agentName'
>;

/** Field by field rather than by rest and spread: twenty a request, on the server's hot path. */
export function toExecutionRow(r: SelectedRow, agentName: string | null): ExecutionRow {
  return {
    id: r.id,
    cursor: { startedAt: r.startedAtText, id: r.id, key: r.sortKeyText ?? null },
    conversationId: r.conversationId,
    agentName,
    scheduleTitle: r.scheduleTitle,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    credits: r.credits,
    errorMessage: r.errorMessage,
    usualCredits: r.usualCredits,
    usualDurationMs: r.usualDurationMs,
    creditSpike: r.creditSpike,
    failedTool: r.failedTool === '' ? null : r.failedTool,
    failedStep: r.failedStep,
  };
}

/** Runs older (or newer) than the cursor: a row comparison walks the (started_at, id) index from it. */
export const beyond = (direction: 'older' | 'newer', bind: Bind): SQL => pastCursor(DEFAULT_SORT, direction === 'older', bind);

/** Whether the page is read in its sort's order, or reversed (before a cursor, from the end). */
export const inOrder = (page: PageRequest) => page.kind === 'offset' || page.kind === 'after';
export const NEWEST_FIRST = sortOrder(DEFAULT_SORT, false);

/**
 * How a page finds its rows: `indexed` lets the planner choose. When a filter the count tables
 * cannot answer is set (search-plan.ts), `walked` walks the other filters' index in the page's
 * order, `depth` runs of it (walkedExecutionsQuery), filtering by the search; a search's count
 * walks no further than the run at `walkTo` (`walkedAll`: to the end). `matched` reads the
 * filters' own index and sorts what it finds, never walking the order's index: for a search, and
 * for filters whose runs are few (matchedFew).
 */
export type ListPlan = 'indexed' | 'walked' | 'walkedAll' | 'matched';

/** Where a page starts: after or before its cursor, or at an end. */
export const fromCursor = (page: PageRequest, bind: Bind) =>
  page.kind === 'after' || page.kind === 'before' ? pastCursor(sortOf(page), page.kind === 'after', bind) : undefined;

/** The page query itself, unexecuted: the bench checks its plan. */
export function listExecutionsQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  page: PageRequest,
  bind: Bind = asParameters(listBindings(organizationId, filters, page)),
  plan: ListPlan = 'indexed',
) {
  const sort = sortOf(page);
  const where = listConditions(filters, bind, plan === 'walkedAll' ? 'walked' : 'indexed');
  const order = sortOrder(sort, !inOrder(page));
  const span = plan === 'indexed' ? slicedSpan(filters, sort, bind) : null;
  const conditions = and(where, fromCursor(page, bind));
  return (
    db
      .select({
        ...listColumns,
        sortKeyText: sortKeyText(sort).as('sort_key_text'),
        sortKey: sql`${sortKeyColumn(sort)}`.as('sort_key'),
      })
      .from(executions)
      // By weeks, the weeks' walks take the offset: the runs they give are the page's.
      .where(span ? and(where, inWeekSlices(span, sort, !inOrder(page), conditions, bind)) : conditions)
      // Matched, an order no index gives: the planner cannot walk the order's index filtering.
      .orderBy(...(plan === 'matched' ? sortOrder(sort, !inOrder(page), true) : order))
      .limit(bind('limit') as number)
      .offset(span ? 0 : (bind('offset') as number))
  );
}

/**
 * A walk's page: of the first `depth` runs the other filters keep from the page's start or cursor,
 * in its order, those the search holds, read out of the walk in the same order, so that a frequent
 * term stops it within a few runs. The walk's LIMIT stops its scan of the order's index: ended by a
 * comparison with the run at its end, the scan stopped only where the sort's key passed that run's,
 * and among runs tied on the key (durations alike) Postgres read on to the tie's end
 * (docs/performance.md).
 */
export function walkedExecutionsQuery(
  db: ExecutionsDatabase,
  filters: ExecutionFilters,
  page: PageRequest,
  bind: Bind = asPlaceholders,
) {
  const sort = sortOf(page);
  const reversed = !inOrder(page);
  // The walk's columns as stored: what the page shows of them is worked out for its rows alone.
  const walk = db
    .select({
      ...pageColumns,
      scheduleTitle: executions.conversationTitle,
      sortKey: sql`${sortKeyColumn(sort)}`.as('sort_key'),
      searched: sql<boolean>`${and(...uncountedConditions(filters, bind)) ?? sql`true`}`.as('searched'),
    })
    .from(executions)
    .where(and(listConditions(filters, bind, 'omitted'), fromCursor(page, bind)))
    .orderBy(...sortOrder(sort, reversed))
    .limit(bind('depth') as number)
    .as('walk');
  return db
    .select({
      id: walk.id,
      startedAtText: cursorText(walk.startedAt).as('started_at_text'),
      conversationId: walk.conversationId,
      agentId: walk.agentId,
      scheduleTitle: shownText<string>(walk.scheduleTitle, SHOWN_TITLE_LENGTH).as('schedule_title'),
      status: walk.status,
      startedAt: walk.startedAt,
      finishedAt: walk.finishedAt,
      credits: walk.credits,
      errorMessage: shownText<string | null>(walk.errorMessage, SHOWN_ERROR_LENGTH).as('error_message'),
      usualCredits: walk.usualCredits,
      usualDurationMs: walk.usualDurationMs,
      creditSpike: walk.creditSpike,
      failedTool: walk.failedTool,
      failedStep: walk.failedStep,
      sortKeyText: sql<string | null>`${sort.key === 'date' ? sql`null` : walk.sortKey}::text`.as('sort_key_text'),
      sortKey: walk.sortKey,
    })
    .from(walk)
    .where(sql`${walk.searched}`)
    .orderBy(...sortOrder(sort, reversed, false, { key: walk.sortKey, startedAt: walk.startedAt, id: walk.id }))
    .limit(bind('limit') as number)
    .offset(bind('offset') as number);
}

/** The key of a prepared list query: everything its text depends on. */
export const listShape = (filters: ExecutionFilters, page: PageRequest, plan: ListPlan = 'indexed') =>
  `list ${filterShape(filters)} ${page.kind} ${plan} ${sortParam(sortOf(page))}${byWeeks(filters, page)}`;

/** The key of a prepared summary-and-page query. */
export const pageWithSummaryShape = (filters: ExecutionFilters, unit: ActivityUnit, page: PageRequest) =>
  `page+summary ${summaryShape(filters, unit)} ${page.kind} ${sortParam(sortOf(page))}${byWeeks(filters, page)}`;

const byWeeks = (filters: ExecutionFilters, page: PageRequest) =>
  slicedSpan(filters, sortOf(page), asPlaceholders) ? ' weeks' : '';

/**
 * One page of runs. Agents are named from `agents` — the organization's, which the caller has
 * for the filter anyway — instead of a join, which cost planning time for rows whose agents the
 * caller has; read again if a run's agent is not among them (added since they were read).
 */
export async function listExecutions(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  page: PageRequest,
  agents?: AgentOption[],
  plan: ListPlan = 'indexed',
  /** How many runs a `walked` page walks. */
  depth: number | null = null,
): Promise<ExecutionRow[]> {
  const bindings = { ...listBindings(organizationId, filters, page), depth };
  const shape = listShape(filters, page, plan);
  const rows =
    plan === 'walked'
      ? await preparedByShape(db, shape, (name) => walkedExecutionsQuery(db, filters, page).prepare(name)).execute(bindings)
      : await preparedByShape(db, shape, (name) =>
          listExecutionsQuery(db, organizationId, filters, page, asPlaceholders, plan).prepare(name),
        ).execute(bindings);
  return namedRows(db, organizationId, rows, page, agents);
}

/** Selected runs with their agents' names, in the sort's order. */
export async function namedRows(
  db: ExecutionsDatabase,
  organizationId: string,
  selected: SelectedRow[],
  page: PageRequest,
  agents?: AgentOption[],
): Promise<ExecutionRow[]> {
  let known = agents;
  if (!known || selected.some((row) => !known!.some((a) => a.id === row.agentId))) known = await listAgents(db, organizationId);
  const byId = new Map(known.map((a) => [a.id, a]));
  const rows = selected.map((row) => {
    const agent = byId.get(row.agentId);
    return toExecutionRow(row, agent && !agent.removed ? agent.name : null);
  });
  return inOrder(page) ? rows : rows.reverse();
}

/** A run of pageWithSummary's JSON, in pageColumns' order. */
type PageRowJson = [
  id: string,
  startedAtText: string,
  conversationId: string,
  agentId: string,
  scheduleTitle: string,
  status: ExecutionStatus,
  startedAt: string,
  finishedAt: string | null,
  credits: number | null,
  errorMessage: string | null,
  usualCredits: number | null,
  usualDurationMs: number | null,
  creditSpike: boolean,
  failedTool: string,
  failedStep: number | null,
  sortKeyText: string | null,
];

/** The summary and a page in one statement, unexecuted: the bench checks its plan. */
export function pageWithSummaryQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  unit: ActivityUnit,
  page: PageRequest,
  bind: Bind = asParameters(listBindings(organizationId, filters, page)),
) {
  const summary = summarizeExecutionsQuery(db, organizationId, filters, unit, bind).as('summary');
  const p = listExecutionsQuery(db, organizationId, filters, page, bind).as('page');
  const order = sortOrderOf(sortOf(page), !inOrder(page), { key: p.sortKey, startedAt: p.startedAt, id: p.id });
  const columns = [
    p.id,
    p.startedAtText,
    p.conversationId,
    p.agentId,
    p.scheduleTitle,
    p.status,
    p.startedAt,
    p.finishedAt,
    p.credits,
    p.errorMessage,
    p.usualCredits,
    p.usualDurationMs,
    p.creditSpike,
    p.failedTool,
    p.failedStep,
    p.sortKeyText,
  ];
  return db
    .select({
      bars: summary.bars,
      rows: sql<
        PageRowJson[]
      >`(select coalesce(json_agg(json_build_array(${sql.join(columns, sql`, `)}) order by ${order}), '[]') from ${p})`,
    })
    .from(summary);
}

/**
 * The summary and a page that does not depend on it (the first, or one by cursor), as one
 * statement: one round trip instead of two, each row one JSON array rather than fifteen fields
 * mapped by drizzle.
 */
export async function pageWithSummary(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  unit: ActivityUnit,
  page: PageRequest,
  agents?: AgentOption[],
): Promise<{ summary: ExecutionSummary; rows: ExecutionRow[] }> {
  const query = preparedByShape(db, pageWithSummaryShape(filters, unit, page), (name) =>
    pageWithSummaryQuery(db, organizationId, filters, unit, page, asPlaceholders).prepare(name),
  );
  const [row] = await query.execute(listBindings(organizationId, filters, page));
  const selected = (row?.rows ?? []).map((r): SelectedRow => ({
    id: r[0],
    startedAtText: r[1],
    conversationId: r[2],
    agentId: r[3],
    scheduleTitle: r[4],
    status: r[5],
    startedAt: new Date(r[6]),
    finishedAt: r[7] === null ? null : new Date(r[7]),
    credits: r[8],
    errorMessage: r[9],
    usualCredits: r[10],
    usualDurationMs: r[11],
    creditSpike: r[12],
    failedTool: r[13],
    failedStep: r[14],
    sortKeyText: r[15],
  }));
  return {
    summary: summaryOf(row?.bars ?? [], !countable(filters)),
    rows: await namedRows(db, organizationId, selected, page, agents),
  };
}
