/**
 * What a request that failed answers. Never a bare stack trace: a message in the module's page, or
 * in the results region when htmx asked for a fragment (htmx 4 swaps error responses too).
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { Refresh } from '../../views/list/live.js';
import { RESULTS_ID } from '../../views/list/results.js';
import { isDatabaseUnavailable } from '../db/database.js';
import type { Messages } from '../i18n/messages.js';
import { Fragment, h } from '../lib/jsx.js';
import { REFRESH_HEADER, UNAVAILABLE_ETAG, outageRefresh } from '../list/live-refresh.js';
import { parseExecutionQuery, withQuery } from '../list/query.js';
import { OverloadedError } from './admission.js';
import { renderHtml } from './compress.js';
import { DeadlineExceededError } from './deadline.js';
import { logError, reportError, type OnError } from './report-error.js';

/** HX-Target naming the results region, by its id or a selector ending in it; made once, not per request. */
const RESULTS_TARGET = new RegExp(`(^|#)${RESULTS_ID}$`);

/**
 * htmx asks for the results fragment only when it targets the results region. A boosted link
 * from the host, or a history restore, wants the whole page.
 */
export function wantsFragment(c: Context): boolean {
  return (
    c.req.header('HX-Request') === 'true' &&
    c.req.header('HX-History-Restore-Request') !== 'true' &&
    RESULTS_TARGET.test(c.req.header('HX-Target') ?? '')
  );
}

export interface ErrorAnswerDeps {
  messages: Messages;
  refreshSeconds: number;
  mountPath: (c: Context) => string;
  page: (c: Context, title: string, content: Child, status: 500 | 503) => Response | Promise<Response>;
  onError?: OnError;
}

/**
 * The module's error handler. A database that is down, unreachable or timing out, or a request past
 * its deadline or admission, is a 503: it will pass, and the process keeps serving until it does.
 */
export function errorAnswer(deps: ErrorAnswerDeps) {
  const { messages, refreshSeconds, mountPath, page } = deps;
  return (error: Error, c: Context) => {
    const unavailable =
      error instanceof DeadlineExceededError || error instanceof OverloadedError || isDatabaseUnavailable(error);
    const status = unavailable ? 503 : 500;
    reportError(deps.onError ?? logError, error, c, status);
    const title = unavailable ? messages.unavailable : messages.loadFailed;
    if (unavailable) c.header('Retry-After', '5');
    const message = (
      <div class="xa-empty" role="alert">
        <p class="xa-empty__title">{title}.</p>
        <p>{messages.tryAgain}</p>
      </div>
    );
    if (unavailable && wantsFragment(c) && c.req.header(REFRESH_HEADER) === 'true') {
      // A poll keeps polling through an outage: htmx polls while a poller is in the region, so the
      // message comes with one. Its ETag stands for the outage: a poll that finds the database
      // still down changes nothing (the message is not swapped or announced again), and the first
      // that finds it back gets the rows. A live poll swaps nothing itself: HX-Reswap has the
      // message take the region.
      if (c.req.header('If-None-Match') === UNAVAILABLE_ETAG) return c.body(null, 304, { 'HX-Reswap': 'none' });
      const { query } = parseExecutionQuery(new URL(c.req.url).searchParams);
      const refresh = outageRefresh(withQuery(mountPath(c), query), refreshSeconds);
      c.header('HX-Reswap', 'innerHTML');
      return renderHtml(
        c,
        <>
          {message}
          <Refresh refresh={refresh} results={RESULTS_ID} />
        </>,
        status,
      );
    }
    if (wantsFragment(c)) return renderHtml(c, message, status);
    return page(
      c,
      title,
      <div class="xa">
        <h1 class="xa-heading">{messages.executions}</h1>
        {message}
      </div>,
      status,
    );
  };
}
