/**
 * The results region: the table and its footer. Rendered inside the full page and, alone, as
 * the fragment htmx swaps in on a filter or page change.
 */
import type { FC } from 'hono/jsx';
import { Fragment, h } from '../../src/lib/jsx.js';
import type { PaginationView, ResultsView, RowView } from '../../src/list/view-model.js';
import type { RefreshView } from '../../src/list/live-refresh.js';
import { AlertIcon, ClockIcon, EyeIcon, NextIcon, NotYet, PreviousIcon, SpikeIcon } from '../shared/icons.js';

/** The id of the swapped region; htmx targets it and the server recognises it in HX-Target. */
export const RESULTS_ID = 'xa-results';
export const CAPTION_ID = 'xa-caption';

/** Each link carries explicit htmx attributes: htmx 4 inherits nothing implicitly. */
const swapInto = (href: string) => ({
  'hx-get': href,
  'hx-target': `#${RESULTS_ID}`,
  'hx-swap': 'innerHTML',
  'hx-push-url': 'true',
});

const Status: FC<{ row: RowView }> = ({ row }) => {
  const popoverId = `xa-error-${row.id}`;
  return (
    <div class="xa-status">
      <strong class={`xa-tag xa-tag--${row.status.colour}`}>{row.status.label}</strong>
      {row.runningLong !== null && (
        <span class="xa-flag">
          <ClockIcon />
          {row.runningLong}
        </span>
      )}
      {row.error !== null && (
        <>
          <button
            type="button"
            id={`xa-error-toggle-${row.id}`}
            class="xa-error-toggle"
            popovertarget={popoverId}
            popovertargetaction="show"
            interestfor={popoverId}
            aria-label={`Show error: ${row.schedule}, ${row.startedAt}`}
          >
            <AlertIcon />
          </button>
          <div id={popoverId} popover="auto" class="xa-error-popover">
            <p class="xa-error-popover__title">Error</p>
            {row.failedTool !== null && <p class="xa-error-popover__tool">{row.failedTool}</p>}
            <p class="xa-error-popover__text">{row.error}</p>
            {row.fullErrorHref !== null && (
              <p>
                <a href={row.fullErrorHref}>
                  Show the full error
                  <span class="xa-visually-hidden">
                    : {row.schedule}, {row.startedAt}
                  </span>
                </a>
              </p>
            )}
          </div>
        </>
      )}
    </div>
  );
};

const Row: FC<{ row: RowView }> = ({ row }) => (
  <tr>
    <td>{row.agentName ?? <span class="xa-removed">Agent removed</span>}</td>
    <td>{row.schedule}</td>
    <td class="xa-nowrap">
      <time datetime={row.startedAtIso}>{row.startedAt}</time>
    </td>
    <td>
      <Status row={row} />
    </td>
    <td class="xa-numeric">
      {row.credits ?? <NotYet text="Not calculated yet" />}
      {row.spike !== null && (
        <span class="xa-flag xa-flag--spike">
          <SpikeIcon />
          {row.spike}
        </span>
      )}
    </td>
    <td>
      <a id={`xa-view-${row.id}`} class="xa-icon-link" href={row.conversationHref} title="View conversation">
        <EyeIcon />
        <span class="xa-visually-hidden">{row.conversationLabel}</span>
      </a>
    </td>
  </tr>
);

const Pagination: FC<{ pagination: PaginationView }> = ({ pagination: p }) => (
  <nav class="xa-pagination" aria-label="Pagination">
    {p.previousHref !== null && (
      <a id="xa-page-previous" class="xa-icon-link" href={p.previousHref} rel="prev" {...swapInto(p.previousHref)}>
        <PreviousIcon />
        <span class="xa-visually-hidden">Previous page</span>
      </a>
    )}
    <span class="xa-pagination__current">
      <span aria-hidden="true">
        {p.page} / {p.pageCount}
      </span>
      <span class="xa-visually-hidden">
        Page {p.page} of {p.pageCount}
      </span>
    </span>
    {p.nextHref !== null && (
      <a id="xa-page-next" class="xa-icon-link" href={p.nextHref} rel="next" {...swapInto(p.nextHref)}>
        <NextIcon />
        <span class="xa-visually-hidden">Next page</span>
      </a>
    )}
  </nav>
);

/**
 * Polls the region while runs can still change; gone once none can, so polling stops by itself.
 * Focusable elements in the region carry stable ids, so a swap restores focus to the same one.
 */
export const Refresh: FC<{ refresh: RefreshView }> = ({ refresh }) => (
  <div
    id="xa-refresh"
    hidden
    hx-get={refresh.href}
    hx-trigger={`every ${refresh.everySeconds}s`}
    hx-target={`#${RESULTS_ID}`}
    hx-swap="innerHTML"
    hx-headers={JSON.stringify(refresh.headers)}
  />
);

const Empty: FC<{ results: ResultsView }> = ({ results }) => (
  <div class="xa-empty">
    {results.filtered ? (
      <>
        <p class="xa-empty__title">No executions match these filters.</p>
        <p>
          <a id="xa-empty-clear" href={results.clearHref}>
            Clear filters
          </a>{' '}
          to see every execution.
        </p>
      </>
    ) : (
      <p class="xa-empty__title">No executions yet. Runs appear here when a schedule fires.</p>
    )}
  </div>
);

export const Results: FC<{ results: ResultsView }> = ({ results }) => (
  <>
    {results.rows.length === 0 ? (
      <Empty results={results} />
    ) : (
      <div id="xa-table-scroll" class="xa-table-scroll" role="region" aria-labelledby={CAPTION_ID} tabindex={0}>
        <table class="xa-table">
          <caption id={CAPTION_ID} class="xa-table__caption" tabindex={-1}>
            Executions<span class="xa-visually-hidden">{results.captionDetail}</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Schedule</th>
              <th scope="col">Date/Time</th>
              <th scope="col">Status</th>
              <th scope="col" class="xa-numeric">
                Credits
              </th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {results.rows.map((row) => (
              <Row row={row} />
            ))}
          </tbody>
        </table>
      </div>
    )}
    <div class="xa-footer">
      <div class="xa-footer__start">
        <p class="xa-total">{results.totalText}</p>
        <a id="xa-csv" class="xa-csv-link" href={results.csvHref}>
          Download CSV
        </a>
        <a id="xa-digest" href={results.digestHref}>
          Failures by tool and error
        </a>
      </div>
      <Pagination pagination={results.pagination} />
    </div>
    {results.refresh !== null && <Refresh refresh={results.refresh} />}
  </>
);
