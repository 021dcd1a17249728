/**
 * Actions on a run: plain POST forms (each works without JavaScript and carries the form token), the
 * confirmation after one (GOV.UK's notification banner), the links between a run and its repeats,
 * and the run's history of actions.
 */
import type { FC } from 'hono/jsx';
import type { ActionButtonView, ActionFormFields, RunActionsView } from '../../src/actions/view-model.js';
import { Fragment, h } from '../../src/lib/jsx.js';

export const ActionForm: FC<{ button: ActionButtonView; form: ActionFormFields }> = ({ button, form }) => (
  <form method="post" action={button.action} class="xa-action">
    <input type="hidden" name="csrf" value={form.token} />
    <input type="hidden" name="back" value={form.back} />
    <button type="submit" class="xa-button xa-button--secondary" aria-label={button.name ?? undefined}>
      {button.label}
    </button>
  </form>
);

/** Above the run's summary: the confirmation of the action just taken, and the run's buttons. */
export const RunActionsBar: FC<{ view: RunActionsView }> = ({ view, view: { form } }) => (
  <>
    {view.banner !== null && (
      <div
        class={`xa-banner${view.banner.success ? ' xa-banner--success' : ''}`}
        role={view.banner.success ? 'alert' : 'region'}
        aria-labelledby="xa-banner-title"
        tabindex={-1}
      >
        <h2 class="xa-banner__title" id="xa-banner-title">
          {view.banner.title}
        </h2>
        <p class="xa-banner__text">
          {view.banner.text}
          {view.banner.link !== null && (
            <>
              {' '}
              <a href={view.banner.link.href}>{view.banner.link.text}</a>
            </>
          )}
        </p>
      </div>
    )}
    {form !== null && view.buttons.length > 0 && (
      <div class="xa-actions">
        {view.buttons.map((button) => (
          <ActionForm button={button} form={form} />
        ))}
      </div>
    )}
  </>
);

/** After the summary: the runs it is linked to, and what was done to it, newest first. */
export const RunHistory: FC<{ view: RunActionsView }> = ({ view, view: { messages: m } }) => (
  <>
    {(view.repeatOf !== null || view.ranAgainAs.length > 0) && (
      <dl class="xa-summary">
        {view.repeatOf !== null && (
          <div>
            <dt>{m.runActions.runAgainOfLabel}</dt>
            <dd>
              <a href={view.repeatOf.href}>{view.repeatOf.text}</a>
            </dd>
          </div>
        )}
        {view.ranAgainAs.length > 0 && (
          <div>
            <dt>{m.runActions.ranAgainAs}</dt>
            <dd>
              <ul class="xa-plain-list">
                {view.ranAgainAs.map((link) => (
                  <li>
                    <a href={link.href}>{link.text}</a>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
      </dl>
    )}
    {view.history.length > 0 && (
      <>
        <h2 class="xa-subheading">{m.runActions.history}</h2>
        <ul class="xa-plain-list xa-history">
          {view.history.map((entry) => (
            <li>
              <time datetime={entry.at.iso}>{entry.at.text}</time> — <bdi>{entry.text}</bdi> — {entry.outcome}
            </li>
          ))}
        </ul>
      </>
    )}
  </>
);
