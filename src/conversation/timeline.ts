/**
 * The conversation page's timeline chart: each tool call as a bar on one time axis from the run's
 * start, so a slow step stands out. Steps are stored data, hostile like any: a call's duration may
 * be missing or negative, its time before the run's start or far after, and calls out of order.
 * Each bar is placed where its times put it; what cannot be placed is said, never guessed.
 */
import type { Messages } from '../i18n/messages.js';
import { formatDuration, numberFormat, shorten } from '../lib/format.js';
import { SHOWN_TITLE_LENGTH } from '../list/run-columns.js';
import type { BoundedStep } from './bounded-repository.js';
import { pageCost } from './bounds.js';

/** Bars drawn at most: past this many calls, the slowest, so the page stays light and a slow one shows. */
export const TIMELINE_BARS = 100;
/** The axis's length in the bars' drawing units. */
export const AXIS = 1000;
/** A bar's least width, so that an instant call (or one of unknown length) is still seen. */
const MIN_WIDTH = 3;

export interface TimelineBar {
  /** The step in the list under the chart. */
  href: string;
  tool: string;
  ok: boolean;
  /** On the axis, 0 to AXIS, to a tenth. */
  x: number;
  width: number;
  /** "12 s" after the run's start ("−2 s" when stored before it). */
  startedAfter: string;
  /** "30 s"; null when not recorded (a negative or missing duration). */
  duration: string | null;
}

export interface TimelineView {
  /** "Tool calls over time: 5 calls in 1 min 12 s". */
  caption: string;
  /** Said when the run made more calls than are drawn. */
  note: string | null;
  /** The axis's ends: "0 ms" and "1 min 12 s" (or "−2 s" when a call is stored before the start). */
  from: string;
  to: string;
  /** The axis's length in the bars' units (AXIS). */
  axis: number;
  bars: TimelineBar[];
}

interface Call {
  step: BoundedStep;
  /** When the call started and ended, in ms after the run's start. */
  start: number;
  end: number;
  duration: number | null;
}

/**
 * What a chart row's markup costs the page besides its tool's name (its bar, figures and link),
 * rounded up from what it renders; the page's budget (bounds.ts) takes it from later fields.
 */
const ROW_BYTES = 400;

/** The chart's cost to the page's budget. */
export function chartCost(chart: TimelineView): number {
  return chart.bars.reduce((bytes, bar) => bytes + ROW_BYTES + pageCost(bar.tool), 0);
}

const tenth = (n: number) => Math.round(n * 10) / 10;

/** An offset as the axis writes it, signed when it comes before the start. */
function offsetText(ms: number, m: Messages): string {
  return ms < 0 ? `\u2212${formatDuration(-ms, m)}` : formatDuration(ms, m)!;
}

/**
 * The chart of a run's tool calls, or null when it made none. A call is recorded as it ends
 * (its step's time), so it started its duration before.
 */
export function timelineView(
  steps: BoundedStep[],
  run: { startedAt: Date; finishedAt: Date | null },
  m: Messages,
): TimelineView | null {
  const origin = run.startedAt.getTime();
  const all: Call[] = steps
    .filter((step) => step.kind === 'tool_call')
    .map((step) => {
      const duration = step.durationMs !== null && step.durationMs >= 0 ? step.durationMs : null;
      const end = step.createdAt.getTime() - origin;
      return { step, start: end - (duration ?? 0), end, duration };
    });
  if (all.length === 0) return null;
  // The slowest TIMELINE_BARS, kept in the run's order.
  const drawn =
    all.length <= TIMELINE_BARS
      ? all
      : all
          .map((call, i) => ({ call, i }))
          .sort((a, b) => (b.call.duration ?? -1) - (a.call.duration ?? -1) || a.i - b.i)
          .slice(0, TIMELINE_BARS)
          .sort((a, b) => a.i - b.i)
          .map(({ call }) => call);
  const finished = run.finishedAt === null ? 0 : run.finishedAt.getTime() - origin;
  // The axis spans every call, drawn or not, so that the caption tells the whole run.
  const from = all.reduce((least, c) => Math.min(least, c.start), 0);
  const to = all.reduce((most, c) => Math.max(most, c.end), Math.max(0, finished));
  const scale = AXIS / Math.max(1, to - from);
  const { count } = numberFormat(m.locale);
  return {
    caption: m.toolCallsChart(all.length, count(all.length), formatDuration(to - from, m)!),
    note: drawn.length < all.length ? m.slowestShown(count(drawn.length), count(all.length)) : null,
    from: offsetText(from, m),
    to: offsetText(to, m),
    axis: AXIS,
    bars: drawn.map(({ step, start, duration }) => {
      const x = Math.min(tenth((start - from) * scale), AXIS - MIN_WIDTH);
      return {
        href: `#xa-step-${step.position}`,
        tool: shorten(step.toolName ?? m.unknownTool, SHOWN_TITLE_LENGTH).text,
        ok: step.ok !== false,
        x,
        width: Math.min(Math.max(MIN_WIDTH, tenth((duration ?? 0) * scale)), AXIS - x),
        startedAfter: offsetText(start, m),
        duration: duration === null ? null : formatDuration(duration, m),
      };
    }),
  };
}
