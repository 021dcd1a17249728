/**
 * Live refresh: while rows on the page can still change, or new runs may arrive on page 1, a
 * hidden poller asks for what changed. A poll never swaps the region: the rows shown keep their
 * places and only their changed cells are sent (out of band), and runs that arrived since are
 * offered in a notice ("3 new runs — show") rather than inserted under the pointer. The status
 * region is not touched, so a poll is never announced.
 *
 * The poller's URL carries what the page shows — each watched row's id with a key of each of its
 * changeable cells, the newest run shown on page 1 and the notice's count — and its ETag stands
 * for that state: a poll that finds the same is answered 304. During a database outage the region
 * shows the 503 message with a poller of its own (swapping the whole region), and polling goes on.
 */
import { createHash } from 'node:crypto';
import type { ExecutionQuery } from './query.js';
import { cursorParam, PAGE_SIZE, queryText } from './query.js';
import { isDefaultSort } from './sort.js';
import type { PageCursor } from './page-query.js';
import type { ListView, RowView } from './view-model.js';
import type { Messages } from '../i18n/messages.js';
import { numberFormat } from '../lib/format.js';

/** Marks a poll, so the server neither pushes a history entry nor treats it as a user action. */
export const REFRESH_HEADER = 'X-Executions-Refresh';

export const DEFAULT_REFRESH_SECONDS = 10;

export interface RefreshView {
  href: string;
  everySeconds: number;
  /**
   * 'none' for a live poll, whose answer is only out-of-band cells, notice and poller;
   * 'innerHTML' for the outage poller, which brings the whole region back.
   */
  swap: 'none' | 'innerHTML';
  /** What each poll sends: the ETag of the state the page shows, and the mark of a poll. */
  headers: { 'If-None-Match': string; [REFRESH_HEADER]: 'true' };
}

/** "3 new runs — show", leading to page 1 of the same filters. */
export interface NewRunsView {
  text: string;
  href: string;
}

/** The poller and what it keeps up to date beside the rows: the new-runs notice. */
export interface LiveView {
  refresh: RefreshView;
  newRuns: NewRunsView | null;
}

/** The cells of a row a poll may update, in the order of a row's keys. */
export const LIVE_CELLS = ['status', 'duration', 'credits', 'link'] as const;
export type LiveCell = (typeof LIVE_CELLS)[number];
const KEY_LENGTH = 4;
const ROW_KEYS_LENGTH = KEY_LENGTH * LIVE_CELLS.length;

const digest = (value: unknown, length: number) =>
  createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, length);

/** New runs are counted up to this many: "100+ new runs — show". */
export const NEW_RUNS_LIMIT = 100;

/** What each changeable cell of a row shows, as short keys: a key differs when its cell does. */
export function rowKeys(row: RowView): string {
  const cells: Record<LiveCell, unknown> = {
    status: [row.status, row.runningLong, row.error, row.failedTool, row.fullErrorHref],
    duration: row.duration,
    credits: [row.credits, row.spike],
    link: [row.conversationHref, row.conversationLabel],
  };
  return LIVE_CELLS.map((cell) => digest(cells[cell], KEY_LENGTH)).join('');
}

/** The cells whose keys differ. */
export function changedCells(shown: string, now: string): LiveCell[] {
  return LIVE_CELLS.filter(
    (_, i) => shown.slice(i * KEY_LENGTH, (i + 1) * KEY_LENGTH) !== now.slice(i * KEY_LENGTH, (i + 1) * KEY_LENGTH),
  );
}

/** What the page shows, as its poller's URL says. */
export interface LiveState {
  /** The rows that can still change: id → their cells' keys. */
  watched: Map<string, string>;
  /** The newest run page 1 shows (or, when it shows none, the moment it was read). */
  since: PageCursor | null;
  /** The count the new-runs notice shows; 0 when there is none. */
  newRuns: number;
}

/**
 * A watched row in the poller's URL: its id's 16 bytes in base64url, then its cells' keys. Fixed
 * widths, so entries need no separator: a page's worth stays a few hundred bytes.
 */
