/**
 * A page sorted by credits or duration with two filters or more. No index holds the runs of both
 * in the sort's order (but Failed with an agent, and a date range read by weeks), so the planner
 * walks one filter's index in that order and checks the other on each run it passes: past every
 * run of the first when the second rarely holds, as an agent with no Active run walked every
 * Active run. The count tables know how many runs match before the page is read; when they are
 * few, the page reads them all by the filters' own index and sorts them (the `matched` plan).
 */
import { asPlaceholders } from '../db/prepared.js';
import { narrowingFilters, type ExecutionFilters } from './filter-set.js';
import type { ListPlan } from './page-query.js';
import type { ListSort } from './sort.js';
import type { ExecutionSummary } from './summary-query.js';
import { slicedSpan } from './week-slices.js';

/** Runs few enough to read whole and sort: a sort of a thousand rows costs less than a long walk. */
export const FEW_RUNS = 1_000;

/** Whether the page's plan waits for the count of its runs: two filters or more and a sort by a key. */
export const plannedByCount = (filters: ExecutionFilters, sort: ListSort) =>
  sort.key !== 'date' && narrowingFilters(filters) >= 2 && !slicedSpan(filters, sort, asPlaceholders);

/** The plan of a page whose filters match `total` runs. */
export const sortedPlan = (filters: ExecutionFilters, sort: ListSort, total: number): ListPlan =>
  plannedByCount(filters, sort) && total <= FEW_RUNS ? 'matched' : 'indexed';

/**
 * The plan of a search's page in another order than the default, from its count: a term whose
 * matches are few, or rare among the newest runs (its index counted them), is read by its index
 * and sorted: by weeks, each week without a match would be walked whole. Any other walks the sort's
 * order, by weeks within a date range, where ties on the key go by start: a walk of the whole order
 * would pass every run newer than the range.
 */
export const sortedSearchPlan = (summary: Pick<ExecutionSummary, 'total' | 'lowerBound' | 'rareTerm'>): ListPlan =>
  (summary.lowerBound === null && summary.total <= FEW_RUNS) || summary.rareTerm === true ? 'matched' : 'indexed';
