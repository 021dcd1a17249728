/**
 * The list's use case, like Django admin's ChangeList: takes the parsed query value, checks it
 * against the organization's data, runs the page and count queries and hands back what the
 * page shows. No request, no markup.
 */
import type { ExecutionsDatabase } from '../db/database.js';
import { activityRange, type ActivityRange } from './activity.js';
import type { FieldErrors, Rejected } from './filter.js';
import { CONVERSATION_SEARCH_MS, conversationSearch, cutShort, type ConversationsCut } from './conversation-search.js';
import { checkFilters, countable, filtersFor } from './filter-set.js';
import { searchPage, searchSummary } from './search-plan.js';
import { pageWithSummary, listExecutions, type ExecutionRow, type PageRequest } from './page-query.js';
import { plannedByCount, sortedPlan, sortedSearchPlan } from './sorted-plan.js';
import { withRunsExtent } from './week-slices.js';
import { PAGE_SIZE, type ExecutionQuery, type ParsedQuery } from './query.js';
import { isDefaultSort } from './sort.js';
import { summarizeExecutions, type ActivityBucket, type ExecutionSummary } from './summary-query.js';
import { listAgents, type AgentOption, type Organization } from '../db/organization.js';
import { localDay } from '../lib/time-zone.js';

/** The organization with the local day of its first scheduled run, which sizes the activity chart. */
export type ListedOrganization = Organization & { firstDay: string | null };

export interface ExecutionList {
  /** The query as applied: unknown agents dropped, the page clamped to the last one. */
  query: ExecutionQuery;
  errors: FieldErrors;
  rejected: Rejected;
  agents: AgentOption[];
  rows: ExecutionRow[];
  /** Every matching run; or a lower bound of them (see ExecutionSummary). */
  total: number;
  lowerBound: ExecutionSummary['lowerBound'];
  /** The matching runs' credits. */
  credits: number;
  activity: { range: ActivityRange; buckets: ActivityBucket[] };
  /** When the list was read, and that day in the organization's time zone. */
  now: Date;
  today: string;
  /** Null when the total is a lower bound: the arrows still page by cursor, there is no last page. */
  pageCount: number | null;
  /** Where the time for searching conversations ran out, when the page may lack runs because of it. */
  conversationsCut: ConversationsCut | null;
}

