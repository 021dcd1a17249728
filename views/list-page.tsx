/** The Executions list: heading, filters, the live status line and the results region. */
import type { FC } from 'hono/jsx';
import type { ListView } from '../src/list-view-model.js';
import { FieldErrorsOob, Filters } from './filters.js';
import { Results, RESULTS_ID } from './results.js';

export const STATUS_ID = 'xa-live-total';

export const ListPage: FC<{ view: ListView }> = ({ view }) => (
  <div class="xa" hx-history-elt="true">
    <h1 class="xa-heading">Executions</h1>
    <Filters filters={view.filters} />
    {/* Outside the swapped region so it persists: each swap updates its text and screen readers
        announce the new total politely. */}
    <p id={STATUS_ID} class="xa-visually-hidden" role="status">
      {view.results.totalText}
    </p>
    <div id={RESULTS_ID} class="xa-results">
      <Results results={view.results} />
    </div>
  </div>
);

/** What htmx swaps in: the results, plus the status line and field errors out of band. */
export const ListFragment: FC<{ view: ListView }> = ({ view }) => (
  <>
    <title>{view.title}</title>
    <Results results={view.results} />
    <p id={STATUS_ID} hx-swap-oob="innerHTML">
      {view.results.totalText}
    </p>
    <FieldErrorsOob errors={view.filters.errors} />
  </>
);
