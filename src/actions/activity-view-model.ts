/**
 * The Activity view's plain data: each action on a run in words, and every href derived from the
 * query value, as the list derives its own (src/list/view-model.ts).
 */
import type { AgentOption } from '../db/organization.js';
import type { Messages } from '../i18n/messages.js';
import { shorten } from '../lib/format.js';
import { formatDateTime, isoSecond } from '../lib/time-zone.js';
import type { FieldErrors, FormField, Rejected } from '../list/filter.js';
import { describeFilters, errorMessages, formFields, hasFilters } from '../list/filter-set.js';
import { SHOWN_TITLE_LENGTH } from '../list/run-columns.js';
import { withQuery, type ExecutionQuery } from '../list/query.js';
import { DEFAULT_SORT } from '../list/sort.js';
import { arrowHrefs, conversationPath, timesIn } from '../list/view-model.js';
import type { ActivityEntry, ActivityPage } from './activity-repository.js';
import { jobPath } from './job-view-model.js';

export const activityPath = (basePath: string) => `${basePath}/activity`;

/**
 * The Activity view of the list's filters. Its order is its own, newest action first: the list's
 * sort is not carried, nor its page.
 */
export const activityHref = (basePath: string, query: ExecutionQuery) =>
  withQuery(activityPath(basePath), { ...query, sort: DEFAULT_SORT, page: 1, cursor: null });

export interface ActivityRowView {
  at: { text: string; iso: string };
  who: string;
  action: string;
  /** Null when retention removed the run: `runRemoved` is said instead. */
  run: { href: string; text: string } | null;
  outcome: { label: string; colour: 'green' | 'grey' | 'red'; reason: string | null };
  job: { href: string; text: string } | null;
}

export interface ActivityView {
  title: string;
  messages: Messages;
  backHref: string;
  timesIn: string;
  /** What the view lists, the filters in words. */
  scope: string;
  filters: { action: string; clearHref: string; fields: FormField[] };
  caption: string;
  rows: ActivityRowView[];
  /** When nothing is listed: the link that clears the filters, if any is set. */
  clearHref: string | null;
  pagination: { page: number; firstHref: string | null; previousHref: string | null; nextHref: string | null };
}

/**
 * A name as the host or a user wrote it, isolated (as <bdi> would): a right-to-left mark in an
 * agent's name cannot turn the rest of the run's name round.
 */
const isolated = (text: string) => `\u2068${text}\u2069`;

const COLOURS = { succeeded: 'green', skipped: 'grey', failed: 'red' } as const;

/** The beginning of a job's id that names it on the page: enough to tell a few jobs apart. */
const SHORT_ID = 8;

function rowView(entry: ActivityEntry, basePath: string, search: ExecutionQuery, timeZone: string, m: Messages): ActivityRowView {
  const a = m.activity;
  const { run } = entry;
  return {
    at: { text: formatDateTime(entry.at, timeZone), iso: isoSecond(entry.at) },
    who: entry.userName ?? entry.userId,
    action: entry.action === 'cancel' ? m.runActions.cancel : m.runActions.runAgain,
    run: run && {
      href: withQuery(conversationPath(basePath, run.conversationId), search),
      text: a.runName(
        run.agentName === null ? m.agentRemoved : isolated(run.agentName),
        isolated(shorten(run.title, SHOWN_TITLE_LENGTH).text),
        formatDateTime(run.startedAt, timeZone),
      ),
    },
    outcome: {
      label: a.outcomes[entry.outcome],
      colour: COLOURS[entry.outcome],
      reason: entry.outcome === 'failed' ? (entry.reason ?? '—') : null,
    },
    job: entry.jobId === null ? null : { href: jobPath(basePath, entry.jobId), text: a.jobName(entry.jobId.slice(0, SHORT_ID)) },
  };
}

export function buildActivityView(
  page: ActivityPage,
  input: {
    basePath: string;
    timeZone: string;
    now: Date;
    agents: AgentOption[];
    errors: FieldErrors;
    rejected: Rejected;
  },
  m: Messages,
): ActivityView {
  const { basePath, timeZone } = input;
  const { query, entries } = page;
  const path = activityPath(basePath);
  const firstPage = { ...query, page: 1, cursor: null };
  const facts = { agents: input.agents };
  const words = describeFilters(query, facts, m) || null;
  const cursorOf = (entry: ActivityEntry | undefined) => entry && { startedAt: entry.atText, id: entry.id };
  const { previousHref, nextHref } = arrowHrefs(path, query, cursorOf(entries[0]), cursorOf(entries.at(-1)), page.more);
  return {
    title: m.pageTitle(m.activity.title),
    messages: m,
    backHref: withQuery(basePath, firstPage),
    timesIn: timesIn(input.now, timeZone, m),
    scope: m.activity.scope(words),
    filters: {
      action: path,
      clearHref: path,
      // The conversations' search is the list's alone (it reads a page's conversations in time):
      // its option is not offered here.
      fields: formFields(query, { facts, errors: errorMessages(input.errors, m), rejected: input.rejected, messages: m }).filter(
        (field) => !(field.kind === 'checkbox' && field.ofSearch),
      ),
    },
    caption: m.activity.caption(query.page),
    rows: entries.map((entry) => rowView(entry, basePath, firstPage, timeZone, m)),
    clearHref: hasFilters(query) ? path : null,
    pagination: {
      page: query.page,
      firstHref: query.page > 2 ? withQuery(path, firstPage) : null,
      previousHref,
      nextHref,
    },
  };
}

/** The query the Activity view applies: the list's, but its own order, and no search of conversations. */
export const activityQuery = (query: ExecutionQuery): ExecutionQuery => ({
  ...query,
  sort: DEFAULT_SORT,
  searchConversations: false,
  conversationMatches: [],
});
