/**
 * The results region: the table and its footer. Rendered inside the full page and, alone, as
 * the fragment htmx swaps in on a filter or page change.
 */
import { BulkButtons, SELECTED_ID } from '../shared/bulk-job.js';
import type { FC } from 'hono/jsx';
import { Fragment, h, latin1Text } from '../../src/lib/jsx.js';
import type { Messages } from '../../src/i18n/messages.js';
import type { RowActionsView } from '../../src/list/row-actions.js';
import { ActionForm } from '../shared/run-actions.js';
import type { PaginationView, ResultsView, RowView, SortHeaderView } from '../../src/list/view-model.js';
import {
  AlertIcon,
  ClockIcon,
  DurationText,
  EyeIcon,
  FirstIcon,
  LastIcon,
  NextIcon,
  NotYet,
  PreviousIcon,
  SpikeIcon,
} from '../shared/icons.js';
import { LiveBar, Refresh } from './live.js';

/** The id of the swapped region; htmx targets it and the server recognises it in HX-Target. */
export const RESULTS_ID = 'xa-results';
export const CAPTION_ID = 'xa-caption';
export const FILTERS_ID = 'xa-filters';

/** Each link carries explicit htmx attributes: htmx 4 inherits nothing implicitly. */
const swapInto = (href: string) => ({
  'hx-get': href,
  'hx-target': `#${RESULTS_ID}`,
  'hx-swap': 'innerHTML',
  'hx-push-url': 'true',
});

/**
 * Element ids within a row go by its place on the page (`key` "3"), not its run's id: a run's
 * UUID, repeated in ids, was the largest part of a swap's compressed bytes. Only a row that can
 * still change is addressed by its run — its <tr> id and its keys — because a live poll, which
 * knows runs and not places, swaps its cells in. Runs that arrive stay out of the table until
 * asked for, so a row keeps its place, and its ids, while the page is shown.
 */
export const rowId = (row: RowView) => `xa-row-${row.id}`;

/**
 * A control's id, in a row addressed by its run only: a live poll swaps such a row's cells in,
 * and focus on one of its controls must find the new one. A row by its place is swapped only with
 * the whole region, by a control outside the table, so its controls need none: ids by place, a
 * number breaking every row's markup, cost a filter swap more compressed bytes than any cell.
 */
const controlId = (prefix: string, row: RowView, idKey: string) => (idKey === row.id ? `${prefix}-${idKey}` : undefined);

/** `oob`: out of band, in place of the row's own (a live poll's answer). */
export const Status: FC<{ row: RowView; idKey: string; messages: Messages; oob?: string }> = ({
  row,
  idKey,
  messages: m,
  oob,
}) => {
  const popoverId = `xa-error-${idKey}`;
  return (
    <div class="xa-status" hx-swap-oob={oob}>
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
            id={controlId('xa-error-toggle', row, idKey)}
            class="xa-error-toggle"
            popovertarget={popoverId}
            popovertargetaction="show"
            interestfor={popoverId}
            aria-label={m.showError(row.schedule, row.namedAt)}
          >
            <AlertIcon />
          </button>
          <div id={popoverId} popover="auto" class="xa-error-popover">
            <p class="xa-error-popover__title">{m.error}</p>
            {row.failedTool !== null && <p class="xa-error-popover__tool">{row.failedTool}</p>}
            <p class="xa-error-popover__text">{row.error}</p>
            {row.fullErrorHref !== null && (
              <p>
                <a href={row.fullErrorHref}>
                  {m.showFullError}
                  <span class="xa-visually-hidden">{m.fullErrorContext(row.schedule, row.namedAt)}</span>
                </a>
              </p>
            )}
          </div>
        </>
      )}
    </div>
  );
};

/** What the Duration cell holds: a live poll swaps it in when a watched run finishes. */
export const Duration: FC<{ row: RowView }> = ({ row }) => <DurationText duration={row.duration} />;

/** What the Credits cell holds. */
export const Credits: FC<{ row: RowView; messages: Messages }> = ({ row, messages: m }) => (
  <>
    {row.credits ?? <NotYet text={m.notCalculated} />}
    {row.spike !== null && (
      <span class="xa-flag xa-flag--spike">
        <SpikeIcon />
        {row.spike}
      </span>
    )}
  </>
);

