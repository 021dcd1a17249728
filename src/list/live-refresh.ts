/**
 * Live refresh: while the page shows runs that can still change (Active or Pending), the results
 * region polls itself. Each poll carries the ETag of what it shows; an unchanged region is
 * answered 304 and not swapped, so focus, scroll and an open error stay as they are. During a
 * database outage the region shows the 503 message with a poller of its own, and polling goes on.
 */
import { createHash } from 'node:crypto';
import type { ListView } from './view-model.js';

/** Marks a poll, so the server neither pushes a history entry nor treats it as a user action. */
export const REFRESH_HEADER = 'X-Executions-Refresh';

export const DEFAULT_REFRESH_SECONDS = 10;

export interface RefreshView {
  href: string;
  everySeconds: number;
  /** What each poll sends: the ETag of what the region shows, and the mark of a poll. */
  headers: { 'If-None-Match': string; [REFRESH_HEADER]: 'true' };
}

const pollHeaders = (etag: string): RefreshView['headers'] => ({ 'If-None-Match': etag, [REFRESH_HEADER]: 'true' });

/** A strong validator for what the region shows, scoped to the organization. */
export function etagFor(organizationId: string, view: ListView): string {
  // The poller is left out: it carries this very ETag.
  const { refresh: _poller, ...results } = view.results;
  const digest = createHash('sha256')
    .update(JSON.stringify([organizationId, view.title, results, view.filters.errors]))
    .digest('base64url')
    .slice(0, 22);
  return `"${digest}"`;
}

export function withLiveRefresh(view: ListView, organizationId: string, everySeconds: number): ListView {
  if (!view.results.rows.some((r) => r.changing)) return view;
  const refresh: RefreshView = { href: view.canonicalHref, everySeconds, headers: pollHeaders(etagFor(organizationId, view)) };
  return { ...view, results: { ...view.results, refresh } };
}

/** Stands for the outage message: never a digest (those are 22 characters of base64url). */
export const UNAVAILABLE_ETAG = '"unavailable"';

/** The poller that comes with the outage message: the same list, polled as before. */
export function outageRefresh(href: string, everySeconds: number): RefreshView {
  return { href, everySeconds, headers: pollHeaders(UNAVAILABLE_ETAG) };
}