export function pageCountFor(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/**
 * The query checked against the organization's data: an agent of another organization, or a
 * stale bookmark's, is not applied, and says so.
 */
export function checkQuery(parsed: ParsedQuery, agents: AgentOption[]): ParsedQuery {
  const { values, errors } = checkFilters(parsed.query, { agents });
  if (values === parsed.query) return parsed;
  return { ...parsed, query: values, errors: { ...parsed.errors, ...errors } };
}

export async function loadExecutionList(
  db: ExecutionsDatabase,
  organization: ListedOrganization,
  parsed: ParsedQuery,
  now: Date,
  /** The organization's agents, when the caller already has them (a short-lived cache). */
  knownAgents?: AgentOption[],
  /** The time the "also in conversations" search may take (conversationSearchAllowance). */
  conversationSearchMs = CONVERSATION_SEARCH_MS,
): Promise<ExecutionList> {
  const agents = knownAgents ?? (await listAgents(db, organization.id));
  const checked = checkQuery(parsed, agents);
  let { query } = checked;
  const { errors } = checked;

  const filters = await withRunsExtent(db, organization.id, filtersFor(query, organization.timeZone), query.sort, now);
  // The count tables are exact: when they hold no run, no index need be read to find none.
  const list = async (page: PageRequest, total: number) =>
    total === 0 ? [] : listExecutions(db, organization.id, filters, page, agents, sortedPlan(filters, query.sort, total));
  const today = localDay(now, organization.timeZone);
  const range = activityRange(query.startDate, query.endDate, organization.firstDay, today);
  const { cursor } = query;
  // With a cursor (the arrows' links) summary and page are read together, in one statement, each
  // at constant cost; so are they for the first page, which needs no total to find its rows.
  const first = !cursor && query.page === 1;
  const { sort } = query;
  const together: PageRequest | null = cursor
    ? { kind: cursor.direction, cursor, limit: PAGE_SIZE, sort }
    : first
      ? { ...pageByPosition(1, 0), sort }
      : null;
  // The option's conversations are found first, for the summary and for the page read (search-filter.ts).
  const everyMatch = !isDefaultSort(sort);
  const conversations = conversationSearch(db, organization.id, filters, now, { everyMatch, ms: conversationSearchMs });
  let conversationsCut: ConversationsCut | null = null;
  const searched = async (page: PageRequest, counted: Promise<ExecutionSummary>) => {
    const plan = () => counted.then(sortedSearchPlan);
    if (!conversations) return searchPage(db, organization.id, filters, page, agents, plan);
    const found = await conversations.page(page);
    const rows = await searchPage(db, organization.id, found.filters, page, agents, plan);
    conversationsCut = cutShort(found.scan, rows, page.limit, everyMatch);
    return rows;
  };
  const searchedSummary = async () => {
    if (!conversations) return searchSummary(db, organization.id, filters, range.unit);
    const found = await conversations.summary();
    const counted = await searchSummary(db, organization.id, found.filters, range.unit);
    return found.cut && counted.lowerBound === null ? { ...counted, lowerBound: 'atLeast' as const } : counted;
  };
  // The count first when the page's plan depends on it (sorted-plan.ts): one more round trip.
  const counted = async (page: PageRequest | null) => {
    const summary = await summarizeExecutions(db, organization.id, filters, range.unit);
    return { summary, rows: page && (await list(page, summary.total)) };
  };
  // A search's page starts walking beside its count, which it waits for only if the walk falls short.
  const searchedWithSummary = async (page: PageRequest | null) => {
    const counting = searchedSummary();
    const [summary, rows] = await Promise.all([counting, page && searched(page, counting)]);
    return { summary, rows };
  };
  const { summary, rows: keyed } = !countable(filters)
    ? await searchedWithSummary(together)
    : together && !plannedByCount(filters, sort)
      ? await pageWithSummary(db, organization.id, filters, range.unit, together, agents)
      : await counted(together);
  const { total, credits, activity } = summary;
  const pageCount = summary.lowerBound === null ? pageCountFor(total) : null;
  // Past the end (a stale link, or ?page=1e9): show the last page rather than an empty one. With
  // the total unknown, a bare page number goes no deeper than the counted runs reach.
  const lastKnown = pageCount ?? pageCountFor(total) + 1;
  let rows = keyed;
  if (query.page > lastKnown && !(pageCount === null && cursor)) {
    query = { ...query, page: lastKnown, cursor: null };
    rows = null;
  }
  if (rows === null || (rows.length === 0 && !first)) {
    // A bare ?page=N, or a cursor that no longer finds rows: by position.
    query = { ...query, cursor: null };
    const newest = { kind: 'offset', offset: (query.page - 1) * PAGE_SIZE, limit: PAGE_SIZE } as const;
    const byPosition = { ...(pageCount !== null ? pageByPosition(query.page, total) : newest), sort };
    rows = countable(filters) ? await list(byPosition, total) : await searched(byPosition, Promise.resolve(summary));
  }
  return {
    query,
    errors,
    rejected: parsed.rejected,
    agents,
    rows,
    total,
    lowerBound: summary.lowerBound,
    credits,
    activity: { range, buckets: activity },
    now,
    today,
    pageCount,
    conversationsCut,
  };
}

/**
 * Page N by position. Offsets grow with depth, so a page in the latter half is read from the
 * list's end instead: the last page costs what the first does. Only the middle of a huge list
 * reached by a bare ?page=N is slow; the arrows never do that.
 */
export function pageByPosition(page: number, total: number): PageRequest {
  const newestOffset = (page - 1) * PAGE_SIZE;
  if (newestOffset <= total / 2) return { kind: 'offset', offset: newestOffset, limit: PAGE_SIZE };
  const end = Math.min(total, page * PAGE_SIZE);
  return { kind: 'fromEnd', offset: total - end, limit: end - newestOffset };
}
