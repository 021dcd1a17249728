/**
 * The list's use case, like Django admin's ChangeList: takes the parsed query value, checks it
 * against the organization's data, runs the page and count queries and hands back what the
 * page shows. No request, no markup.
 */
import type { ExecutionsDatabase } from './database.js';
import { PAGE_SIZE, type ExecutionQuery, type FieldErrors, type ParsedQuery, type RejectedDates } from './query.js';
import {
  countExecutions,
  listAgents,
  listExecutions,
  type AgentOption,
  type ExecutionFilters,
  type ExecutionRow,
  type Organization,
} from './repository.js';
import { instantRange } from './time-zone.js';

export interface ExecutionList {
  /** The query as applied: unknown agents dropped, the page clamped to the last one. */
  query: ExecutionQuery;
  errors: FieldErrors;
  rejected: RejectedDates;
  agents: AgentOption[];
  rows: ExecutionRow[];
  total: number;
  pageCount: number;
}

export function pageCountFor(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

export function filtersFor(query: ExecutionQuery, timeZone: string): ExecutionFilters {
  const range = instantRange(query.startDate, query.endDate, timeZone);
  return {
    agentId: query.agentId,
    status: query.status,
    startedFrom: range.from,
    startedBefore: range.before,
  };
}

export async function loadExecutionList(
  db: ExecutionsDatabase,
  organization: Organization,
  parsed: ParsedQuery,
): Promise<ExecutionList> {
  const agents = await listAgents(db, organization.id);
  let query = parsed.query;
  const errors = { ...parsed.errors };
  // An id from another organization, or a stale bookmark, is not an agent here.
  if (query.agentId && !agents.some((a) => a.id === query.agentId)) {
    errors.agent = 'That agent was not found. Showing all agents.';
    query = { ...query, agentId: null };
  }

  const filters = filtersFor(query, organization.timeZone);
  const pageOf = (page: number) => ({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const [total, firstTry] = await Promise.all([
    countExecutions(db, organization.id, filters),
    listExecutions(db, organization.id, filters, pageOf(query.page)),
  ]);
  const pageCount = pageCountFor(total);
  let rows = firstTry;
  // Past the end (a stale link, or ?page=1e9): show the last page rather than an empty one.
  if (query.page > pageCount) {
    query = { ...query, page: pageCount };
    rows = await listExecutions(db, organization.id, filters, pageOf(pageCount));
  }
  return { query, errors, rejected: parsed.rejected, agents, rows, total, pageCount };
}
