/** The activity chart's view: a bar per day, week, month or year, each a link filtering to its days. */
import { bucketsOf, type ActivityRange } from './activity.js';
import type { ExecutionList } from './execution-list.js';
import type { Messages } from '../i18n/messages.js';
import { numberFormat } from '../lib/format.js';
import { formatCalendarDate, formatCalendarMonth } from '../lib/time-zone.js';
import { withQuery } from './query.js';
import { STATUS_COLOURS, STATUS_ORDER, type StatusBadge } from './status.js';
import type { ActivityBucket } from './summary-query.js';

export interface BarView {
  /** "12/11/2026", "Week of 09/11/2026", "November 2026" or "2026". */
  label: string;
  /** The bucket's days as a filter, the other filters kept. */
  href: string;
  total: number;
  segments: { status: string; colour: StatusBadge['colour']; runs: number }[];
  /** What a screen reader hears for the bar: "12/11/2026: 40 runs (30 Completed, 10 Failed)". */
  description: string;
}

export interface ActivityView {
  /** "Runs per day, 01/11/2026 to 29/11/2026". */
  title: string;
  /** Read after the title: ": 1,234 runs; the most, 80, in 12/11/2026. The list below gives each one." */
  titleDetail: string;
  bars: BarView[];
  /** The tallest bar's runs, which sets the scale. */
  max: number;
}

function bucketLabel(start: string, unit: ActivityRange['unit'], m: Messages): string {
  if (unit === 'day') return formatCalendarDate(start);
  if (unit === 'week') return m.weekOf(formatCalendarDate(start));
  return unit === 'month' ? formatCalendarMonth(start, m.locale) : start.slice(0, 4);
}

export function activityView(list: ExecutionList, basePath: string, m: Messages): ActivityView | null {
  if (list.total === 0) return null;
  const { range, buckets } = list.activity;
  const runsAt = new Map<string, ActivityBucket[]>();
  for (const b of buckets) {
    const found = runsAt.get(b.start);
    if (found) found.push(b);
    else runsAt.set(b.start, [b]);
  }
  const { count } = numberFormat(m.locale);
  const bars = bucketsOf(range).map((bucket): BarView => {
    const found = runsAt.get(bucket.key) ?? [];
    const segments = STATUS_ORDER.flatMap((status) => {
      const runs = found.find((b) => b.status === status)?.runs ?? 0;
      return runs ? [{ status: m.statuses[status], colour: STATUS_COLOURS[status], runs }] : [];
    });
    const total = segments.reduce((n, s) => n + s.runs, 0);
    const label = bucketLabel(bucket.key, range.unit, m);
    // Filtered to one status, every run of a bar has it: "(8 Failed)" would repeat "8 runs".
    const detail = list.query.status !== null ? '' : segments.map((s) => m.statusRuns(s.status, count(s.runs))).join(', ');
    return {
      label,
      href: withQuery(basePath, { ...list.query, startDate: bucket.start, endDate: bucket.end, page: 1, cursor: null }),
      total,
      segments,
      description: `${label}: ${m.runs(total, count(total))}${detail ? ` (${detail})` : ''}`,
    };
  });
  const total = bars.reduce((n, b) => n + b.total, 0);
  const busiest = bars.reduce((a, b) => (b.total > a.total ? b : a));
  return {
    title: m.chartTitle(range.unit, formatCalendarDate(range.from), formatCalendarDate(range.to)),
    titleDetail: m.chartSummary(total, count(total), count(busiest.total), busiest.label),
    bars,
    max: Math.max(1, ...bars.map((b) => b.total)),
  };
}
