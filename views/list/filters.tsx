/**
 * The filter form, after the MoJ "filter a list" pattern. A plain GET form: without JavaScript
 * the Apply button submits it; with htmx a change swaps only the results region. It has no page
 * field, so every change lands on page 1. Each filter's controls come from its definition
 * (src/list/filters.ts); this file only knows the kinds of control.
 */
import type { Child, FC } from 'hono/jsx';
import { Fragment, h, latin1Text } from '../../src/lib/jsx.js';
import type { Messages } from '../../src/i18n/messages.js';
import type { FormField } from '../../src/list/filter.js';
import type { FilterView } from '../../src/list/view-model.js';
import { FILTERS_ID, RESULTS_ID } from './results.js';

const errorId = (slot: string) => `xa-${slot}-error`;
const controlId = (slot: string) => `xa-${slot}`;
const hintId = (slot: string) => `xa-${slot}-hint`;

/**
 * Always present, empty when there is nothing to say, so the control's aria-describedby always
 * points somewhere and a swap can refill it out of band.
 */
export const FieldError: FC<{ slot: string; message: string | undefined; prefix: string; oob?: boolean }> = ({
  slot,
  message,
  prefix,
  oob,
}) => (
  <p id={errorId(slot)} class="xa-error-message" {...(oob ? { 'hx-swap-oob': 'true' } : {})}>
    {message !== undefined && (
      <>
        <span class="xa-visually-hidden">{prefix}</span>
        {message}
      </>
    )}
  </p>
);

/**
 * The error slots a fragment response refreshes out of band: with nothing to say, one element
 * empties them all (an out-of-band selector swaps every match, in htmx 2 and 4 alike), so the
 * usual swap does not carry an empty slot per field.
 */
export const FieldErrorsOob: FC<{ errors: FilterView['errors']; messages: Messages }> = ({ errors, messages }) =>
  errors.every(({ message }) => message === undefined) ? (
    <p hx-swap-oob={`innerHTML:#${FILTERS_ID} .xa-error-message`} />
  ) : (
    <>
      {errors.map(({ slot, message }) => (
        <FieldError slot={slot} message={message} prefix={messages.errorPrefix} oob />
      ))}
    </>
  );

/** A labelled control with its error slot between label and control, as GOV.UK places it. */
const Labelled: FC<{ slot: string; label: string; error: string | undefined; messages: Messages; children: Child }> = ({
  slot,
  label,
  error,
  messages,
  children,
}) => (
  <div class="xa-field">
    <label class="xa-label" for={controlId(slot)}>
      {label}
    </label>
    <FieldError slot={slot} message={error} prefix={messages.errorPrefix} />
    {children}
  </div>
);

/**
 * The attributes that tie a control to its label and its error message. No aria-invalid: a swap
 * refreshes the message out of band but leaves the control alone, so it could go stale; the
 * message, prefixed "Error:", is read with the control instead (as GOV.UK Frontend does).
 */
const controlAttributes = (slot: string, name: string) => ({
  id: controlId(slot),
  name,
  'aria-describedby': errorId(slot),
});

export const Field: FC<{ field: FormField; messages: Messages }> = ({ field, messages }) => {
  switch (field.kind) {
    case 'select':
      return (
        <Labelled slot={field.slot} label={field.label} error={field.error} messages={messages}>
          <select class="xa-select" {...controlAttributes(field.slot, field.name)}>
            {field.options.map((o) => (
              <option value={o.value} selected={o.selected}>
                {o.label}
              </option>
            ))}
          </select>
        </Labelled>
      );
    case 'date':
      return (
        <Labelled slot={field.slot} label={field.label} error={field.error} messages={messages}>
          <input
            type="date"
            class="xa-input"
            value={field.value}
            min={field.min}
            max={field.max}
            {...controlAttributes(field.slot, field.name)}
          />
        </Labelled>
      );
    case 'search':
      return (
        <div class="xa-field xa-search">
          <label class="xa-label" for={controlId(field.slot)}>
            {field.label}
          </label>
          {/* Heard with the field, not shown: a line of its own would cost the table a row at 1280×800. */}
          <p id={hintId(field.slot)} class="xa-visually-hidden">
            {field.hint}
          </p>
          <FieldError slot={field.slot} message={field.error} prefix={messages.errorPrefix} />
          <input
            type="search"
            class="xa-input xa-search__input"
            value={field.value}
            spellcheck={false}
            // A blank placeholder, so the stylesheet knows (:placeholder-shown) whether a term is typed.
            placeholder=" "
            {...controlAttributes(field.slot, field.name)}
            aria-describedby={`${hintId(field.slot)} ${errorId(field.slot)}`}
          />
        </div>
      );
    case 'checkbox':
      return (
        <div class={field.ofSearch ? 'xa-field xa-checkbox xa-checkbox--search' : 'xa-field xa-checkbox'}>
          <input
            type="checkbox"
            id={field.id}
            class="xa-checkbox__input"
            name={field.name}
            value="1"
            checked={field.checked}
            aria-describedby={field.hint === undefined ? undefined : `${field.id}-hint`}
          />
          <label class="xa-checkbox__label" for={field.id}>
            {field.label}
          </label>
          {field.hint !== undefined && (
            <p id={`${field.id}-hint`} class="xa-visually-hidden">
              {field.hint}
            </p>
          )}
        </div>
      );
    case 'kept':
      return (
        <div class="xa-kept">
          <FieldError slot={field.slot} message={field.error} prefix={messages.errorPrefix} />
          {field.hidden.map((input) => (
            <input type="hidden" name={input.name} value={input.value} />
          ))}
        </div>
      );
  }
};

