/**
 * Turns the list use case's result into the plain data the views render: labels, formatted
 * dates and credits, and every href — each one derived from the query value.
 */
import { addDays } from 'date-fns';
import type { ExecutionList } from './execution-list.js';
import type { LiveView } from './live-refresh.js';
import { RUNNING_LONG_FACTOR } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';
import { formatDuration, numberFormat, shorten } from '../lib/format.js';
import { dateOfDay, dayOfDate, formatDateTime, formatUtcOffset, isoSecond, localSecond, timeZoneName } from '../lib/time-zone.js';
import type { FormField } from './filter.js';
import {
  appliedFilters,
  describeFilters,
  countableOnly,
  ERROR_SLOTS,
  errorMessages,
  formFields,
  hasFilters,
  type AppliedFilter,
} from './filter-set.js';
import { type ExecutionRow, type PageCursor } from './page-query.js';
import { SHOWN_ERROR_LENGTH, SHOWN_TITLE_LENGTH } from './run-columns.js';
import { DEFAULT_QUERY, PAGE_SIZE, withQuery, type ExecutionQuery } from './query.js';
import { STATUS_ORDER, statusBadge, type StatusBadge } from './status.js';
import { activityView, type ActivityView } from './activity-view.js';
import type { BulkButtonsView, RowActionsView } from './row-actions.js';
import { isDefaultSort, sortBy, sortParam, type SortKey } from './sort.js';
export type { ActivityView, BarView } from './activity-view.js';

/** A figure shown, or the dash of one missing with what it means ("Not finished"). */
export interface DurationView {
  text: string;
  missing: boolean;
}

export interface RowView {
  id: string;
  agentName: string | null;
  schedule: string;
  startedAt: string;
  startedAtIso: string;
  status: StatusBadge;
  /**
   * Active or Pending, or finished so lately that its credits may yet be calculated: the run can
   * still change, so the page keeps its row fresh.
   */
  changing: boolean;
  /** The error of a Failed run, when it has one: its first SHOWN_ERROR_LENGTH characters. */
  error: string | null;
  /** The run's page, which shows the whole error, when this one was cut. */
  fullErrorHref: string | null;
  /** "First failed tool: <name>", on a Failed run whose tool call failed. */
  failedTool: string | null;
  /** "1 min 12 s"; or, missing, the words the dash stands for. */
  duration: DurationView;
  credits: string | null;
  /** "Credit spike: 4.2× usual", when the run cost over CREDIT_SPIKE_FACTOR times its agent's usual. */
  spike: string | null;
  /**
   * "Running long (usually 3 min)", for an Active run past RUNNING_LONG_FACTOR times its agent's
   * usual. No running time in it: the text changes only when the flag appears, so a live-refresh
   * poll stays a 304 (the start time is in its own column).
   */
  runningLong: string | null;
  conversationHref: string;
  /**
   * The start time as the row's control names give it: to the second, and where runs of the page
   * share schedule and second, the run's short id: "10/03/2026 12:30:05, run 3f2a9c1b".
   */
  namedAt: string;
  /** The zone's offset at the start, "UTC−03:00": the eye link's name gives the start in full. */
  utcOffset: string;
  /**
   * Unique on the page, and the start's full value for keyboards and screen readers (the cell
   * shows the spec's minutes): "View conversation: <schedule>, 10/03/2026 12:30:05 UTC−03:00".
   */
  conversationLabel: string;
}

export interface FilterView {
  action: string;
  clearHref: string;
  /** Every filter's controls, in order. */
  fields: FormField[];
  /** Every error slot of the form with its message, if any: a swap refreshes them all. */
  errors: { slot: string; message: string | undefined }[];
  /** "(2 applied)", after the word of the button that shows the filters on a small screen; '' for none. */
  appliedCount: string;
  /** The "Selected filters" list: each applied filter with the list's first page without it. */
  applied: AppliedFilter[];
}

/** A sortable column's header: a link to the list sorted by it, and how it sorts the list now, if it does. */
export interface SortHeaderView {
  href: string;
  ariaSort: 'ascending' | 'descending' | undefined;
}

export interface PaginationView {
  page: number;
  pageCount: number | null;
  /** The first and last pages: null when already there. */
  firstHref: string | null;
  previousHref: string | null;
  nextHref: string | null;
  lastHref: string | null;
}

