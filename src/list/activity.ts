/**
 * The activity chart's calendar: which days it spans and how it groups them. A bar per day up to
 * about two months; beyond that per week, month or year, so the chart never has more than
 * MAX_BARS bars however long the range.
 */
import {
  addDays,
  addMonths,
  addWeeks,
  addYears,
  differenceInCalendarDays,
  startOfMonth,
  startOfWeek,
  startOfYear,
} from 'date-fns';
import type { ActivityUnit } from './counts.js';
import { MIN_DATE } from './filters.js';
import { dateOfDay as toDate, dayOfDate as toDay } from '../lib/time-zone.js';

export const MAX_BARS = 62;

export interface ActivityRange {
  /** Inclusive local dates, yyyy-MM-dd. */
  from: string;
  to: string;
  unit: ActivityUnit;
}

const STEP: Record<ActivityUnit, (date: Date) => Date> = {
  day: (d) => addDays(d, 1),
  week: (d) => addWeeks(d, 1),
  month: (d) => addMonths(d, 1),
  year: (d) => addYears(d, 1),
};

/** The first day of the bucket holding `date`; weeks start on Monday, as Postgres' date_trunc does. */
const START: Record<ActivityUnit, (date: Date) => Date> = {
  day: (d) => d,
  week: (d) => startOfWeek(d, { weekStartsOn: 1 }),
  month: startOfMonth,
  year: startOfYear,
};

function unitFor(from: string, to: string): ActivityUnit {
  const days = differenceInCalendarDays(toDate(to), toDate(from)) + 1;
  if (days <= MAX_BARS) return 'day';
  if (days <= MAX_BARS * 7) return 'week';
  if (days <= MAX_BARS * 28) return 'month';
  return 'year';
}

/**
 * The part of the filtered range that can hold runs: the filter's dates, cut to the organization's
 * first run and to today (no dates: first run to today). The chart ends today: a run dated in the
 * future (a scheduler's clock ahead) is counted in the total but drawn only when the end date
 * asks for that day.
 */
export function activityRange(
  startDate: string | null,
  endDate: string | null,
  firstDay: string | null,
  today: string,
): ActivityRange {
  let to = endDate ?? today;
  if (to > today && (startDate ?? today) <= today) to = today;
  let from = startDate ?? firstDay ?? to;
  if (firstDay && from < firstDay && firstDay <= to) from = firstDay;
  if (from < MIN_DATE) from = MIN_DATE;
  if (from > to) from = to;
  return { from, to, unit: unitFor(from, to) };
}

export interface Bucket {
  /** The bucket's first day as the summary query names it (date_trunc's). */
  key: string;
  /** The days of it inside the range, inclusive. */
  start: string;
  end: string;
}

/** Every bucket from the one holding `from` to the one holding `to`, clipped to the range. */
export function bucketsOf({ from, to, unit }: ActivityRange): Bucket[] {
  const buckets: Bucket[] = [];
  // As dates, not as text: the day after 9999-12-31 is written 10000-01-01, which sorts before it.
  const last = toDate(to);
  for (let start = START[unit](toDate(from)); start <= last; start = STEP[unit](start)) {
    const key = toDay(start);
    const end = addDays(STEP[unit](start), -1);
    buckets.push({ key, start: key < from ? from : key, end: end > last ? to : toDay(end) });
  }
  return buckets;
}
