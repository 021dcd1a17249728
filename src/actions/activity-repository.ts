/**
 * The Activity view's reads: the organization's actions on runs, newest first, a page at a time by
 * keyset on (at, id). With the list's filters set, only actions on runs those filters keep — the
 * list's own conditions, bound as the list binds them; without any, every action, those on runs
 * that retention has since pruned included (the trail outlives them). Every table is read scoped by
 * the organization, the joins included.
 */
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { asParameters } from '../db/prepared.js';
import { agents, executions, runActions, type ActionOutcome, type RunActionKind } from '../db/schema.js';
import { filtersFor, hasFilters, listConditions } from '../list/filter-set.js';
import { listBindings } from '../list/page-query.js';
import { cursorText, SHOWN_TITLE_LENGTH } from '../list/run-columns.js';
import { PAGE_SIZE, type ExecutionQuery, type QueryCursor } from '../list/query.js';

/** The run an action was taken on, as the Activity view names it. */
export interface ActedOnRun {
  conversationId: string;
  /** Null when the agent was deleted. */
  agentName: string | null;
  /** The conversation's title (the schedule's), one character longer than shown when it goes on. */
  title: string;
  startedAt: Date;
}

export interface ActivityEntry {
  id: string;
  /** Its `at` exact to the microsecond (UTC ISO): a Date would lose what the keyset compares. */
  atText: string;
  at: Date;
  action: RunActionKind;
  userId: string;
  userName: string | null;
  outcome: ActionOutcome;
  reason: string | null;
  jobId: string | null;
  /** Null when retention pruned the run. */
  run: ActedOnRun | null;
}

/** Where a page starts: after (older than) or before (newer than) an entry. */
type EntryCursor = Pick<QueryCursor, 'direction' | 'startedAt' | 'id'>;

/** A page of entries, newest first; `before` a cursor they are read oldest first and turned round. */
async function readEntries(
  db: ExecutionsDatabase,
  organizationId: string,
  query: ExecutionQuery,
  timeZone: string,
  cursor: EntryCursor | null,
  limit: number,
): Promise<ActivityEntry[]> {
  const filters = filtersFor(query, timeZone);
  // An inner join in effect when filtered: the list's conditions keep only runs that still exist.
  const onRuns = hasFilters(query) ? listConditions(filters, asParameters(listBindings(organizationId, filters))) : undefined;
  const key = sql`(${runActions.at}, ${runActions.id})`;
  const past: SQL | undefined = cursor
    ? sql`${key} ${sql.raw(cursor.direction === 'after' ? '<' : '>')} (${cursor.startedAt}::timestamptz, ${cursor.id}::uuid)`
    : undefined;
  const order = cursor?.direction === 'before' ? asc : desc;
  const rows = await db
    .select({
      id: runActions.id,
      atText: cursorText(runActions.at),
      at: runActions.at,
      action: runActions.action,
      userId: runActions.userId,
      userName: runActions.userName,
      outcome: runActions.outcome,
      reason: runActions.reason,
      jobId: runActions.jobId,
      conversationId: executions.conversationId,
      agentName: agents.name,
      agentDeletedAt: agents.deletedAt,
      title: sql<string | null>`left(${executions.conversationTitle}, ${sql.raw(String(SHOWN_TITLE_LENGTH + 1))})`,
      startedAt: executions.startedAt,
    })
    .from(runActions)
    .leftJoin(
      executions,
      and(eq(executions.organizationId, runActions.organizationId), eq(executions.id, runActions.executionId)),
    )
    .leftJoin(agents, and(eq(agents.organizationId, executions.organizationId), eq(agents.id, executions.agentId)))
    .where(and(eq(runActions.organizationId, organizationId), onRuns, past))
    .orderBy(order(runActions.at), order(runActions.id))
    .limit(limit);
  const entries = rows.map((r): ActivityEntry => ({
    id: r.id,
    atText: r.atText,
    at: r.at,
    action: r.action,
    userId: r.userId,
    userName: r.userName,
    outcome: r.outcome,
    reason: r.reason,
    jobId: r.jobId,
    run:
      r.conversationId === null || r.startedAt === null
        ? null
        : {
            conversationId: r.conversationId,
            agentName: r.agentName !== null && r.agentDeletedAt === null ? r.agentName : null,
            title: r.title ?? '',
            startedAt: r.startedAt,
          },
  }));
  return cursor?.direction === 'before' ? entries.reverse() : entries;
}

export interface ActivityPage {
  /** The query as shown: a page the cursor could not find is the first. */
  query: ExecutionQuery;
  entries: ActivityEntry[];
  /** Whether older entries follow. */
  more: boolean;
}

/**
 * The page of entries `query` asks for: its filters, and its page and cursor (an entry's at and
 * id). A page without a usable cursor — typed by hand, or left by entries gone — is the first, as
 * the list reads a malformed page.
 */
export async function loadActivity(
  db: ExecutionsDatabase,
  organizationId: string,
  query: ExecutionQuery,
  timeZone: string,
): Promise<ActivityPage> {
  const read = (cursor: EntryCursor | null, limit: number) => readEntries(db, organizationId, query, timeZone, cursor, limit);
  const first = async (): Promise<ActivityPage> => {
    const rows = await read(null, PAGE_SIZE + 1);
    return { query: { ...query, page: 1, cursor: null }, entries: rows.slice(0, PAGE_SIZE), more: rows.length > PAGE_SIZE };
  };
  const { cursor } = query;
  if (query.page <= 1 || !cursor) return first();
  if (cursor.direction === 'after') {
    const rows = await read(cursor, PAGE_SIZE + 1);
    if (rows.length === 0) return first();
    return { query, entries: rows.slice(0, PAGE_SIZE), more: rows.length > PAGE_SIZE };
  }
  // Back from a later page: fewer than a page newer than the cursor means they are the first page.
  const rows = await read(cursor, PAGE_SIZE);
  if (rows.length < PAGE_SIZE) return first();
  return { query, entries: rows, more: true };
}