export interface ResultsView {
  rows: RowView[];
  /** "N executions total · X credits". */
  totalText: string;
  /** "Download CSV" of the same filters (the whole set, not the page). */
  csvHref: string;
  /** The failure digest of the same filters. */
  digestHref: string;
  /** Null when nothing matches. */
  activity: ActivityView | null;
  filtered: boolean;
  clearHref: string;
  pagination: PaginationView;
  /** The sortable columns' headers. */
  sortHeaders: Record<SortKey, SortHeaderView>;
  /** The sort parameter the filters carry, when the list is not in its default order. */
  sort: string | null;
  /** The caption as screen readers hear it, so they know what the table holds. */
  caption: string;
  /** Set while rows can still change or new runs may arrive: the page polls (see live-refresh.ts). */
  live: LiveView | null;
  /** Said when the runs were read from a read replica that is behind. */
  behind: string | null;
  /** Said when the time for searching conversations ran out before this page's runs were all searched. */
  conversationsCut: string | null;
  /** With the host's actions, for a user who may act: each row's forms (row-actions.ts). */
  rowActions?: RowActionsView;
  bulk?: BulkButtonsView;
  /** With the host's actions: the Activity view of the same filters. */
  activityHref?: string | undefined;
}

export interface ListView {
  title: string;
  /** The words the views show, in the host's language. */
  messages: Messages;
  /** "Times in Eastern Time, UTC−05:00": the zone of every time shown, and its offset now. */
  timesIn: string;
  /** "Failed in the last 7 days", in the organization's calendar: the spec's weekly review. */
  weeklyReviewHref: string;
  filters: FilterView;
  /**
   * The chart's statuses, bottom to top, as its key shows them: the same for every chart, so the
   * key stays outside the region swaps refill.
   */
  chartLegend: StatusBadge[];
  results: ResultsView;
  /** The canonical URL of what is shown, pushed into history after a swap. */
  canonicalHref: string;
}

export function conversationPath(basePath: string, conversationId: string): string {
  return `${basePath}/conversations/${encodeURIComponent(conversationId)}`;
}

function spikeText(row: ExecutionRow, m: Messages): string | null {
  if (!row.creditSpike || row.credits === null || !row.usualCredits) return null;
  return m.creditSpike(numberFormat(m.locale).ratio(row.credits / row.usualCredits));
}

function runningLongText(row: ExecutionRow, now: Date, m: Messages): string | null {
  // Not a positive number (the host's SQL can store anything): no usual to compare with.
  if (row.status !== 'active' || !(row.usualDurationMs !== null && row.usualDurationMs > 0)) return null;
  const running = now.getTime() - row.startedAt.getTime();
  if (running <= RUNNING_LONG_FACTOR * row.usualDurationMs) return null;
  return m.runningLong(formatDuration(row.usualDurationMs, m)!);
}

/**
 * The Duration cell: finished − started, or the dash, with what it stands for, while the run has
 * not finished or when its stored finish precedes its start.
 */
export function durationView(row: Pick<ExecutionRow, 'startedAt' | 'finishedAt'>, m: Messages): DurationView {
  if (row.finishedAt === null) return { text: m.notFinished, missing: true };
  const text = formatDuration(row.finishedAt.getTime() - row.startedAt.getTime(), m);
  return text === null ? { text: m.durationUnknown, missing: true } : { text, missing: false };
}

/** How long after a run finishes its credits may still arrive; its row is watched until then. */
const CREDITS_WAIT_MS = 5 * 60_000;

/** What a row's cells need besides the row: where links go, when and in which words. */
export interface RowContext {
  basePath: string;
  /** The list's query string ('' or '?…'), which each conversation link carries back. */
  listSearch: string;
  timeZone: string;
  now: Date;
  messages: Messages;
}

