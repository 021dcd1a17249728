/** One run's conversation: a summary of the run, then its timeline with expandable tool calls. */
import type { FC } from 'hono/jsx';
import type { ConversationView, ShownText, StepView } from '../../src/conversation/view-model.js';
import { Fragment, h } from '../../src/lib/jsx.js';
import { NotYet } from '../shared/icons.js';

const TEXT_STEP_TITLES = { scheduled_call: 'Scheduled call', final_response: 'Final response', error: 'Error' };

/** What a field cut short says: how much of it shows, and where to get all of it. */
const Cut: FC<{ shown: ShownText }> = ({ shown }) =>
  shown.cut && (
    <p class="xa-cut">
      {shown.cut.notice} <a href={shown.cut.href}>{shown.cut.link}</a>
    </p>
  );

const Payload: FC<{ title: string; shown: ShownText }> = ({ title, shown }) => (
  <>
    <h4 class="xa-payload__title">{title}</h4>
    <pre class="xa-payload" tabindex={0}>
      <code>{shown.text}</code>
    </pre>
    <Cut shown={shown} />
  </>
);

const Step: FC<{ step: StepView }> = ({ step }) => {
  if (step.kind !== 'tool_call') {
    return (
      <li class={step.kind === 'error' ? 'xa-step xa-step--error' : 'xa-step'} id={step.id}>
        <h3 class="xa-step__title">{TEXT_STEP_TITLES[step.kind]}</h3>
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
          <span class="xa-tool-call__name">Tool call: {step.toolName}</span>{' '}
          <strong class={`xa-tag xa-tag--${step.ok ? 'grey' : 'red'}`}>{step.ok ? 'OK' : 'Error'}</strong>
          {step.duration !== null && <span class="xa-step__meta"> {step.duration}</span>}
        </summary>
        <Payload title="Input sent" shown={step.input} />
        <Payload title="Response received" shown={step.output} />
      </details>
    </li>
  );
};

export const ConversationPage: FC<{ view: ConversationView }> = ({ view }) => (
  <div class="xa" hx-history-elt="true">
    <a class="xa-back-link" href={view.backHref}>
      Back to executions
    </a>
    <h1 class="xa-heading">{view.schedule}</h1>
    <dl class="xa-summary">
      <div>
        <dt>Agent</dt>
        <dd>{view.agentName ?? <span class="xa-removed">Agent removed</span>}</dd>
      </div>
      <div>
        <dt>Schedule</dt>
        <dd>
          {view.schedule} <span class="xa-secondary">({view.scheduleDetail})</span>
        </dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <strong class={`xa-tag xa-tag--${view.status.colour}`}>{view.status.label}</strong>
        </dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>{view.startedAt}</dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd>{view.finishedAt ?? <NotYet text="Not finished" />}</dd>
      </div>
      <div>
        <dt>Credits</dt>
        <dd>{view.credits ?? <NotYet text="Not calculated yet" />}</dd>
      </div>
      {view.error !== null && (
        <div>
          <dt>Error</dt>
          <dd class="xa-prose">
            {view.error.text}
            <Cut shown={view.error} />
          </dd>
        </div>
      )}
      {view.failedTool !== null && (
        <div>
          <dt>First failed tool</dt>
          <dd>{view.failedTool}</dd>
        </div>
      )}
    </dl>
    <h2 class="xa-subheading">Timeline</h2>
    <ol class="xa-timeline">
      {view.steps.map((step) => (
        <Step step={step} />
      ))}
    </ol>
  </div>
);

export const NotFoundPage: FC<{ backHref: string }> = ({ backHref }) => (
  <div class="xa">
    <h1 class="xa-heading">Conversation not found</h1>
    <p>There is no execution with that conversation in your organization.</p>
    <p>
      <a href={backHref}>Back to executions</a>
    </p>
  </div>
);
