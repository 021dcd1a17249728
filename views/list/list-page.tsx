/** The Executions list: heading, filters, the live status line and the results region. */
import type { Child, FC } from 'hono/jsx';
import { Fragment, h, latin1Text } from '../../src/lib/jsx.js';
import type { ListView } from '../../src/list/view-model.js';
import type { Messages } from '../../src/i18n/messages.js';
import type { LiveUpdate } from '../../src/list/live-poll.js';
import type { RowActionsView } from '../../src/list/row-actions.js';
import { ACTIVITY_ID, ActivityChart, ChartLegend } from './activity-chart.js';
import { AppliedOob, FieldErrorsOob, Filters } from './filters.js';
import { Credits, Duration, Results, RESULTS_ID, RowActionForms, rowId, Status, ViewLink } from './results.js';
import { LIVE_ID, NewRuns, Refresh, REFRESH_ID } from './live.js';
import { Drawings } from '../shared/icons.js';
import type { SavedViewsView } from '../../src/list/saved-views.js';
import { SavedViews } from './saved-views.js';

export const STATUS_ID = 'xa-live-total';

/**
 * What the status region says: the total, and, when the time for searching conversations ran out,
 * the notice of where it stopped. The notice is in the swapped region, which is no live region:
 * heard only here, after a search, it tells why the total is "At least".
 */
const StatusText: FC<{ results: ListView['results'] }> = ({ results }) => (
  <>
    {results.totalText}
    {results.conversationsCut !== null && `. ${results.conversationsCut}`}
  </>
);

/**
 * hx-history="false": htmx 2 and htmx 4's history-cache extension would otherwise restore Back
 * and Forward from a DOM snapshot taken as the page is left — htmx 2's shows the filters as the
 * page first rendered them, the extension's as they were left, already on the next choice — and
 * keep the organization's runs in the tab's sessionStorage. Without a snapshot each restore asks
 * the server for the page at that URL, as htmx 4 itself always does.
 */
export const ListPage: FC<{ view: ListView; savedViews?: SavedViewsView | undefined }> = ({ view, savedViews }) => (
  <div class="xa" hx-history-elt="true" hx-history="false">
    <Drawings />
    <div class="xa-header">
      <h1 class="xa-heading">{view.messages.executions}</h1>
      {/* On the heading's line, outside the swapped region: the zone is the organization's,
          whatever the filters, and a line of its own would push rows below the fold. */}
      <p class="xa-times-in">{latin1Text(view.timesIn)}</p>
      <a id="xa-weekly-review" class="xa-button xa-button--secondary" href={view.weeklyReviewHref}>
        {view.messages.weeklyReview}
      </a>
    </div>
    {savedViews && <SavedViews view={savedViews} />}
    <Filters filters={view.filters} messages={view.messages} />
    {/* Outside the swapped region so it persists: each swap updates its text and screen readers
        announce the new total politely. */}
    <p id={STATUS_ID} class="xa-visually-hidden" role="status">
      <StatusText results={view.results} />
    </p>
    {/* Closed unless the user opened it (executions.js remembers), so the table starts within
        the first screen; swaps refill the region inside and leave the disclosure as it is. */}
    <details id="xa-chart" class="xa-chart">
      <summary>{view.messages.activityChart}</summary>
      <ChartLegend legend={view.chartLegend} />
      <div id={ACTIVITY_ID}>
        {view.results.activity !== null && (
          <ActivityChart activity={view.results.activity} legend={view.chartLegend} messages={view.messages} />
        )}
      </div>
    </details>
    {/* Before the region it speaks for: the stylesheet shows it while the region is aria-busy. */}
    <p id="xa-loading" class="xa-loading">
      <span class="xa-loading__text">{view.messages.loading}</span>
    </p>
    <div id={RESULTS_ID} class="xa-results">
      <Results results={view.results} messages={view.messages} />
    </div>
  </div>
);

/**
 * What htmx swaps in: the results, plus the status line and field errors out of band, and the
 * document's title as the host's layout writes it.
 */
export const ListFragment: FC<{ view: ListView; title: Child }> = ({ view, title }) => (
  <>
    <title>{title}</title>
    <Results results={view.results} messages={view.messages} />
    <p id={STATUS_ID} hx-swap-oob="innerHTML">
      <StatusText results={view.results} />
    </p>
    <FieldErrorsOob errors={view.filters.errors} messages={view.messages} />
    {/* Paging never changes the chart or the applied filters (the filters are the same): only
        page 1 sends them again. */}
    {view.results.pagination.page === 1 && (
      <>
        <AppliedOob filters={view.filters} messages={view.messages} />
        <div id={ACTIVITY_ID} hx-swap-oob="innerHTML">
          {view.results.activity !== null && (
            <ActivityChart activity={view.results.activity} legend={view.chartLegend} messages={view.messages} />
          )}
        </div>
      </>
    )}
  </>
);

/**
 * A live poll's answer, all out of band: the changed cells of rows shown, in place, and with a
 * changed status the row's action forms (`actions`: for a user who may act); the new-runs
 * notice when its count changed; the poller with the new state, or, once nothing can change,
 * poller and notice removed. Never the rows' order, the totals or the status region.
 */
export const LiveUpdateOob: FC<{ update: LiveUpdate; actions?: RowActionsView; messages: Messages }> = ({
  update,
  actions,
  messages: m,
}) => (
  <>
    {update.changed.map(({ row, cells }) => (
      <>
        {cells.includes('status') && <Status row={row} idKey={row.id} messages={m} oob={`outerHTML:#${rowId(row)} .xa-status`} />}
        {cells.includes('status') && actions && <RowActionForms row={row} actions={actions} oob />}
        {cells.includes('duration') && (
          <div hx-swap-oob={`innerHTML:#${rowId(row)} .xa-duration`}>
            <Duration row={row} />
          </div>
        )}
        {cells.includes('credits') && (
          <div hx-swap-oob={`innerHTML:#${rowId(row)} .xa-numeric`}>
            <Credits row={row} messages={m} />
          </div>
        )}
        {cells.includes('link') && <ViewLink row={row} idKey={row.id} messages={m} oob />}
      </>
    ))}
    {update.live === null ? (
      <>
        <div id={LIVE_ID} hx-swap-oob="delete" />
        <div id={REFRESH_ID} hx-swap-oob="delete" />
      </>
    ) : (
      <>
        {update.newRuns !== undefined && <NewRuns newRuns={update.newRuns} results={RESULTS_ID} oob />}
        <Refresh refresh={update.live.refresh} results={RESULTS_ID} oob />
      </>
    )}
  </>
);