export function rowView(row: ExecutionRow, { basePath, listSearch, timeZone, now, messages: m }: RowContext): RowView {
  const started = localSecond(row.startedAt, timeZone);
  const utcOffset = formatUtcOffset(started.offset);
  const failed = row.status === 'failed';
  const conversation = conversationPath(basePath, row.conversationId) + listSearch;
  // A failed run's conversation opens at the tool call that failed first.
  const jump = failed && row.failedStep !== null ? `#xa-step-${row.failedStep}` : '';
  const schedule = shorten(row.scheduleTitle, SHOWN_TITLE_LENGTH).text;
  const error = failed && row.errorMessage ? shorten(row.errorMessage, SHOWN_ERROR_LENGTH) : null;
  return {
    id: row.id,
    agentName: row.agentName,
    schedule,
    startedAt: started.text.slice(0, -3),
    // To the second: milliseconds, different in every row, cost a swap's bytes and say nothing.
    startedAtIso: isoSecond(row.startedAt),
    status: statusBadge(row.status, m),
    changing:
      row.status === 'active' ||
      row.status === 'pending' ||
      (row.credits === null && row.finishedAt !== null && now.getTime() - row.finishedAt.getTime() < CREDITS_WAIT_MS),
    error: error && error.text,
    fullErrorHref: error?.cut ? conversation : null,
    failedTool: failed && row.failedTool ? m.failedToolNote(shorten(row.failedTool, SHOWN_TITLE_LENGTH).text) : null,
    duration: durationView(row, m),
    credits: row.credits === null ? null : numberFormat(m.locale).credits(row.credits),
    spike: spikeText(row, m),
    runningLong: runningLongText(row, now, m),
    conversationHref: conversation + jump,
    namedAt: started.text,
    utcOffset,
    conversationLabel: m.conversationLink(schedule, `${started.text} ${utcOffset}`),
  };
}

/** The shortest beginnings of run ids, from 8 hex digits, that tell them apart: "3f2a9c1b". */
function shortIds(ids: string[]): string[] {
  const hex = ids.map((id) => id.replaceAll('-', ''));
  const longest = Math.max(...hex.map((h) => h.length));
  for (let length = 8; ; length++) {
    const short = hex.map((h) => h.slice(0, length));
    if (length >= longest || new Set(short).size === short.length) return short;
  }
}

/**
 * Runs of one schedule started in the same second would read alike (a schedule started several
 * times at once, a burst of retries; or an hour repeated as clocks go back): their controls'
 * names add the run's id, which no other page or poll changes, where it is needed only.
 */
export function distinctNames(rows: RowView[], m: Messages): RowView[] {
  const key = (row: RowView) => `${row.schedule}\n${row.namedAt}`;
  const alike = new Map<string, RowView[]>();
  for (const row of rows) alike.set(key(row), [...(alike.get(key(row)) ?? []), row]);
  return rows.map((row) => {
    const same = alike.get(key(row))!;
    if (same.length === 1) return row;
    const run = shortIds(same.map((r) => r.id))[same.indexOf(row)]!;
    return {
      ...row,
      namedAt: m.sameSecond(row.namedAt, run),
      conversationLabel: m.conversationLink(row.schedule, m.sameSecond(`${row.namedAt} ${row.utcOffset}`, run)),
    };
  });
}

/** "Times in Eastern Time, UTC−05:00": the zone's name, and its offset at `at` (one format(), as the rows'). */
export function timesIn(at: Date, timeZone: string, m: Messages): string {
  return m.timesIn(timeZoneName(timeZone, m.locale), formatUtcOffset(localSecond(at, timeZone).offset));
}

/** "N executions total · X credits"; "More than N executions" when not counted to the end. */
export function totalText({ total, lowerBound, credits }: ExecutionList, m: Messages): string {
  const format = numberFormat(m.locale);
  if (lowerBound) return m[lowerBound === 'moreThan' ? 'executionsMoreThan' : 'executionsAtLeast'](total, format.count(total));
  return `${m.executionsTotal(total, format.count(total))} · ${m.creditsTotal(credits, format.credits(credits))}`;
}

/** What a page read from a replica running behind says of it: "Runs recorded in the last 12 s may not be shown yet." */
export function behindNote(behindMs: number | null, m: Messages): string | null {
  return behindMs === null ? null : m.replicaBehind(formatDuration(behindMs, m) ?? '');
}

/**
 * The arrows' links from a page of `query` at `path`, whose rows start at `first` and end at `last`.
 * They carry a keyset cursor — the last row for Next, the first for Previous — so every page costs
 * the same however deep; page 1 needs none.
 */
