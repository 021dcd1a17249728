/**
 * Pages and totals of a search, each read by the plan that suits its term, chosen here rather than
 * by the planner, which cannot tell a frequent term from a rare one. The runs the other filters
 * keep are walked in the page's order, a bounded number of them, filtering by the term: a
 * frequent term fills a page within a few of them. When the walk finds too few, the term is rare there; if its
 * count found it rare overall too, its trigram index reads every match, sorted afterwards, and if
 * not, a longer walk passes the runs without it first. See docs/performance.md.
 */
import { and } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import type { AgentOption } from '../db/organization.js';
import { asPlaceholders, preparedByShape } from '../db/prepared.js';
import { executions } from '../db/schema.js';
import type { ActivityUnit } from './counts.js';
import { filterShape, narrowingFilters, listConditions, type ExecutionFilters } from './filter-set.js';
import {
  fromCursor,
  listBindings,
  listExecutions,
  inOrder,
  sortOf,
  type ExecutionRow,
  type ListPlan,
  type PageCursor,
  type PageRequest,
} from './page-query.js';
import { cursorText } from './run-columns.js';
import { isDefaultSort, sortKeyText, sortOrder, sortParam } from './sort.js';
import { COUNT_BOUND, countRunsQuery, summaryOf, type ExecutionSummary } from './summary-query.js';
import { mayReadByWeeks, slicedSpan } from './week-slices.js';

/** Runs a page's walk reads at most, and a total's: more than COUNT_BOUND, so a frequent term is capped by the walk. */
export const PAGE_WALK = 2_000;
/** How far a page walks on, for a term not rare overall, when its first walk found too few. */
export const FAR_WALK = 20 * PAGE_WALK;
export const COUNT_WALK = 2 * COUNT_BOUND;
/** Below this many matches in the counting walk the term is rare enough for its index to count every match. */
export const RARE_MATCHES = 10;

/**
 * The `depth`-th run the other filters keep, from the page's cursor in its order (or its first):
 * where a walk stops; null when fewer runs are left, so a walk reads them all. Read from the index
 * alone.
 */
async function walkEnd(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  page: PageRequest,
  depth: number,
): Promise<PageCursor | null> {
  const sort = sortOf(page);
  const shape = `walk-end ${filterShape(filters)} ${page.kind} ${sortParam(sort)} ${depth}`;
  const query = preparedByShape(db, shape, (name) =>
    db
      .select({ startedAt: cursorText(executions.startedAt), id: executions.id, key: sortKeyText(sort) })
      .from(executions)
      .where(and(listConditions(filters, asPlaceholders, 'omitted'), fromCursor(page, asPlaceholders)))
      .orderBy(...sortOrder(sort, !inOrder(page)))
      .offset(depth - 1)
      .limit(1)
      .prepare(name),
  );
  const [row] = await query.execute(listBindings(organizationId, filters, page));
  return row ?? null;
}

/**
 * A page of a search: walked in its order from its start or cursor (past its offset, if any),
 * further if the term is not rare overall, then matched. A walk that fills the page found the same
 * rows as the index would.
 */
export async function searchPage(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  page: PageRequest,
  agents: AgentOption[],
  /** The plan the search's count gives (sortedSearchPlan), asked for once the page needs it: `matched` for a rare term. */
  plan: () => Promise<ListPlan>,
): Promise<ExecutionRow[]> {
  const sort = sortOf(page);
  // In another order, a rare term is read by its index at once; within a date range the page is
  // read by weeks; with another filter the planner chooses, as no index holds both in the order,
  // and a walk's end could be far along it.
  if (!isDefaultSort(sort)) {
    const counted = await plan();
    if (counted === 'matched' || slicedSpan(filters, sort, asPlaceholders) || narrowingFilters(filters) > 1)
      return listExecutions(db, organizationId, filters, page, agents, counted);
  }
  // A term its count found rare is read by its index once the walk finds too few. Any other has
  // more matches than that read would sort cheaply: too few of them among the first runs of the
  // order (a burst of runs without it, or its runs far along the sort's order) means they lie
  // further on, where a longer walk finds a page. The walks are bounded, as a term whose every
  // match lies at the far end of the order would have the walk read every run.
  const walk = async (depth: number) => {
    const rows = await listExecutions(db, organizationId, filters, page, agents, 'walked', depth);
    // Short of a page, the walk read every run left, or the rest of the page lies further on.
    return rows.length === page.limit || (await walkEnd(db, organizationId, filters, page, depth)) === null ? rows : null;
  };
  const walked = (await walk(PAGE_WALK)) ?? ((await plan()) === 'matched' ? null : await walk(FAR_WALK));
  return walked ?? listExecutions(db, organizationId, filters, page, agents, 'matched');
}

/**
 * A search's total, credits and chart: counted by a walk of the newest COUNT_WALK runs the other
 * filters keep (exact when that is all of them; more than COUNT_BOUND when that many match); a
 * term rare there counted by its index (up to COUNT_BOUND); else the walk's count, a lower bound.
 */
export async function searchSummary(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  unit: ActivityUnit,
): Promise<ExecutionSummary> {
  const newest: PageRequest = { kind: 'offset', offset: 0, limit: 0 };
  const end = await walkEnd(db, organizationId, filters, newest, COUNT_WALK);
  const count = async (plan: 'indexed' | 'walked' | 'walkedAll') => {
    const query = preparedByShape(db, `search-summary ${filterShape(filters)} ${unit} ${plan}`, (name) =>
      countRunsQuery(db, filters, unit, asPlaceholders, plan).prepare(name),
    );
    const [row] = await query.execute({ ...listBindings(organizationId, filters), walkTo: end?.startedAt ?? null });
    return summaryOf(row?.bars ?? [], true);
  };
  const walked = await count(end ? 'walked' : 'walkedAll');
  if (end === null || walked.lowerBound) return walked;
  if (walked.total < RARE_MATCHES) {
    // Rare among the newest runs, as when they came in a burst without the term, need not be rare
    // among all: past COUNT_BOUND matches in its index, a sorted page walks its order instead of
    // reading every match. Not by weeks, though: each week without a match would be walked whole.
    const indexed = await count('indexed');
    return indexed.lowerBound === null || mayReadByWeeks(filters) ? { ...indexed, rareTerm: true } : indexed;
  }
  return { total: walked.total, lowerBound: 'atLeast', credits: 0, activity: [] };
}
