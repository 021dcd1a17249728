/** One run's conversation: a summary of the run, then its timeline with expandable tool calls. */
import type { FC } from 'hono/jsx';
import type { ConversationView, ShownText, StepView } from '../../src/conversation/view-model.js';
import type { Messages } from '../../src/i18n/messages.js';
import { Fragment, h } from '../../src/lib/jsx.js';
import { Drawings, DurationText, NotYet } from '../shared/icons.js';
import type { RunActionsView } from '../../src/actions/view-model.js';
import { RunActionsBar, RunHistory } from '../shared/run-actions.js';
import { TimelineChart } from './timeline-chart.js';

const textStepTitle = (kind: 'scheduled_call' | 'final_response' | 'error', m: Messages) =>
  kind === 'scheduled_call' ? m.scheduledCall : kind === 'final_response' ? m.finalResponse : m.error;

/** What a field cut short says: how much of it shows, and where to get all of it. */
const Cut: FC<{ shown: ShownText }> = ({ shown }) =>
  shown.cut && (
    <p class="xa-cut">
      {shown.cut.notice} <a href={shown.cut.href}>{shown.cut.link}</a>
    </p>
  );

/**
 * Focusable, so that a keyboard can scroll a long line into view; named, so that focus there
 * says what it holds. A group, not a region: a page of calls would be crowded with landmarks,
 * and two calls of one tool would name two alike.
 */
const Payload: FC<{ title: string; label: string; shown: ShownText }> = ({ title, label, shown }) => (
  <>
    <h4 class="xa-payload__title">{title}</h4>
    <pre class="xa-payload" tabindex={0} role="group" aria-label={label}>
      <code>{shown.text}</code>
    </pre>
    <Cut shown={shown} />
  </>
);

const Step: FC<{ step: StepView; messages: Messages }> = ({ step, messages: m }) => {
  if (step.kind !== 'tool_call') {
    return (
      <li class={step.kind === 'error' ? 'xa-step xa-step--error' : 'xa-step'} id={step.id}>
        <h3 class="xa-step__title">{textStepTitle(step.kind, m)}</h3>
        <p class="xa-step__meta">{step.at}</p>
        <p class="xa-prose">{step.content.text}</p>
        <Cut shown={step.content} />
      </li>
    );
  }
  return (
    <li class="xa-step" id={step.id}>
      <details class="xa-tool-call" open={step.open}>
        <summary>
          <span class="xa-tool-call__name">{m.toolCall(step.toolName)}</span>{' '}
          <strong class={`xa-tag xa-tag--${step.ok ? 'grey' : 'red'}`}>{step.ok ? m.ok : m.error}</strong>
          {step.duration !== null && <span class="xa-step__meta"> {step.duration}</span>}
        </summary>
        <Payload title={m.inputSent} label={m.inputOf(step.toolName)} shown={step.input} />
        <Payload title={m.responseReceived} label={m.responseOf(step.toolName)} shown={step.output} />
      </details>
    </li>
  );
};

/** `actions`: with the host's actions, the run's buttons (for users who may act), links and history. */
export const ConversationPage: FC<{ view: ConversationView; actions?: RunActionsView }> = ({
  view,
  actions,
  view: { messages: m },
}) => (
  <div class="xa" hx-history-elt="true">
    <a class="xa-back-link" href={view.backHref}>
      {m.backToExecutions}
    </a>
    <h1 class="xa-heading">{view.schedule}</h1>
    <p class="xa-times-in">{view.timesIn}</p>
    {actions && <RunActionsBar view={actions} />}
    <dl class="xa-summary">
      <div>
        <dt>{m.agent}</dt>
        <dd>{view.agentName ?? <span class="xa-removed">{m.agentRemoved}</span>}</dd>
      </div>
      <div>
        <dt>{m.schedule}</dt>
        <dd>
          {view.schedule} <span class="xa-secondary">({view.scheduleDetail})</span>
          {view.scheduleDownload && (
            <p class="xa-cut">
              <a href={view.scheduleDownload.href}>{view.scheduleDownload.link}</a>
            </p>
          )}
        </dd>
      </div>
      <div>
        <dt>{m.status}</dt>
        <dd>
          <strong class={`xa-tag xa-tag--${view.status.colour}`}>{view.status.label}</strong>
        </dd>
      </div>
      <div>
        <dt>{m.started}</dt>
        <dd>
          <time datetime={view.startedAt.iso}>{view.startedAt.text}</time>
        </dd>
      </div>
      <div>
        <dt>{m.finished}</dt>
        <dd>
          {view.finishedAt === null ? (
            <NotYet text={m.notFinished} />
          ) : (
            <time datetime={view.finishedAt.iso}>{view.finishedAt.text}</time>
          )}
        </dd>
      </div>
      <div>
        <dt>{m.duration}</dt>
        <dd>
          <DurationText duration={view.duration} />
        </dd>
      </div>
      <div>
        <dt>{m.credits}</dt>
        <dd>{view.credits ?? <NotYet text={m.notCalculated} />}</dd>
      </div>
      {view.error !== null && (
        <div>
          <dt>{m.error}</dt>
          <dd class="xa-prose">
            {view.error.text}
            <Cut shown={view.error} />
          </dd>
        </div>
      )}
      {view.failedTool !== null && (
        <div>
          <dt>{m.firstFailedTool}</dt>
          <dd>{view.failedTool}</dd>
        </div>
      )}
    </dl>
    {actions && <RunHistory view={actions} />}
    <h2 class="xa-subheading">{m.timeline}</h2>
    {view.chart !== null && (
      <>
        {/* The patterns that keep failed calls apart from the others in forced colours. */}
        <Drawings />
        <TimelineChart chart={view.chart} messages={m} />
      </>
    )}
    <ol class="xa-timeline">
      {view.steps.map((step) => (
        <Step step={step} messages={m} />
      ))}
    </ol>
  </div>
);

export const NotFoundPage: FC<{ backHref: string; messages: Messages }> = ({ backHref, messages: m }) => (
  <div class="xa">
    <h1 class="xa-heading">{m.conversationNotFound}</h1>
    <p>{m.conversationNotFoundHint}</p>
    <p>
      <a href={backHref}>{m.backToExecutions}</a>
    </p>
  </div>
);
