/**
 * A date range cut where the count tables change: the days before its first whole month, its
 * whole months, its whole years, then whole months and days again. The monthly and yearly failure
 * counts hold a row per kind and month or year, where the daily counts hold one per kind, day,
 * agent and spike: a year from the 15th summed from the days read far more rows than its days at
 * the edges and its months and years between them, and whole months that hold a whole year read
 * twelve rows per kind where the year holds one. Most of a year's months are read as the year less
 * its other months, a part counted negatively: where most kinds fail every month, as in issue
 * #21's wide shape, nine months are then four rows per kind instead of nine; where kinds fail
 * seldom, both ways read few rows (docs/performance.md).
 */
import { addDays, endOfMonth, format, parseISO, subDays } from 'date-fns';

/** Days, both ends included (yyyy-MM-dd); null where the range itself is open. */
interface Span {
  from: string | null;
  to: string | null;
}

/** A part of the range. */
export interface RangePart extends Span {
  /** -1: its runs are taken away from the other parts' (a year's months outside the range). */
  sign: 1 | -1;
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
): Span | null {
  const first = from === null || starts(from) ? from : next(from);
  const last = to === null || ends(to) ? to : previous(to);
  // A first day past 9999-12-31 has a five-digit year, which sorts before it: no whole period either.
  return first !== null && last !== null && (first.length > 10 || first > last) ? null : { from: first, to: last };
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

/** From this many of a year's months on, they are read as the year less its other months. */
const MOST_OF_A_YEAR = 7;

/** Whole months with no whole year among them, concrete ends: each year's share as its months or as the year less the rest. */
function wholeMonthParts(from: string, to: string): RangePart[] {
  const parts: RangePart[] = [];
  let yearRead = false;
  // A start past 9999 has a five-digit year, which sorts before `to`: the loop ends there.
  for (let start = from; start.length === 10 && start <= to; start = `${Number(start.slice(0, 4)) + 1}-01-01`) {
    const year = start.slice(0, 4);
    const end = to.slice(0, 4) === year ? to : `${year}-12-31`;
    const months = Number(end.slice(5, 7)) - Number(start.slice(5, 7)) + 1;
    if (months < MOST_OF_A_YEAR) {
      parts.push({ from: start, to: end, sign: 1 });
      continue;
    }
    yearRead = true;
    parts.push({ from: `${year}-01-01`, to: `${year}-12-31`, sign: 1 });
    if (!start.endsWith('-01-01')) parts.push({ from: `${year}-01-01`, to: dayBefore(start), sign: -1 });
    if (!end.endsWith('-12-31')) parts.push({ from: dayAfter(end), to: `${year}-12-31`, sign: -1 });
  }
  // No year read whole: the months are one part, however many years they reach into.
  return yearRead ? parts : [{ from, to, sign: 1 }];
}

/**
 * The range's parts, or null when it holds no whole month (the days answer it as well), or is
 * itself whole years, or whole months that hold no whole year and are best read as they are (one
 * table answers it). The parts counted positively are in the range's order.
 */
export function rangeParts(from: string | null, to: string | null): RangePart[] | null {
  const months = wholeMonths(from, to);
  if (!months) return null;
  const years = wholeYears(months.from, months.to);
  const parts: RangePart[] = [];
  if (months.from !== from) parts.push({ from, to: dayBefore(months.from!), sign: 1 });
  if (years) {
    if (years.from !== months.from) parts.push(...wholeMonthParts(months.from!, dayBefore(years.from!)));
    parts.push({ ...years, sign: 1 });
    if (years.to !== months.to) parts.push(...wholeMonthParts(dayAfter(years.to!), months.to!));
  } else {
    // With no whole year among them, whole months have concrete ends.
    parts.push(...wholeMonthParts(months.from!, months.to!));
  }
  if (months.to !== to) parts.push({ from: dayAfter(months.to!), to, sign: 1 });
  const [only] = parts;
  return parts.length === 1 && only!.from === from && only!.to === to ? null : parts;
}
