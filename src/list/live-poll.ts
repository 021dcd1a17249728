/**
 * A live poll's use case: the watched rows read again by id and, on page 1, the runs that arrived
 * since counted; compared with what the page shows (the poll's state), only what changed is handed
 * back. Every read is scoped by the organization; the state is hostile input, parsed in
 * live-refresh.ts, and names at most a page of rows.
 */
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import type { AgentOption, Organization } from '../db/organization.js';
import { asPlaceholders, preparedByShape } from '../db/prepared.js';
import { executions } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';
import { localDay } from '../lib/time-zone.js';
import { CONVERSATION_SEARCH_MS, conversationSearch } from './conversation-search.js';
import { checkQuery } from './execution-list.js';
import { filterShape, filtersFor, listConditions, type ExecutionFilters } from './filter-set.js';
import {
  awaitsNewRuns,
  NEW_RUNS_LIMIT,
  changedCells,
  etagFor,
  liveView,
  newRunsView,
  rowKeys,
  type LiveCell,
  type LiveState,
  type LiveView,
  type NewRunsView,
} from './live-refresh.js';
import { beyond, listBindings, namedRows, type ExecutionRow, type PageCursor } from './page-query.js';
import { listColumns } from './run-columns.js';
import { withQuery, type ExecutionQuery, type ParsedQuery } from './query.js';
import { distinctNames, rowView, type RowContext, type RowView } from './view-model.js';

export interface LiveUpdate {
  /** The ETag of the state the page shows once this update is applied. */
  etag: string;
  /** The list's query as checked, which the rows' action forms carry back. */
  query: ExecutionQuery;
  /** The watched rows whose cells changed, with those cells and the run as read (for its actions). */
  changed: { row: RowView; cells: LiveCell[]; run: ExecutionRow }[];
  /** The notice as it reads now, when its count changed (null: none); undefined when it did not. */
  newRuns?: NewRunsView | null;
  /** The next poller, or null: nothing the page shows can change any more, and polling ends. */
  live: LiveView | null;
}

/** The organization's scheduled runs of these ids (a page of them at most). */
async function readRuns(
  db: ExecutionsDatabase,
  organizationId: string,
  ids: string[],
  agents: AgentOption[],
): Promise<ExecutionRow[]> {
  const selected = await db
    .select(listColumns)
    .from(executions)
    .where(and(eq(executions.organizationId, organizationId), isNotNull(executions.scheduleId), inArray(executions.id, ids)));
  return namedRows(db, organizationId, selected, { kind: 'offset', offset: 0, limit: ids.length }, agents);
}

/**
 * How many of the runs the filters keep are newer than `since`, up to NEW_RUNS_LIMIT: an index
 * walk from it, bounded however old a forged `since` is.
 */
async function countNewer(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  since: PageCursor,
): Promise<number> {
  const query = preparedByShape(db, `newer ${filterShape(filters)}`, (name) =>
    db
      .select({ runs: sql<number>`count(*)::int` })
      .from(
        db
          .select({ id: executions.id })
          .from(executions)
          .where(and(listConditions(filters, asPlaceholders), beyond('newer', asPlaceholders)))
          .limit(NEW_RUNS_LIMIT)
          .as('newer'),
      )
      .prepare(name),
  );
  const [row] = await query.execute(listBindings(organizationId, filters, { kind: 'before', cursor: since, limit: 0 }));
  return row?.runs ?? 0;
}

export interface PollContext {
  basePath: string;
  messages: Messages;
  everySeconds: number;
  /** The time the "also in conversations" search may take (conversationSearchAllowance). */
  conversationSearchMs?: number;
}

export async function pollLive(
  db: ExecutionsDatabase,
  organization: Organization,
  parsed: ParsedQuery,
  shown: LiveState,
  now: Date,
  agents: AgentOption[],
  { basePath, messages, everySeconds, conversationSearchMs = CONVERSATION_SEARCH_MS }: PollContext,
): Promise<LiveUpdate> {
  const { query } = checkQuery(parsed, agents);
  const filters = filtersFor(query, organization.timeZone);
  const ids = [...shown.watched.keys()];
  const since = awaitsNewRuns(query, localDay(now, organization.timeZone)) ? shown.since : null;
  // The new runs that only their conversations hold the term: found among those newer than `since`.
  const search = conversationSearch(db, organization.id, filters, now, { ms: conversationSearchMs });
  const newer = async (from: PageCursor) =>
    countNewer(db, organization.id, (await search?.from(from, false, NEW_RUNS_LIMIT)) ?? filters, from);
  const [rows, newRuns] = await Promise.all([
    ids.length > 0 ? readRuns(db, organization.id, ids, agents) : [],
    since ? newer(since) : 0,
  ]);
  const canonicalHref = withQuery(basePath, query);
  const context: RowContext = {
    basePath,
    listSearch: canonicalHref.slice(basePath.length),
    timeZone: organization.timeZone,
    now,
    messages,
  };
  // Named as the page names them where their like are watched too (a burst of runs of one
  // schedule is); the runs of the page that no longer change are not read again.
  const views = distinctNames(
    rows.map((r) => rowView(r, context)),
    messages,
  );
  const runs = new Map(rows.map((run) => [run.id, run]));
  const changed = views.flatMap((row) => {
    const cells = changedCells(shown.watched.get(row.id) ?? '', rowKeys(row));
    return cells.length > 0 ? [{ row, cells, run: runs.get(row.id)! }] : [];
  });
  // A row that can no longer change is sent as it ended, and watched no more.
  const watched = new Map(views.filter((r) => r.changing).map((r) => [r.id, rowKeys(r)]));
  const live = liveView(organization.id, { canonicalHref, messages }, { watched, since, newRuns }, everySeconds);
  return {
    etag: etagFor(organization.id, live?.refresh.href ?? ''),
    query,
    changed,
    newRuns: newRuns === shown.newRuns ? undefined : newRunsView(newRuns, canonicalHref, messages),
    live,
  };
}
