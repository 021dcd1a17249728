/**
 * The run's tool calls on one time axis: a table whose rows are the calls, each with its bar
 * (inline SVG, no script) and its start and duration as text, so that the bars are for the eye
 * and the figures for everyone. Each call links to its step in the list below.
 */
import type { FC } from 'hono/jsx';
import type { Messages } from '../../src/i18n/messages.js';
import type { TimelineView } from '../../src/conversation/timeline.js';
import { Fragment, h } from '../../src/lib/jsx.js';
import { NotYet } from '../shared/icons.js';

const CAPTION_ID = 'xa-chart-caption';

export const TimelineChart: FC<{ chart: TimelineView; messages: Messages }> = ({ chart, messages: m }) => (
  <div class="xa-table-scroll xa-gantt" role="region" aria-labelledby={CAPTION_ID} tabindex={0}>
    <table class="xa-table">
      <caption id={CAPTION_ID} class="xa-gantt__caption">
        {chart.caption}
        {chart.note !== null && <span class="xa-gantt__note">{chart.note}</span>}
      </caption>
      <thead>
        <tr>
          <th scope="col">{m.tool}</th>
          {/* The axis's ends, read as one sentence. */}
          <th scope="col">
            <span class="xa-visually-hidden">{m.timeAxis(chart.from, chart.to)}</span>
            <span class="xa-gantt__axis" aria-hidden="true">
              <span>{chart.from}</span>
              <span>{chart.to}</span>
            </span>
          </th>
          <th scope="col" class="xa-numeric">
            {m.startedAfter}
          </th>
          <th scope="col" class="xa-numeric">
            {m.duration}
          </th>
        </tr>
      </thead>
      <tbody>
        {chart.bars.map((bar) => (
          <tr>
            <td class="xa-gantt__tool">
              <a href={bar.href}>{bar.tool}</a>
              {!bar.ok && (
                <>
                  {' '}
                  <strong class="xa-tag xa-tag--red">{m.error}</strong>
                </>
              )}
            </td>
            <td class="xa-gantt__track">
              <svg viewBox={`0 0 ${chart.axis} 10`} preserveAspectRatio="none" aria-hidden="true">
                <rect class={bar.ok ? 'xa-bar--blue' : 'xa-bar--red'} x={bar.x} width={bar.width} height="10" />
              </svg>
            </td>
            <td class="xa-numeric xa-nowrap">{bar.startedAfter}</td>
            <td class="xa-numeric xa-nowrap">{bar.duration ?? <NotYet text={m.durationUnknown} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);
