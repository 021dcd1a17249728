/**
 * Saved views in the list's header: a link to each (the one shown marked `aria-current`), and
 * behind "Save or manage views" the forms that save the current filters and rename and delete
 * one's own. Plain POST forms: each works without JavaScript and carries the form token. On full
 * pages only; swaps leave the header as it is (executions.js keeps its mark and query current).
 */
import type { FC } from 'hono/jsx';
import { Fragment, h } from '../../src/lib/jsx.js';
import type { SavedViewLink, SavedViewsView } from '../../src/list/saved-views.js';

const NEW = 'new';
const fieldId = (form: string) => `xa-view-${form}`;

/** The hidden fields every form of the panel sends: its token and the list's query to return to. */
const Hidden: FC<{ view: SavedViewsView }> = ({ view }) => (
  <>
    <input type="hidden" name="csrf" value={view.token} />
    <input type="hidden" name="query" value={view.query} />
  </>
);

/** A name field with its error between label and control, as GOV.UK places it. */
const NameField: FC<{ view: SavedViewsView; form: string; label: string; value: string; hint?: string }> = ({
  view,
  form,
  label,
  value,
  hint,
}) => {
  const id = fieldId(form);
  const error = view.error?.form === form ? view.error : null;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="xa-field">
      <label class="xa-label" for={id}>
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} class="xa-views__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="xa-error-message">
          <span class="xa-visually-hidden">{view.messages.errorPrefix}</span>
          {error.message}
        </p>
      )}
      <input
        class="xa-input"
        id={id}
        name="name"
        value={error ? error.value : value}
        autocomplete="off"
        {...(described ? { 'aria-describedby': described } : {})}
      />
    </div>
  );
};

const Own: FC<{ view: SavedViewsView; link: SavedViewLink }> = ({ view, link }) => {
  const m = view.messages.savedViews;
  return (
    <li class="xa-views__own">
      <form method="post" action={link.renameAction}>
        <Hidden view={view} />
        <NameField view={view} form={link.id} label={link.newNameLabel} value={link.name} />
        <button type="submit" class="xa-button xa-button--secondary">
          {m.rename}
        </button>
      </form>
      <form method="post" action={link.deleteAction}>
        <Hidden view={view} />
        <button type="submit" class="xa-button xa-button--secondary">
          {m.delete}
          <span class="xa-visually-hidden">
            {' '}
            <bdi>{link.name}</bdi>
          </span>
        </button>
      </form>
    </li>
  );
};

export const SavedViews: FC<{ view: SavedViewsView }> = ({ view }) => {
  const m = view.messages.savedViews;
  const { error } = view;
  const own = view.links.filter((l) => l.own);
  return (
    <nav class="xa-views" aria-labelledby="xa-views-heading">
      <h2 id="xa-views-heading" class="xa-views__heading">
        {m.heading}
      </h2>
      {view.links.length === 0 ? (
        <p class="xa-views__none">{m.none}</p>
      ) : (
        <ul class="xa-views__list">
          {view.links.map((link) => (
            <li>
              <a class="xa-views__link" href={link.href} {...(link.current ? { 'aria-current': 'page' } : {})}>
                <bdi>{link.name}</bdi>
              </a>
              {link.sharedBy && <span class="xa-views__by"> ({link.sharedBy})</span>}
            </li>
          ))}
        </ul>
      )}
      <details class="xa-views__manage" open={error !== null}>
        <summary>{m.manage}</summary>
        {error && (
          <div class="xa-views__problem" role="alert">
            <h3 class="xa-views__heading">{m.errorSummary}</h3>
            <a href={`#${fieldId(error.form)}`}>{error.message}</a>
          </div>
        )}
        <form method="post" action={view.saveAction}>
          <Hidden view={view} />
          <NameField view={view} form={NEW} label={m.name} value="" hint={view.nameHint} />
          {view.canShare && (
            <div class="xa-field xa-checkbox">
              <input type="checkbox" id="xa-view-share" class="xa-checkbox__input" name="shared" value="1" />
              <label class="xa-checkbox__label" for="xa-view-share">
                {m.share}
              </label>
            </div>
          )}
          <button type="submit" class="xa-button">
            {m.save}
          </button>
        </form>
        {own.length > 0 && (
          <ul class="xa-views__list xa-views__owned">
            {own.map((link) => (
              <Own view={view} link={link} />
            ))}
          </ul>
        )}
      </details>
    </nav>
  );
};
