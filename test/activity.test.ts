import { describe, expect, it } from 'vitest';
import { activityRange, bucketsOf, MAX_BARS } from '../src/list/activity.js';

describe('the activity chart’s calendar', () => {
  it('spans the filter’s dates, cut to the first run and to today', () => {
    expect(activityRange(null, null, '2026-10-01', '2026-11-29')).toEqual({ from: '2026-10-01', to: '2026-11-29', unit: 'day' });
    expect(activityRange('2020-01-01', '5791-03-07', '2026-10-01', '2026-11-29')).toEqual({
      from: '2026-10-01',
      to: '2026-11-29',
      unit: 'day',
    });
    expect(activityRange(null, null, null, '2026-11-29')).toEqual({ from: '2026-11-29', to: '2026-11-29', unit: 'day' });
    // Wholly in the future: the filter as given.
    expect(activityRange('2030-01-01', '2030-01-03', '2026-10-01', '2026-11-29')).toEqual({
      from: '2030-01-01',
      to: '2030-01-03',
      unit: 'day',
    });
  });

  it('groups by week, month and year as the range grows, never past MAX_BARS bars but for centuries', () => {
    const unit = (from: string) => activityRange(from, '2026-11-29', null, '2026-11-29').unit;
    expect(unit('2026-09-29')).toBe('day'); // 62 days
    expect(unit('2026-09-28')).toBe('week');
    expect(unit('2025-06-01')).toBe('month');
    expect(unit('2010-01-01')).toBe('year');
    for (const from of ['2026-09-29', '2026-09-28', '2025-09-01', '2021-11-01', '2010-01-01']) {
      expect(bucketsOf(activityRange(from, '2026-11-29', null, '2026-11-29')).length).toBeLessThanOrEqual(MAX_BARS);
    }
    expect(bucketsOf(activityRange('1900-01-01', '2026-11-29', '1900-01-01', '2026-11-29'))).toHaveLength(127);
  });

  it('ends at the last day a date filter accepts, 9999-12-31, by day, week, month and year', () => {
    // The day after it is written 10000-01-01, which sorts before it as text: compared so, the
    // calendar never ended, and a page filtered to those days ran out of memory.
    const last = (unit: 'day' | 'week' | 'month' | 'year', from: string) => bucketsOf({ from, to: '9999-12-31', unit });
    expect(last('day', '9999-12-01')).toHaveLength(31);
    expect(last('week', '9999-11-01').at(-1)).toEqual({ key: '9999-12-27', start: '9999-12-27', end: '9999-12-31' });
    expect(
      last('month', '9998-01-15')
        .map((b) => b.end)
        .at(-1),
    ).toBe('9999-12-31');
    expect(last('year', '9950-06-01')).toHaveLength(50);
    expect(bucketsOf(activityRange('9999-12-01', '9999-12-31', '2026-01-01', '2026-12-06'))).toHaveLength(31);
  });

  it('keys weeks by Monday, as date_trunc does, and clips the first and last to the range', () => {
    const buckets = bucketsOf({ from: '2026-11-04', to: '2026-11-29', unit: 'week' });
    expect(buckets[0]).toEqual({ key: '2026-11-02', start: '2026-11-04', end: '2026-11-08' });
    expect(buckets.at(-1)).toEqual({ key: '2026-11-23', start: '2026-11-23', end: '2026-11-29' });
    expect(bucketsOf({ from: '2026-01-15', to: '2026-03-10', unit: 'month' }).map((b) => [b.start, b.end])).toEqual([
      ['2026-01-15', '2026-01-31'],
      ['2026-02-01', '2026-02-28'],
      ['2026-03-01', '2026-03-10'],
    ]);
  });
});
