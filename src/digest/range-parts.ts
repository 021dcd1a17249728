/**
 * A date range cut where the count tables change: the days before its first whole month, its
 * whole months, its whole years, then whole months and days again. The monthly and yearly failure
 * counts hold a row per kind and month or year, where the daily counts hold one per kind, day,
 * agent and spike: a year from the 15th summed from the days read far more rows than its days at
 * the edges and its months and years between them, and whole months that hold a whole year read
 * twelve rows per kind where the year holds one.
 */
import { addDays, endOfMonth, format, parseISO, subDays } from 'date-fns';

/** A part of the range, both ends included (yyyy-MM-dd); null where the range itself is open. */
export interface RangePart {
  from: string | null;
  to: string | null;
}

const day = (date: Date) => format(date, 'yyyy-MM-dd');
const dayAfter = (date: string) => day(addDays(parseISO(date), 1));
const dayBefore = (date: string) => day(subDays(parseISO(date), 1));
const lastOfMonth = (date: string) => day(endOfMonth(parseISO(date)));
const isFirstOfMonth = (date: string) => date.endsWith('-01');

/** Where whole months (or years) begin and end within [from, to], null ends kept open. */
function wholeWithin(
  from: string | null,
  to: string | null,
  starts: (date: string) => boolean,
  next: (date: string) => string,
  ends: (date: string) => boolean,
  previous: (date: string) => string,
): RangePart | null {
  const first = from === null || starts(from) ? from : next(from);
  const last = to === null || ends(to) ? to : previous(to);
  return first !== null && last !== null && first > last ? null : { from: first, to: last };
}

const wholeMonths = (from: string | null, to: string | null) =>
  wholeWithin(
    from,
    to,
    isFirstOfMonth,
    (date) => dayAfter(lastOfMonth(date)),
    (date) => date === lastOfMonth(date),
    (date) => dayBefore(`${date.slice(0, 8)}01`),
  );

const wholeYears = (from: string | null, to: string | null) =>
  wholeWithin(
    from,
    to,
    (date) => date.endsWith('-01-01'),
    (date) => `${Number(date.slice(0, 4)) + 1}-01-01`,
    (date) => date.endsWith('-12-31'),
    (date) => `${Number(date.slice(0, 4)) - 1}-12-31`,
  );

/**
 * The range's parts in order, or null when it holds no whole month (the days answer it as well),
 * or is itself whole years, or whole months that hold no whole year (one table answers it).
 */
export function rangeParts(from: string | null, to: string | null): RangePart[] | null {
  const months = wholeMonths(from, to);
  if (!months) return null;
  const years = wholeYears(months.from, months.to);
  const whole = (part: RangePart | null) => part !== null && part.from === from && part.to === to;
  if (whole(months) && (years === null || whole(years))) return null;
  const parts: RangePart[] = [];
  if (months.from !== from) parts.push({ from, to: dayBefore(months.from!) });
  if (years) {
    if (years.from !== months.from) parts.push({ from: months.from, to: dayBefore(years.from!) });
    parts.push(years);
    if (years.to !== months.to) parts.push({ from: dayAfter(years.to!), to: months.to });
  } else {
    parts.push(months);
  }
  if (months.to !== to) parts.push({ from: dayAfter(months.to!), to });
  return parts;
}