export const ViewLink: FC<{ row: RowView; idKey: string; messages: Messages; oob?: boolean }> = ({
  row,
  idKey,
  messages: m,
  oob,
}) => (
  <a
    id={controlId('xa-view', row, idKey)}
    class="xa-icon-link"
    href={row.conversationHref}
    title={m.viewConversation}
    hx-swap-oob={oob ? 'true' : undefined}
  >
    <EyeIcon />
    <span class="xa-visually-hidden">{latin1Text(row.conversationLabel)}</span>
  </a>
);

/**
 * A row's action forms. In a row that can still change they sit in a box of their own, which a
 * live poll fills again when the run's status changes (Cancel while it runs, Run again once it
 * has finished); `oob`: that poll's answer.
 */
export const RowActionForms: FC<{ row: RowView; actions: RowActionsView; oob?: boolean }> = ({ row, actions, oob }) => {
  const forms = actions.buttons.get(row.id)?.map((button) => <ActionForm button={button} form={actions.form} />);
  if (!row.changing && !oob) return <>{forms}</>;
  return (
    <div class="xa-row-actions" hx-swap-oob={oob ? `innerHTML:#${rowId(row)} .xa-row-actions` : undefined}>
      {forms}
    </div>
  );
};

const Row: FC<{ row: RowView; n: number; messages: Messages; actions?: RowActionsView; selectable: boolean }> = ({
  row,
  n,
  messages: m,
  actions,
  selectable,
}) => {
  const idKey = row.changing ? row.id : String(n);
  return (
    <tr id={row.changing ? rowId(row) : undefined}>
      <td>{row.agentName ?? <span class="xa-removed">{m.agentRemoved}</span>}</td>
      <td>{row.schedule}</td>
      <td class="xa-nowrap">
        <time datetime={row.startedAtIso}>{row.startedAt}</time>
      </td>
      <td>
        <Status row={row} idKey={idKey} messages={m} />
      </td>
      <td class="xa-duration">
        <Duration row={row} />
      </td>
      <td class="xa-numeric">
        <Credits row={row} messages={m} />
      </td>
      <td>
        <ViewLink row={row} idKey={idKey} messages={m} />
        {selectable && (
          <label class="xa-tick">
            <input type="checkbox" name="run" value={row.id} form={SELECTED_ID} />
            <span class="xa-visually-hidden">{latin1Text(m.bulk.select(row.schedule, row.namedAt))}</span>
          </label>
        )}
        {actions && <RowActionForms row={row} actions={actions} />}
      </td>
    </tr>
  );
};

const Pagination: FC<{ pagination: PaginationView; messages: Messages }> = ({ pagination: p, messages: m }) => (
  <nav class="xa-pagination" aria-label={m.pagination}>
    {p.firstHref !== null && (
      <a id="xa-page-first" class="xa-icon-link" href={p.firstHref} {...swapInto(p.firstHref)}>
        <FirstIcon />
        <span class="xa-visually-hidden">{m.firstPage}</span>
      </a>
    )}
    {p.previousHref !== null && (
      <a id="xa-page-previous" class="xa-icon-link" href={p.previousHref} rel="prev" {...swapInto(p.previousHref)}>
        <PreviousIcon />
        <span class="xa-visually-hidden">{m.previousPage}</span>
      </a>
    )}
    <span class="xa-pagination__current">
      <span aria-hidden="true">{p.pageCount === null ? p.page : `${p.page} / ${p.pageCount}`}</span>
      <span class="xa-visually-hidden">{m.pageOf(p.page, p.pageCount)}</span>
    </span>
    {p.nextHref !== null && (
      <a id="xa-page-next" class="xa-icon-link" href={p.nextHref} rel="next" {...swapInto(p.nextHref)}>
        <NextIcon />
        <span class="xa-visually-hidden">{m.nextPage}</span>
      </a>
    )}
    {p.lastHref !== null && (
      <a id="xa-page-last" class="xa-icon-link" href={p.lastHref} {...swapInto(p.lastHref)}>
        <LastIcon />
        <span class="xa-visually-hidden">{m.lastPage}</span>
      </a>
    )}
  </nav>
);

