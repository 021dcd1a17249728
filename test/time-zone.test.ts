import { TZDate } from '@date-fns/tz';
import { format, parse } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateOfDay, dayOfDate, formatCalendarDate, formatDateTime, localDay } from '../src/lib/time-zone.js';

const ZONES = [
  'UTC',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/Sao_Paulo',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
];

describe('formatDateTime', () => {
  it('writes dd/MM/yyyy HH:mm in the zone, as date-fns does, for any instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (instant, zone) => {
          expect(formatDateTime(instant, zone)).toBe(format(new TZDate(instant, zone), 'dd/MM/yyyy HH:mm'));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the same calendar day as date-fns does, for any instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (instant, zone) => {
          expect(localDay(instant, zone)).toBe(format(new TZDate(instant, zone), 'yyyy-MM-dd'));
        },
      ),
      { numRuns: 2000 },
    );
    expect(localDay(new Date('2026-03-07T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-03-07');
    expect(localDay(new Date('2026-03-07T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-03-08');
  });

  it('crosses midnight and DST exactly', () => {
    expect(formatDateTime(new Date('2026-03-08T06:59:00Z'), 'America/New_York')).toBe('08/03/2026 01:59');
    expect(formatDateTime(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toBe('08/03/2026 03:00');
    expect(formatDateTime(new Date('2026-03-07T18:30:00Z'), 'Asia/Kolkata')).toBe('08/03/2026 00:00');
  });
});

describe('calendar dates by their digits', () => {
  it('read, write and show any yyyy-MM-dd date as date-fns does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }),
        (instant) => {
          const day = instant.toISOString().slice(0, 10);
          const parsed = parse(day, 'yyyy-MM-dd', new Date());
          expect(dateOfDay(day).getTime()).toBe(parsed.getTime());
          expect(dayOfDate(parsed)).toBe(format(parsed, 'yyyy-MM-dd'));
          expect(dayOfDate(dateOfDay(day))).toBe(day);
          expect(formatCalendarDate(day)).toBe(format(parsed, 'dd/MM/yyyy'));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
