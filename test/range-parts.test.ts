/**
 * A digest's date range cut into parts (src/digest/range-parts.ts): the parts count each day of the
 * range once and no day outside it, each one a table's — days within one month, whole months, or
 * whole years; parts taken away are whole months of a year read whole, whose other months are in
 * the range. A range is left whole only when no part of it would be a whole month, or when one
 * table answers all of it: whole years, or whole months holding no whole year nor most of one.
 */
import { addDays, addMonths, endOfMonth, format, isLastDayOfMonth, parseISO, startOfMonth } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rangeParts, type RangePart } from '../src/digest/range-parts.js';

type Span = Pick<RangePart, 'from' | 'to'>;
const day = (date: string, days: number) => format(addDays(parseISO(date), days), 'yyyy-MM-dd');
const monthStart = (date: string | null) => date === null || date.endsWith('-01');
const monthEnd = (date: string | null) => date === null || isLastDayOfMonth(parseISO(date));
const yearStart = (date: string | null) => date === null || date.endsWith('-01-01');
const yearEnd = (date: string | null) => date === null || date.endsWith('-12-31');
const wholeMonths = (p: Span) => monthStart(p.from) && monthEnd(p.to);
const wholeYears = (p: Span) => yearStart(p.from) && yearEnd(p.to) && (p.from === null || p.to === null || p.from < p.to);
/** Whether some month lies within the range, its 1st to its last day. */
function holdsAWholeMonth(from: string | null, to: string | null): boolean {
  if (from === null || to === null) return true;
  const month = startOfMonth(parseISO(from));
  const first = format(month, 'yyyy-MM-dd') === from ? month : addMonths(month, 1);
  return format(endOfMonth(first), 'yyyy-MM-dd') <= to;
}
/** Whether some year lies within the range, its 1 January to its 31 December. */
function holdsAWholeYear({ from, to }: Span): boolean {
  if (from === null || to === null) return true;
  const year = Number(from.slice(0, 4)) + (from.endsWith('-01-01') ? 0 : 1);
  return `${year}-12-31` <= to;
}
/** Whether the range's whole months hold seven or more of one year's months. */
function holdsMostOfAYear({ from, to }: Span): boolean {
  if (from === null || to === null) return true;
  const byYear = new Map<string, number>();
  for (let month = startOfMonth(parseISO(from)); format(month, 'yyyy-MM-dd') <= to; month = addMonths(month, 1)) {
    const [first, last] = [format(month, 'yyyy-MM-dd'), format(endOfMonth(month), 'yyyy-MM-dd')];
    if (first >= from && last <= to) byYear.set(first.slice(0, 4), (byYear.get(first.slice(0, 4)) ?? 0) + 1);
  }
  return [...byYear.values()].some((months) => months >= 7);
}
const withinAMonth = (p: Span) => p.from !== null && p.to !== null && p.from.slice(0, 7) === p.to.slice(0, 7);
const contains = ({ from, to }: Span, date: string) => (from === null || from <= date) && (to === null || date <= to);

/** A day from 2023 to 2026, leap years and month ends included; or an open end. */
const dateArb = fc.option(
  fc.integer({ min: 0, max: 4 * 366 }).map((n) => day('2023-01-01', n)),
  { nil: null, freq: 4 },
);

