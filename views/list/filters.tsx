/**
 * The filter form, after the MoJ "filter a list" pattern. A plain GET form: without JavaScript
 * the Apply button submits it; with htmx a change swaps only the results region. It has no page
 * field, so every change lands on page 1.
 */
import type { Child, FC } from 'hono/jsx';
import { Fragment, h } from '../../src/lib/jsx.js';
import type { FieldErrors } from '../../src/list/query.js';
import { FIELD_NAMES, MIN_DATE } from '../../src/list/query.js';
import type { FilterView, Option } from '../../src/list/view-model.js';
import { RESULTS_ID } from './results.js';

export const FILTERS_ID = 'xa-filters';

type ErrorField = keyof FieldErrors;

const errorId = (field: ErrorField) => `xa-${field}-error`;

/**
 * Always present, empty when there is nothing to say, so the control's aria-describedby always
 * points somewhere and a swap can refill it out of band.
 */
export const FieldError: FC<{ field: ErrorField; message: string | undefined; oob?: boolean }> = ({
  field,
  message,
  oob,
}) => (
  <p id={errorId(field)} class="xa-error-message" {...(oob ? { 'hx-swap-oob': 'true' } : {})}>
    {message !== undefined && (
      <>
        <span class="xa-visually-hidden">Error: </span>
        {message}
      </>
    )}
  </p>
);

/** The error slots a fragment response refreshes out of band. */
export const FieldErrorsOob: FC<{ errors: FieldErrors }> = ({ errors }) => (
  <>
    {(['agent', 'status', 'startDate', 'endDate', 'failure'] as const).map((field) => (
      <FieldError field={field} message={errors[field]} oob />
    ))}
  </>
);

const controlId = (field: ErrorField) => `xa-${field}`;

/** A labelled control with its error slot between label and control, as GOV.UK places it. */
const Field: FC<{ field: ErrorField; label: string; error: string | undefined; children: Child }> = ({
  field,
  label,
  error,
  children,
}) => (
  <div class="xa-field">
    <label class="xa-label" for={controlId(field)}>
      {label}
    </label>
    <FieldError field={field} message={error} />
    {children}
  </div>
);

/**
 * The attributes that tie a control to its label and its error message. No aria-invalid: a swap
 * refreshes the message out of band but leaves the control alone, so it could go stale; the
 * message, prefixed "Error:", is read with the control instead (as GOV.UK Frontend does).
 */
const controlAttributes = (field: keyof typeof FIELD_NAMES & ErrorField) => ({
  id: controlId(field),
  name: FIELD_NAMES[field],
  'aria-describedby': errorId(field),
});

const Select: FC<{ field: 'agent' | 'status'; label: string; options: Option[]; error: string | undefined }> = ({
  field,
  label,
  options,
  error,
}) => (
  <Field field={field} label={label} error={error}>
    <select class="xa-select" {...controlAttributes(field)}>
      {options.map((o) => (
        <option value={o.value} selected={o.selected}>
          {o.label}
        </option>
      ))}
    </select>
  </Field>
);

const DateInput: FC<{ field: 'startDate' | 'endDate'; label: string; value: string; error: string | undefined }> = ({
  field,
  label,
  value,
  error,
}) => (
  <Field field={field} label={label} error={error}>
    <input
      type="date"
      class="xa-input"
      value={value}
      min={MIN_DATE}
      max="9999-12-31"
      {...controlAttributes(field)}
    />
  </Field>
);

export const Filters: FC<{ filters: FilterView }> = ({ filters }) => (
  <form
    id={FILTERS_ID}
    class="xa-filters"
    method="get"
    action={filters.action}
    role="search"
    aria-label="Filter executions"
    hx-get={filters.action}
    hx-trigger="change delay:400ms, submit"
    hx-target={`#${RESULTS_ID}`}
    hx-swap="innerHTML"
    hx-push-url="true"
    hx-sync="this:replace"
  >
    <Select field="agent" label="Agent" options={filters.agentOptions} error={filters.errors.agent} />
    <Select field="status" label="Status" options={filters.statusOptions} error={filters.errors.status} />
    <DateInput field="startDate" label="Start date" value={filters.startDate} error={filters.errors.startDate} />
    <DateInput field="endDate" label="End date" value={filters.endDate} error={filters.errors.endDate} />
    <div class="xa-field xa-checkbox">
      <input
        type="checkbox"
        id="xa-spikes"
        class="xa-checkbox__input"
        name={FIELD_NAMES.spikesOnly}
        value="1"
        checked={filters.spikesOnly}
      />
      <label class="xa-checkbox__label" for="xa-spikes">
        Credit spikes only
      </label>
    </div>
    <div class="xa-selected-failure">
      <FieldError field="failure" message={filters.errors.failure} />
      {filters.failure !== null && (
        <p>
          {/* Kept with the form, so changing another filter keeps the failure. */}
          <input type="hidden" name={FIELD_NAMES.tool} value={filters.failure.tool} />
          <input type="hidden" name={FIELD_NAMES.error} value={filters.failure.signature} />
          Failure: <strong>{filters.failure.label}</strong>{' '}
          <a href={filters.failure.removeHref}>
            Remove<span class="xa-visually-hidden"> the failure filter</span>
          </a>
        </p>
      )}
    </div>
    <div class="xa-filters__actions">
      <button type="submit" class="xa-button">
        Apply
      </button>
      <a class="xa-link" href={filters.clearHref}>
        Clear filters
      </a>
    </div>
  </form>
);
