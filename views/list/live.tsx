/**
 * Live refresh's markup: the hidden poller, and above the table the new-runs notice and the
 * Pause live updates button. Neither is a live region: a poll is never announced.
 */
import type { FC } from 'hono/jsx';
import { h, latin1Text } from '../../src/lib/jsx.js';
import type { Messages } from '../../src/i18n/messages.js';
import type { LiveView, NewRunsView, RefreshView } from '../../src/list/live-refresh.js';

export const REFRESH_ID = 'xa-refresh';
export const LIVE_ID = 'xa-live';
export const NEW_RUNS_ID = 'xa-new-runs';

/**
 * Polls while what the page shows can change. A live poll's answer is out-of-band only (hx-swap
 * "none"); the outage poller swaps the whole region. Out of band, it replaces itself.
 */
export const Refresh: FC<{ refresh: RefreshView; results: string; oob?: boolean }> = ({ refresh, results, oob }) => (
  <div
    id={REFRESH_ID}
    hidden
    hx-get={refresh.href}
    hx-trigger={`every ${refresh.everySeconds}s`}
    hx-target={`#${results}`}
    hx-swap={refresh.swap}
    hx-headers={JSON.stringify(refresh.headers)}
    hx-swap-oob={oob ? 'true' : undefined}
  />
);

/**
 * "3 new runs — show": the page's newest runs are not inserted under the pointer; this reads the
 * region again, as the user chooses (a plain link without JavaScript).
 */
export const NewRuns: FC<{ newRuns: NewRunsView | null; results: string; oob?: boolean }> = ({ newRuns, results, oob }) => (
  <div id={NEW_RUNS_ID} class="xa-new-runs" hx-swap-oob={oob ? 'true' : undefined}>
    {newRuns !== null && (
      <a
        id="xa-new-runs-show"
        href={newRuns.href}
        hx-get={newRuns.href}
        hx-target={`#${results}`}
        hx-swap="innerHTML"
        hx-push-url="true"
      >
        {latin1Text(newRuns.text)}
      </a>
    )}
  </div>
);

/**
 * Above the table while the page polls, on the left: the loading note takes the top right. The button is hidden until executions.js shows it (and
 * sets aria-pressed from the tab's session): without JavaScript nothing polls, so it would mislead.
 */
export const LiveBar: FC<{ live: LiveView; results: string; messages: Messages }> = ({ live, results, messages: m }) => (
  <div id={LIVE_ID} class="xa-live">
    <button id="xa-live-toggle" type="button" class="xa-live__toggle" aria-pressed="false" hidden>
      {m.pauseLiveUpdates}
    </button>
    <NewRuns newRuns={live.newRuns} results={results} />
  </div>
);
