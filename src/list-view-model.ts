/**
 * Turns the list use case's result into the plain data the views render: labels, formatted
 * dates and credits, and every href — each one derived from the query value.
 */
import type { ExecutionList } from './execution-list.js';
import type { RefreshView } from './live-refresh.js';
import { hasFilters, withQuery, type ExecutionQuery, type FieldErrors } from './query.js';
import type { ExecutionRow } from './repository.js';
import type { ExecutionStatus } from './schema.js';
import { formatCalendarDate, formatDateTime } from './time-zone.js';

export const STATUS_LABELS: Record<ExecutionStatus, string> = {
  active: 'Active',
  completed: 'Completed',
  pending: 'Pending',
  failed: 'Failed',
};

/** The spec's badge colours: green Active, blue Completed, yellow Pending, red Failed. */
export const STATUS_COLOURS: Record<ExecutionStatus, 'green' | 'blue' | 'yellow' | 'red'> = {
  active: 'green',
  completed: 'blue',
  pending: 'yellow',
  failed: 'red',
};

/** The order the Status filter offers them in, as the spec lists them. */
const STATUS_ORDER: ExecutionStatus[] = ['active', 'completed', 'pending', 'failed'];

export interface Option {
  value: string;
  label: string;
  selected: boolean;
}

export interface StatusBadge {
  label: string;
  colour: (typeof STATUS_COLOURS)[ExecutionStatus];
}

export interface RowView {
  id: string;
  agentName: string | null;
  schedule: string;
  startedAt: string;
  startedAtIso: string;
  status: StatusBadge;
  /** Active or Pending: the run can still change, so the page keeps itself fresh. */
  changing: boolean;
  /** The full error of a Failed run, when it has one. */
  error: string | null;
  credits: string | null;
  conversationHref: string;
  /** Makes each row's link name unique: "View conversation: <schedule>, <date/time>". */
  conversationLabel: string;
}

export interface FilterView {
  action: string;
  clearHref: string;
  agentOptions: Option[];
  statusOptions: Option[];
  startDate: string;
  endDate: string;
  errors: FieldErrors;
}

export interface PaginationView {
  page: number;
  pageCount: number;
  previousHref: string | null;
  nextHref: string | null;
}

export interface ResultsView {
  rows: RowView[];
  totalText: string;
  /** "Download CSV" of the same filters (the whole set, not the page). */
  csvHref: string;
  filtered: boolean;
  clearHref: string;
  pagination: PaginationView;
  /** Read after "Executions" in the caption, so screen readers hear what the table holds. */
  captionDetail: string;
  /** Set while rows can still change: the region polls itself (see live-refresh.ts). */
  refresh: RefreshView | null;
}

export interface ListView {
  title: string;
  filters: FilterView;
  results: ResultsView;
  /** The canonical URL of what is shown, pushed into history after a swap. */
  canonicalHref: string;
}

const numberFormat = new Intl.NumberFormat('en-GB');
const creditsFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

export function totalText(total: number): string {
  return `${numberFormat.format(total)} ${total === 1 ? 'execution' : 'executions'} total`;
}

export function formatCredits(credits: number | null): string | null {
  return credits === null ? null : creditsFormat.format(credits);
}

export function statusBadge(status: ExecutionStatus): StatusBadge {
  return { label: STATUS_LABELS[status], colour: STATUS_COLOURS[status] };
}

export function conversationPath(basePath: string, conversationId: string): string {
  return `${basePath}/conversations/${encodeURIComponent(conversationId)}`;
}

function rowView(row: ExecutionRow, basePath: string, query: ExecutionQuery, timeZone: string): RowView {
  const startedAt = formatDateTime(row.startedAt, timeZone);
  return {
    id: row.id,
    agentName: row.agentName,
    schedule: row.scheduleTitle,
    startedAt,
    startedAtIso: row.startedAt.toISOString(),
    status: statusBadge(row.status),
    changing: row.status === 'active' || row.status === 'pending',
    error: row.status === 'failed' && row.errorMessage ? row.errorMessage : null,
    credits: formatCredits(row.credits),
    conversationHref: withQuery(conversationPath(basePath, row.conversationId), query),
    conversationLabel: `View conversation: ${row.scheduleTitle}, ${startedAt}`,
  };
}

function captionDetail(list: ExecutionList): string {
  const parts: string[] = [];
  const agent = list.agents.find((a) => a.id === list.query.agentId);
  if (agent) parts.push(`agent ${agent.removed ? 'Agent removed' : agent.name}`);
  if (list.query.status) parts.push(`status ${STATUS_LABELS[list.query.status]}`);
  if (list.query.startDate) parts.push(`from ${formatCalendarDate(list.query.startDate)}`);
  if (list.query.endDate) parts.push(`to ${formatCalendarDate(list.query.endDate)}`);
  const filtered = parts.length ? `, filtered by ${parts.join(', ')}` : '';
  return `${filtered}, newest first, page ${list.query.page} of ${list.pageCount}`;
}

export function buildListView(list: ExecutionList, basePath: string, timeZone: string): ListView {
  const { query } = list;
  // The arrows carry a keyset cursor — the last row for Next, the first for Previous — so every
  // page costs the same however deep; page 1 needs none.
  const first = list.rows[0];
  const last = list.rows.at(-1);
  const previousHref =
    query.page <= 1
      ? null
      : withQuery(basePath, {
          ...query,
          page: query.page - 1,
          cursor: query.page - 1 > 1 && first ? { direction: 'before', ...first.cursor } : null,
        });
  const nextHref =
    query.page >= list.pageCount || !last
      ? null
      : withQuery(basePath, { ...query, page: query.page + 1, cursor: { direction: 'after', ...last.cursor } });
  const agentOptions: Option[] = [
    { value: '', label: 'All agents', selected: query.agentId === null },
    // Deleted agents are offered only when the query already names one (a bookmark, say).
    ...list.agents
      .filter((a) => !a.removed || a.id === query.agentId)
      .map((a) => ({ value: a.id, label: a.removed ? 'Agent removed' : a.name, selected: a.id === query.agentId })),
  ];
  const statusOptions: Option[] = [
    { value: '', label: 'All statuses', selected: query.status === null },
    ...STATUS_ORDER.map((s) => ({ value: s, label: STATUS_LABELS[s], selected: s === query.status })),
  ];
  const pageSuffix = list.pageCount > 1 ? ` (page ${query.page} of ${list.pageCount})` : '';
  return {
    title: `Executions${pageSuffix}`,
    canonicalHref: withQuery(basePath, query),
    filters: {
      action: basePath,
      clearHref: basePath,
      agentOptions,
      statusOptions,
      startDate: query.startDate ?? list.rejected.startDate ?? '',
      endDate: query.endDate ?? list.rejected.endDate ?? '',
      errors: list.errors,
    },
    results: {
      rows: list.rows.map((r) => rowView(r, basePath, query, timeZone)),
      totalText: totalText(list.total),
      csvHref: withQuery(`${basePath}/export.csv`, { ...query, page: 1, cursor: null }),
      filtered: hasFilters(query),
      clearHref: basePath,
      captionDetail: captionDetail(list),
      refresh: null,
      pagination: {
        page: query.page,
        pageCount: list.pageCount,
        previousHref,
        nextHref,
      },
    },
  };
}