const ID_LENGTH = 22;
const ENTRY_LENGTH = ID_LENGTH + ROW_KEYS_LENGTH;
const WATCH = /^[A-Za-z0-9_-]*$/;
const encodeId = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url');
function decodeId(text: string): string {
  const hex = Buffer.from(text, 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The poll's own parameters, hostile like any input: at most a page of well-formed entries (the
 * rest ignored), a cursor as the arrows write it, a count in range. Anything else is as if absent.
 */
export function parseLiveState(params: URLSearchParams): LiveState {
  const watched = new Map<string, string>();
  const watch = params.get('watch') ?? '';
  if (WATCH.test(watch)) {
    // A trailing part shorter than an entry is ignored; so is anything past a page of entries.
    for (let at = 0; at + ENTRY_LENGTH <= Math.min(watch.length, PAGE_SIZE * ENTRY_LENGTH); at += ENTRY_LENGTH) {
      const id = watch.slice(at, at + ID_LENGTH);
      // Only the canonical spelling of 16 bytes (22 characters carry 132 bits).
      if (encodeId(decodeId(id)) === id) watched.set(decodeId(id), watch.slice(at + ID_LENGTH, at + ENTRY_LENGTH));
    }
  }
  const since = cursorParam.safeParse(params.get('since') ?? undefined);
  const count = Number(params.get('new') ?? 0);
  return {
    watched,
    since: since.success ? since.data : null,
    newRuns: Number.isSafeInteger(count) && count >= 0 && count <= NEW_RUNS_LIMIT ? count : 0,
  };
}

/**
 * Runs newer than the page can arrive only on page 1, and only while its dates reach today. Sorted
 * by another column, a new run would land anywhere in the order, not above the page: none is
 * awaited (its rows are still watched).
 */
export function awaitsNewRuns(query: ExecutionQuery, today: string): boolean {
  return query.page === 1 && isDefaultSort(query.sort) && (query.endDate === null || query.endDate >= today);
}

/** The poll's URL: the list's own, and the state the page shows. */
function pollHref(canonicalHref: string, state: LiveState): string {
  const [path, search] = canonicalHref.split('?', 2);
  const params = new URLSearchParams(search);
  // In id order: the same rows, however read, make the same URL and so the same ETag.
  const watched = [...state.watched].sort(([a], [b]) => (a < b ? -1 : 1));
  if (watched.length > 0) params.set('watch', watched.map(([id, keys]) => encodeId(id) + keys).join(''));
  if (state.since) params.set('since', `${state.since.startedAt},${state.since.id}`);
  if (state.newRuns > 0) params.set('new', String(state.newRuns));
  return `${path}?${queryText(params)}`;
}

/** A strong validator for the state the page shows, scoped to the organization. */
export function etagFor(organizationId: string, href: string): string {
  return `"${digest([organizationId, href], 22)}"`;
}

export function newRunsView(count: number, href: string, m: Messages): NewRunsView | null {
  if (count === 0) return null;
  const written = numberFormat(m.locale).count(count);
  return { text: m.newRuns(count, count >= NEW_RUNS_LIMIT ? `${written}+` : written), href };
}

/** The poller for `state`, or null when nothing the page shows can change any more. */
export function liveView(
  organizationId: string,
  view: Pick<ListView, 'canonicalHref' | 'messages'>,
  state: LiveState,
  everySeconds: number,
): LiveView | null {
  if (state.watched.size === 0 && state.since === null) return null;
  const href = pollHref(view.canonicalHref, state);
  return {
    refresh: { href, everySeconds, swap: 'none', headers: pollHeaders(etagFor(organizationId, href)) },
    // Only page 1 counts new runs, so the notice leads to the very page it is on, read again.
    newRuns: newRunsView(state.newRuns, view.canonicalHref, view.messages),
  };
}

export interface ShownList {
  query: ExecutionQuery;
  /** The newest run shown, if any. */
  newest: PageCursor | null;
  now: Date;
  today: string;
}

/** A page as first read: its changing rows watched, and on page 1 the runs newer than its newest. */
export function withLiveRefresh(view: ListView, list: ShownList, organizationId: string, everySeconds: number): ListView {
  const watched = new Map(view.results.rows.filter((r) => r.changing).map((r) => [r.id, rowKeys(r)]));
  // An empty page 1 counts from the moment it was read (the nil id sorts before any run's).
  const since = awaitsNewRuns(list.query, list.today)
    ? (list.newest ?? { startedAt: list.now.toISOString(), id: '00000000-0000-0000-0000-000000000000' })
    : null;
  const live = liveView(organizationId, view, { watched, since, newRuns: 0 }, everySeconds);
  return { ...view, results: { ...view.results, live } };
}

const pollHeaders = (etag: string): RefreshView['headers'] => ({ 'If-None-Match': etag, [REFRESH_HEADER]: 'true' });

/** Stands for the outage message: never a digest (those are 22 characters of base64url). */
export const UNAVAILABLE_ETAG = '"unavailable"';

/** The poller that comes with the outage message: the same list, its whole region polled. */
export function outageRefresh(href: string, everySeconds: number): RefreshView {
  return { href, everySeconds, swap: 'innerHTML', headers: pollHeaders(UNAVAILABLE_ETAG) };
}