/**
 * A choice from a list or a checkbox is made at once: it sends at once. A date may be typed a
 * digit at a time, each a change of its own, so dates wait for a pause. By `from:` rather than
 * one `change` on the form with filters: filters need eval, which the policy forbids, and htmx 2
 * lets only the first of a form's `change` triggers see an event.
 */
const FILTER_TRIGGER = 'change from:.xa-select, change from:.xa-checkbox__input, change delay:400ms from:.xa-input, submit';

const COUNT_ID = 'xa-applied-count';
const APPLIED_ID = 'xa-applied';

/** Each applied filter as a link that removes it, the others kept (MoJ's filter tags). */
const AppliedItems: FC<{ filters: FilterView; messages: Messages }> = ({ filters, messages }) => (
  <>
    {filters.applied.map((a) => (
      <li>
        <a href={a.removeHref}>
          <span class="xa-visually-hidden">{messages.removeFilter} </span>
          {a.label !== null && `${a.label}: `}
          {latin1Text(a.text)}
        </a>
      </li>
    ))}
  </>
);

/**
 * What a filter swap changes outside the results: the count on the Filters button and the
 * "Selected filters" list. The form's controls already show what the user chose.
 */
export const AppliedOob: FC<{ filters: FilterView; messages: Messages }> = ({ filters, messages }) => (
  <>
    <span id={COUNT_ID} hx-swap-oob="innerHTML">
      {filters.appliedCount}
    </span>
    <ul id={APPLIED_ID} hx-swap-oob="innerHTML">
      <AppliedItems filters={filters} messages={messages} />
    </ul>
  </>
);

const FilterForm: FC<{ filters: FilterView; messages: Messages }> = ({ filters, messages }) => (
  <form
    id={FILTERS_ID}
    class="xa-filters"
    method="get"
    action={filters.action}
    role="search"
    aria-label={messages.filtersLabel}
    hx-get={filters.action}
    hx-trigger={FILTER_TRIGGER}
    hx-target={`#${RESULTS_ID}`}
    hx-swap="innerHTML"
    hx-push-url="true"
    hx-sync="this:replace"
  >
    {filters.fields.map((field) => (
      <Field field={field} messages={messages} />
    ))}
    <div class="xa-filters__actions">
      <button type="submit" class="xa-button">
        {messages.apply}
      </button>
      <a class="xa-link" href={filters.clearHref}>
        {messages.clearFilters}
      </a>
    </div>
  </form>
);

/**
 * The filters after MoJ's filter pattern. On a small screen the form hides behind the Filters
 * button: rendered hidden, shown by executions.js, which flips aria-expanded; the stylesheet
 * hides the form only at that width and only while the button is shown and collapsed, so
 * without JavaScript the form stays in view. The selected filters follow the form, outside it, so
 * each is removable in one click collapsed or not, and the button's next Tab is the form.
 */
export const Filters: FC<{ filters: FilterView; messages: Messages }> = ({ filters, messages }) => (
  <>
    <button
      type="button"
      id="xa-filters-toggle"
      class="xa-filters-toggle"
      aria-expanded="false"
      aria-controls={FILTERS_ID}
      hidden
    >
      {messages.filters} <span id={COUNT_ID}>{filters.appliedCount}</span>
    </button>
    <FilterForm filters={filters} messages={messages} />
    <div class="xa-applied">
      <h2 class="xa-applied__title">{messages.selectedFilters}</h2>
      <ul id={APPLIED_ID} class="xa-applied__list">
        <AppliedItems filters={filters} messages={messages} />
      </ul>
    </div>
  </>
);