describe('a date range in parts', () => {
  it('counts each day of the range once, and none outside it, with days within a month, whole months and whole years', () => {
    fc.assert(
      fc.property(dateArb, dateArb, (a, b) => {
        const [from, to] = a !== null && b !== null && a > b ? [b, a] : [a, b];
        const parts = rangeParts(from, to);
        const range = { from, to };
        if (parts === null) {
          const oneTable =
            wholeMonths(range) && ((yearStart(from) && yearEnd(to)) || (!holdsAWholeYear(range) && !holdsMostOfAYear(range)));
          expect(oneTable || !holdsAWholeMonth(from, to)).toBe(true);
          return;
        }
        expect(parts.length).toBeGreaterThan(1);
        // The count of a day changes only at a part's ends: each day on either side of one is checked.
        const days = new Set(['1900-01-01', '2100-12-31']);
        for (const p of [range, ...parts])
          for (const end of [p.from && day(p.from, -1), p.from, p.to, p.to && day(p.to, 1)]) if (end) days.add(end);
        for (const date of days) {
          const counted = parts.reduce((n, p) => n + (contains(p, date) ? p.sign : 0), 0);
          expect(counted, `${date} in ${JSON.stringify(parts)}`).toBe(contains(range, date) ? 1 : 0);
        }
        for (const p of parts) {
          if (p.from !== null && p.to !== null) expect(p.from <= p.to).toBe(true);
          const years = wholeYears(p);
          expect(withinAMonth(p) || wholeMonths(p) || years, JSON.stringify(p)).toBe(true);
          // As few rows as the tables allow: whole months never where whole years would do.
          if (!years) expect(holdsAWholeYear(p), JSON.stringify(p)).toBe(false);
          // Taken away: months of a year counted whole, whose other months are in the range.
          if (p.sign < 0) {
            const year = `${p.from!.slice(0, 4)}`;
            expect(wholeMonths(p) && p.to!.startsWith(year), JSON.stringify(p)).toBe(true);
            expect(parts).toContainEqual({ from: `${year}-01-01`, to: `${year}-12-31`, sign: 1 });
          }
        }
        expect(parts.some(wholeMonths)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds no whole month or year past the last day a date filter accepts, 9999-12-31', () => {
    // The day after it has a five-digit year, which sorts before it as text.
    expect(rangeParts('9999-12-01', '9999-12-31')).toBeNull();
    expect(rangeParts('9999-12-15', '9999-12-31')).toBeNull();
    expect(rangeParts('9999-11-15', '9999-12-31')).toEqual([
      { from: '9999-11-15', to: '9999-11-30', sign: 1 },
      { from: '9999-12-01', to: '9999-12-31', sign: 1 },
    ]);
    expect(rangeParts('9998-03-15', null)?.at(-1)).toEqual({ from: '9999-01-01', to: null, sign: 1 });
  });

  it('cuts a year from the 15th into its edge days, and the months between: most of a year as the year less its other months', () => {
    expect(rangeParts('2025-03-15', '2026-03-14')).toEqual([
      { from: '2025-03-15', to: '2025-03-31', sign: 1 },
      { from: '2025-01-01', to: '2025-12-31', sign: 1 },
      { from: '2025-01-01', to: '2025-03-31', sign: -1 },
      { from: '2026-01-01', to: '2026-02-28', sign: 1 },
      { from: '2026-03-01', to: '2026-03-14', sign: 1 },
    ]);
    expect(rangeParts('2023-12-15', '2025-03-10')).toEqual([
      { from: '2023-12-15', to: '2023-12-31', sign: 1 },
      { from: '2024-01-01', to: '2024-12-31', sign: 1 },
      { from: '2025-01-01', to: '2025-02-28', sign: 1 },
      { from: '2025-03-01', to: '2025-03-10', sign: 1 },
    ]);
    expect(rangeParts(null, '2024-03-10')).toEqual([
      { from: null, to: '2023-12-31', sign: 1 },
      { from: '2024-01-01', to: '2024-02-29', sign: 1 },
      { from: '2024-03-01', to: '2024-03-10', sign: 1 },
    ]);
    expect(rangeParts('2025-03-15', '2025-04-10')).toBeNull();
    expect(rangeParts('2025-03-01', '2025-04-30')).toBeNull();
    expect(rangeParts('2024-01-01', '2025-12-31')).toBeNull();
    expect(rangeParts(null, null)).toBeNull();
  });

  it('cuts whole months that hold a whole year into the year and the months beside it', () => {
    expect(rangeParts('2024-01-01', '2025-06-30')).toEqual([
      { from: '2024-01-01', to: '2024-12-31', sign: 1 },
      { from: '2025-01-01', to: '2025-06-30', sign: 1 },
    ]);
    expect(rangeParts('2023-11-01', '2025-02-28')).toEqual([
      { from: '2023-11-01', to: '2023-12-31', sign: 1 },
      { from: '2024-01-01', to: '2024-12-31', sign: 1 },
      { from: '2025-01-01', to: '2025-02-28', sign: 1 },
    ]);
    expect(rangeParts('2025-12-01', null)).toEqual([
      { from: '2025-12-01', to: '2025-12-31', sign: 1 },
      { from: '2026-01-01', to: null, sign: 1 },
    ]);
  });

  it("reads seven or more of a year's whole months as the year less the others, fewer as they are", () => {
    expect(rangeParts('2025-04-01', '2026-02-28')).toEqual([
      { from: '2025-01-01', to: '2025-12-31', sign: 1 },
      { from: '2025-01-01', to: '2025-03-31', sign: -1 },
      { from: '2026-01-01', to: '2026-02-28', sign: 1 },
    ]);
    expect(rangeParts('2025-02-01', '2025-11-30')).toEqual([
      { from: '2025-01-01', to: '2025-12-31', sign: 1 },
      { from: '2025-01-01', to: '2025-01-31', sign: -1 },
      { from: '2025-12-01', to: '2025-12-31', sign: -1 },
    ]);
    expect(rangeParts('2025-06-01', '2025-12-31')).toEqual([
      { from: '2025-01-01', to: '2025-12-31', sign: 1 },
      { from: '2025-01-01', to: '2025-05-31', sign: -1 },
    ]);
    expect(rangeParts('2025-07-01', '2025-12-31')).toBeNull();
    expect(rangeParts('2025-11-01', '2026-03-31')).toBeNull();
  });
});