export function arrowHrefs(
  path: string,
  query: ExecutionQuery,
  first: PageCursor | undefined,
  last: PageCursor | undefined,
  more: boolean,
): { previousHref: string | null; nextHref: string | null } {
  const previousHref =
    query.page <= 1
      ? null
      : withQuery(path, {
          ...query,
          page: query.page - 1,
          cursor: query.page - 1 > 1 && first ? { direction: 'before', ...first } : null,
        });
  const nextHref =
    more && last ? withQuery(path, { ...query, page: query.page + 1, cursor: { direction: 'after', ...last } }) : null;
  return { previousHref, nextHref };
}

/** `behindMs`: how far behind the primary the database the list was read from is, when that matters. */
export function buildListView(
  list: ExecutionList,
  basePath: string,
  timeZone: string,
  messages: Messages,
  behindMs: number | null = null,
): ListView {
  const { query } = list;
  const more = list.pageCount === null ? list.rows.length === PAGE_SIZE : query.page < list.pageCount;
  const lastHref = list.pageCount && more ? withQuery(basePath, { ...query, page: list.pageCount, cursor: null }) : null;
  const { previousHref, nextHref } = arrowHrefs(basePath, query, list.rows[0]?.cursor, list.rows.at(-1)?.cursor, more);
  const weekAgo = dayOfDate(addDays(dateOfDay(list.today), -6));
  const firstPage = { ...query, page: 1, cursor: null };
  const canonicalHref = withQuery(basePath, query);
  const fieldErrors = errorMessages(list.errors, messages);
  const facts = { agents: list.agents };
  const filterWords = describeFilters(query, facts, messages) || null;
  const applied = appliedFilters(query, facts, messages, (values) => withQuery(basePath, { ...firstPage, ...values }));
  const sortHeader = (key: SortKey): SortHeaderView => ({
    href: withQuery(basePath, { ...firstPage, sort: sortBy(key, query.sort) }),
    ariaSort: query.sort.key !== key ? undefined : query.sort.descending ? 'descending' : 'ascending',
  });
  const rows: RowContext = { basePath, listSearch: canonicalHref.slice(basePath.length), timeZone, now: list.now, messages };
  return {
    title: messages.listTitle(filterWords, query.page, list.pageCount),
    messages,
    timesIn: timesIn(list.now, timeZone, messages),
    weeklyReviewHref: withQuery(basePath, { ...DEFAULT_QUERY, status: 'failed', startDate: weekAgo, endDate: list.today }),
    canonicalHref,
    chartLegend: STATUS_ORDER.map((status) => statusBadge(status, messages)),
    filters: {
      action: basePath,
      clearHref: basePath,
      fields: formFields(query, { facts, errors: fieldErrors, rejected: list.rejected, messages }),
      errors: ERROR_SLOTS.map((slot) => ({ slot, message: fieldErrors[slot] })),
      appliedCount:
        applied.length === 0 ? '' : messages.appliedCount(applied.length, numberFormat(messages.locale).count(applied.length)),
      applied,
    },
    results: {
      // The query string once, not once per row.
      rows: distinctNames(
        list.rows.map((r) => rowView(r, rows)),
        messages,
      ),
      totalText: totalText(list, messages),
      csvHref: withQuery(`${basePath}/export.csv`, firstPage),
      digestHref: withQuery(`${basePath}/failures`, countableOnly(firstPage)),
      activity: activityView(list, basePath, messages),
      filtered: hasFilters(query),
      clearHref: basePath,
      sortHeaders: { date: sortHeader('date'), duration: sortHeader('duration'), credits: sortHeader('credits') },
      sort: isDefaultSort(query.sort) ? null : sortParam(query.sort),
      caption: messages.tableCaption(filterWords, messages.sortOrders[sortParam(query.sort)], query.page, list.pageCount),
      live: null,
      behind: behindNote(behindMs, messages),
      conversationsCut:
        list.conversationsCut &&
        messages.conversationSearchCut(
          formatDateTime(new Date(list.conversationsCut.at.startedAt), timeZone),
          list.conversationsCut.older,
        ),
      pagination: {
        page: query.page,
        pageCount: list.pageCount,
        firstHref: query.page > 1 ? withQuery(basePath, firstPage) : null,
        previousHref,
        nextHref,
        // No cursor: the last page is read from the oldest run's end, as cheap as the first.
        lastHref,
      },
    },
  };
}
