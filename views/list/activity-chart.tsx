/**
 * Runs per day (or week, month, year) over the filtered range, stacked by status, as inline SVG.
 * The picture is for sighted mouse users; its caption sums it up and the list under it carries
 * every figure and every link, so keyboards and screen readers lose nothing.
 */
import type { FC } from 'hono/jsx';
import { h } from '../../src/lib/jsx.js';
import type { Messages } from '../../src/i18n/messages.js';
import type { ActivityView } from '../../src/list/view-model.js';
import type { StatusBadge } from '../../src/list/status.js';

/** The chart's region: outside the results, so paging leaves it alone. */
export const ACTIVITY_ID = 'xa-activity';

const HEIGHT = 100;
const STEP = 10;

/** One decimal is finer than a pixel at any size the chart is drawn. */
const round = (n: number) => Math.round(n * 10) / 10;

/** Each status's segments of every bar as one path, stacked in the legend's order from the bottom. */
function stackedPaths(activity: ActivityView, legend: StatusBadge[]): { colour: string; d: string }[] {
  const tops = activity.bars.map(() => HEIGHT);
  return legend
    .map((badge) => {
      let d = '';
      activity.bars.forEach((bar, i) => {
        const runs = bar.segments.find((s) => s.status === badge.label)?.runs ?? 0;
        if (!runs) return;
        const height = round((runs / activity.max) * HEIGHT);
        d += `M${i * STEP + 1} ${tops[i]}v-${height}h${STEP - 2}v${height}z`;
        tops[i] = round(tops[i]! - height);
      });
      return { colour: badge.colour, d };
    })
    .filter((p) => p.d !== '');
}

/** The chart's key: the same for every chart, so it is drawn once, outside the swapped region. */
export const ChartLegend: FC<{ legend: StatusBadge[] }> = ({ legend }) => (
  <ul class="xa-legend" aria-hidden="true">
    {legend.map((badge) => (
      <li>
        {/* A drawing like the bars', so it takes the same fill: a colour, or a pattern. */}
        <svg class="xa-swatch" viewBox="0 0 12 12">
          <rect class={`xa-bar--${badge.colour}`} width="12" height="12" />
        </svg>
        {badge.label}
      </li>
    ))}
  </ul>
);

export const ActivityChart: FC<{ activity: ActivityView; legend: StatusBadge[]; messages: Messages }> = ({
  activity,
  legend,
  messages,
}) => {
  const first = activity.bars[0]!;
  const last = activity.bars.at(-1)!;
  return (
    <figure class="xa-activity">
      <figcaption class="xa-activity__title">
        {activity.title}
        <span class="xa-visually-hidden">{activity.titleDetail}</span>
      </figcaption>
      {/* Hidden from assistive technology, and its links from the tab order: the list has both.
          One path per status keeps it small; a transparent column over each bar is its link,
          sized by the stylesheet (STEP wide, HEIGHT tall) rather than in every swap. */}
      <svg
        class="xa-activity__chart"
        viewBox={`0 0 ${activity.bars.length * STEP} ${HEIGHT}`}
        preserveAspectRatio="none"
        aria-hidden="true"
      >
        {stackedPaths(activity, legend).map(({ colour, d }) => (
          <path class={`xa-bar--${colour}`} d={d} />
        ))}
        {activity.bars.map((bar, i) => (
          <a href={bar.href} tabindex={-1}>
            <rect x={i * STEP} />
          </a>
        ))}
      </svg>
      <div class="xa-activity__axis" aria-hidden="true">
        <span>{first.label}</span>
        <span>{last.label}</span>
      </div>
      <details class="xa-activity__details">
        <summary>{messages.showFigures}</summary>
        <ul class="xa-activity__list">
          {activity.bars.map((bar) => (
            <li>
              <a href={bar.href}>{bar.label}</a>
              {bar.description.slice(bar.label.length)}
            </li>
          ))}
        </ul>
      </details>
    </figure>
  );
};
