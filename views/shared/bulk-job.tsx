/**
 * Bulk jobs: the list's buttons (plain POST forms carrying the list's query), the confirmation that
 * states the count and the filters, and the job's page — a bar with its text equivalent, counts, an
 * estimate, and the report. While the job runs, htmx replaces the page's job region every few
 * seconds; without JavaScript a Refresh link reloads it (no meta refresh: a page that reloads by
 * itself moves a screen reader's and a keyboard user's place, which WCAG 2.2.1 forbids).
 */
import type { FC } from 'hono/jsx';
import type { BulkButtonsView, ConfirmView, JobView } from '../../src/actions/job-view-model.js';
import { Fragment, h } from '../../src/lib/jsx.js';

export const JOB_ID = 'xa-job';
/** The form the list rows' tick boxes belong to (their `form` attribute): a form may not hold the table's row forms. */
export const SELECTED_ID = 'xa-selected';

/** What the forms of ticked runs post besides the runs: tells an empty selection from "all matching". */
const SelectedScope = () => <input type="hidden" name="scope" value="selected" />;

export const BulkButtons: FC<{ view: BulkButtonsView }> = ({ view }) => (
  <div class="xa-actions">
    {view.selected.length > 0 && (
      <form id={SELECTED_ID} method="post" action={view.selected[0]!.action}>
        <input type="hidden" name="csrf" value={view.token} />
        <input type="hidden" name="query" value={view.query} />
        <SelectedScope />
        {view.selected.map((button) => (
          <button type="submit" formaction={button.action} class="xa-button xa-button--secondary">
            {button.label}
          </button>
        ))}
      </form>
    )}
    {view.buttons.map((button) => (
      <form method="post" action={button.action} class="xa-bulk">
        <input type="hidden" name="csrf" value={view.token} />
        <input type="hidden" name="query" value={view.query} />
        <button type="submit" class="xa-button xa-button--secondary">
          {button.label}
        </button>
      </form>
    ))}
  </div>
);

export const ConfirmPage: FC<{ view: ConfirmView }> = ({ view }) => (
  <div class="xa">
    <h1 class="xa-heading">{view.title}</h1>
    <p>{view.text}</p>
    {view.form !== null && (
      <form method="post" action={view.form.action}>
        <input type="hidden" name="csrf" value={view.form.token} />
        <input type="hidden" name="query" value={view.form.query} />
        {view.form.runs !== null && (
          <>
            <SelectedScope />
            {view.form.runs.map((run) => (
              <input type="hidden" name="run" value={run} />
            ))}
          </>
        )}
        <button type="submit" class="xa-button">
          {view.form.label}
        </button>
      </form>
    )}
    <p>
      <a href={view.backHref}>{view.backText}</a>
    </p>
  </div>
);

/** The region a poll replaces: everything that changes while the job runs. */
export const JobRegion: FC<{ view: JobView }> = ({ view }) => (
  <div
    id={JOB_ID}
    hx-get={view.live?.href}
    hx-trigger={view.live ? `every ${view.live.everySeconds}s` : undefined}
    hx-target={view.live ? `#${JOB_ID}` : undefined}
    hx-select={view.live ? `#${JOB_ID}` : undefined}
    hx-swap={view.live ? 'outerHTML' : undefined}
  >
    <dl class="xa-summary">
      <div>
        <dt>{view.status.label}</dt>
        <dd>{view.status.text}</dd>
      </div>
      {view.counts.map((count) => (
        <div>
          <dt>{count.label}</dt>
          <dd>{count.value}</dd>
        </div>
      ))}
    </dl>
    {/* A progress element, not a styled div: its width needs no inline style, which the CSP refuses. */}
    <progress
      class="xa-progress"
      role="progressbar"
      max={view.total}
      value={view.done}
      aria-valuemin={0}
      aria-valuemax={view.total}
      aria-valuenow={view.done}
      aria-valuetext={view.progressText}
      aria-labelledby="xa-job-progress"
    >
      {view.progressText}
    </progress>
    <p id="xa-job-progress">{view.progressText}</p>
    {view.eta !== null && <p>{view.eta}</p>}
    {view.failures.length > 0 && (
      <>
        <h2 class="xa-heading">{view.failuresTitle}</h2>
        <ul class="xa-plain-list">
          {view.failures.map((failure) => (
            <li>
              {failure.href ? <a href={failure.href}>{failure.text}</a> : failure.text}: {failure.reason}
            </li>
          ))}
        </ul>
      </>
    )}
    {view.live !== null && (
      <p>
        <a href={view.live.href}>{view.live.refreshText}</a>
      </p>
    )}
    {view.cancel !== null && (
      <form method="post" action={view.cancel.action}>
        <input type="hidden" name="csrf" value={view.cancel.token} />
        <button type="submit" class="xa-button xa-button--secondary">
          {view.cancel.label}
        </button>
      </form>
    )}
  </div>
);

export const JobPage: FC<{ view: JobView }> = ({ view }) => (
  <div class="xa">
    <h1 class="xa-heading">{view.title}</h1>
    <JobRegion view={view} />
    <p>
      <a href={view.backHref}>{view.backText}</a>
    </p>
  </div>
);