/**
 * A sortable column's header after GOV.UK's sortable table: `aria-sort` on the sorted one; a link,
 * not a button, so it sorts without JavaScript too, swapping the results like the pager. The arrows come from the stylesheet, by aria-sort.
 */
const SortHeader: FC<{ header: SortHeaderView; label: string; id: string; numeric?: boolean }> = ({
  header,
  label,
  id,
  numeric,
}) => (
  <th scope="col" class={numeric ? 'xa-numeric' : undefined} aria-sort={header.ariaSort}>
    <a id={id} href={header.href} {...swapInto(header.href)}>
      {label}
    </a>
  </th>
);

const Empty: FC<{ results: ResultsView; messages: Messages }> = ({ results, messages: m }) => (
  <div class="xa-empty">
    {results.filtered ? (
      <>
        <p class="xa-empty__title">{m.noMatches}</p>
        <p>
          <a id="xa-empty-clear" href={results.clearHref}>
            {m.clearFilters}
          </a>{' '}
          {m.clearToSeeAll}
        </p>
      </>
    ) : (
      <p class="xa-empty__title">{m.noExecutionsYet}</p>
    )}
  </div>
);

/**
 * Focusable elements in the region carry stable ids, so a swap restores focus to the same one; in
 * the table, those a live poll swaps in (controlId).
 */
export const Results: FC<{ results: ResultsView; messages: Messages }> = ({ results, messages: m }) => (
  <>
    {results.live !== null && <LiveBar live={results.live} results={RESULTS_ID} messages={m} />}
    {results.behind !== null && <p class="xa-behind">{results.behind}</p>}
    {results.conversationsCut !== null && (
      <p id="xa-conversations-cut" class="xa-behind">
        {results.conversationsCut}
      </p>
    )}
    {results.rows.length === 0 ? (
      <Empty results={results} messages={m} />
    ) : (
      <div id="xa-table-scroll" class="xa-table-scroll" role="region" aria-labelledby={CAPTION_ID} tabindex={0}>
        <table class="xa-table">
          <caption id={CAPTION_ID} class="xa-table__caption" tabindex={-1}>
            {/* Read as one text: a word shown and the rest hidden would be read "Executions , filtered…". */}
            <span aria-hidden="true">{m.executions}</span>
            <span class="xa-visually-hidden">{latin1Text(results.caption)}</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">{m.agent}</th>
              <th scope="col">{m.schedule}</th>
              <SortHeader header={results.sortHeaders.date} label={m.dateTime} id="xa-sort-date" />
              <th scope="col">{m.status}</th>
              <SortHeader header={results.sortHeaders.duration} label={m.duration} id="xa-sort-duration" numeric />
              <SortHeader header={results.sortHeaders.credits} label={m.credits} id="xa-sort-credits" numeric />
              <th scope="col">{m.actions}</th>
            </tr>
          </thead>
          <tbody>
            {results.rows.map((row, i) => (
              <Row row={row} n={i + 1} messages={m} actions={results.rowActions} selectable={results.bulk !== undefined} />
            ))}
          </tbody>
        </table>
      </div>
    )}
    {/* The order a filter change keeps, in the region a sort swaps: the form carries it from here. */}
    {results.sort !== null && <input type="hidden" name="sort" form={FILTERS_ID} value={results.sort} />}
    <div class="xa-footer">
      <div class="xa-footer__start">
        <p class="xa-total">{results.totalText}</p>
        <a id="xa-csv" class="xa-csv-link" href={results.csvHref}>
          {m.downloadCsv}
        </a>
        <a id="xa-digest" href={results.digestHref}>
          {m.failureDigest}
        </a>
        {results.activityHref && (
          <a id="xa-activity-link" href={results.activityHref}>
            {m.activity.title}
          </a>
        )}
        {results.bulk && <BulkButtons view={results.bulk} />}
      </div>
      <Pagination pagination={results.pagination} messages={m} />
    </div>
    {results.live !== null && <Refresh refresh={results.live.refresh} results={RESULTS_ID} />}
  </>
);
