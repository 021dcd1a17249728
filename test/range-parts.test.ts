/**
 * A digest's date range cut into parts (src/digest/range-parts.ts): the parts cover the range
 * exactly, day after day, and each one is a table's — days within one month, whole months that
 * hold no whole year, or whole years; a range is left whole only when no part of it would be a
 * whole month, or when one table answers all of it: whole years, or whole months holding no year.
 */
import { addDays, addMonths, endOfMonth, format, isLastDayOfMonth, parseISO, startOfMonth } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rangeParts, type RangePart } from '../src/digest/range-parts.js';

const day = (date: string, days: number) => format(addDays(parseISO(date), days), 'yyyy-MM-dd');
const monthStart = (date: string | null) => date === null || date.endsWith('-01');
const monthEnd = (date: string | null) => date === null || isLastDayOfMonth(parseISO(date));
const yearStart = (date: string | null) => date === null || date.endsWith('-01-01');
const yearEnd = (date: string | null) => date === null || date.endsWith('-12-31');
const wholeMonths = (p: RangePart) => monthStart(p.from) && monthEnd(p.to);
/** Whether some month lies within the range, its 1st to its last day. */
function holdsAWholeMonth(from: string | null, to: string | null): boolean {
  if (from === null || to === null) return true;
  const month = startOfMonth(parseISO(from));
  const first = format(month, 'yyyy-MM-dd') === from ? month : addMonths(month, 1);
  return format(endOfMonth(first), 'yyyy-MM-dd') <= to;
}
/** Whether some year lies within the range, its 1 January to its 31 December. */
function holdsAWholeYear({ from, to }: RangePart): boolean {
  if (from === null || to === null) return true;
  const year = Number(from.slice(0, 4)) + (from.endsWith('-01-01') ? 0 : 1);
  return `${year}-12-31` <= to;
}
const withinAMonth = (p: RangePart) => p.from !== null && p.to !== null && p.from.slice(0, 7) === p.to.slice(0, 7);

/** A day from 2023 to 2026, leap years and month ends included; or an open end. */
const dateArb = fc.option(
  fc.integer({ min: 0, max: 4 * 366 }).map((n) => day('2023-01-01', n)),
  { nil: null, freq: 4 },
);

describe('a date range in parts', () => {
  it('covers the range exactly with days within a month, whole months and whole years', () => {
    fc.assert(
      fc.property(dateArb, dateArb, (a, b) => {
        const [from, to] = a !== null && b !== null && a > b ? [b, a] : [a, b];
        const parts = rangeParts(from, to);
        const range = { from, to };
        if (parts === null) {
          const oneTable = wholeMonths(range) && ((yearStart(from) && yearEnd(to)) || !holdsAWholeYear(range));
          expect(oneTable || !holdsAWholeMonth(from, to)).toBe(true);
          return;
        }
        expect(parts.length).toBeGreaterThan(1);
        expect(parts[0]!.from).toBe(from);
        expect(parts.at(-1)!.to).toBe(to);
        for (let i = 1; i < parts.length; i++) expect(parts[i]!.from).toBe(day(parts[i - 1]!.to!, 1));
        for (const p of parts) {
          if (p.from !== null && p.to !== null) expect(p.from <= p.to).toBe(true);
          const years = yearStart(p.from) && yearEnd(p.to) && (p.from === null || p.to === null || p.from < p.to);
          expect(withinAMonth(p) || wholeMonths(p) || years, JSON.stringify(p)).toBe(true);
          // As few rows as the tables allow: whole months never where whole years would do.
          if (!years) expect(holdsAWholeYear(p), JSON.stringify(p)).toBe(false);
        }
        expect(parts.some(wholeMonths)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts a year from the 15th into its edge days and the months between', () => {
    expect(rangeParts('2025-03-15', '2026-03-14')).toEqual([
      { from: '2025-03-15', to: '2025-03-31' },
      { from: '2025-04-01', to: '2026-02-28' },
      { from: '2026-03-01', to: '2026-03-14' },
    ]);
    expect(rangeParts('2023-12-15', '2025-03-10')).toEqual([
      { from: '2023-12-15', to: '2023-12-31' },
      { from: '2024-01-01', to: '2024-12-31' },
      { from: '2025-01-01', to: '2025-02-28' },
      { from: '2025-03-01', to: '2025-03-10' },
    ]);
    expect(rangeParts(null, '2024-03-10')).toEqual([
      { from: null, to: '2023-12-31' },
      { from: '2024-01-01', to: '2024-02-29' },
      { from: '2024-03-01', to: '2024-03-10' },
    ]);
    expect(rangeParts('2025-03-15', '2025-04-10')).toBeNull();
    expect(rangeParts('2025-03-01', '2025-04-30')).toBeNull();
    expect(rangeParts('2024-01-01', '2025-12-31')).toBeNull();
    expect(rangeParts(null, null)).toBeNull();
  });

  it('cuts whole months that hold a whole year into the year and the months beside it', () => {
    expect(rangeParts('2024-01-01', '2025-06-30')).toEqual([
      { from: '2024-01-01', to: '2024-12-31' },
      { from: '2025-01-01', to: '2025-06-30' },
    ]);
    expect(rangeParts('2023-11-01', '2025-02-28')).toEqual([
      { from: '2023-11-01', to: '2023-12-31' },
      { from: '2024-01-01', to: '2024-12-31' },
      { from: '2025-01-01', to: '2025-02-28' },
    ]);
    expect(rangeParts('2025-12-01', null)).toEqual([
      { from: '2025-12-01', to: '2025-12-31' },
      { from: '2026-01-01', to: null },
    ]);
  });
});
