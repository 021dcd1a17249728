import { TZDate } from '@date-fns/tz';
import { format, isValid, parse } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.js';
import { ptBR } from '../src/i18n/pt-BR.js';
import {
  dateOfDay,
  dayOfDate,
  formatCalendarDate,
  formatDateTime,
  formatUtcOffset,
  isCalendarDate,
  isTimeZone,
  localDay,
  localSecond,
  startOfDayIn,
  timeZoneName,
  utcOffsetAt,
  utcOffsetChanges,
} from '../src/lib/time-zone.js';
import { timesIn } from '../src/list/view-model.js';

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

/** Intl's own parts of an instant in a zone, as an independent check of the module's text. */
const intlText = (instant: Date, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = Object.fromEntries(parts.map(({ type, value }) => [type, value]));
  return `${part.day}/${part.month}/${part.year} ${part.hour}:${part.minute}:${part.second}`;
};

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

  it('tells a day of the calendar from digits that name none, as date-fns does', () => {
    const digits = (n: number, max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));
    // Any year the filter asks about (from 1900), month 00–19 and day 00–39: 30 February, 31 April,
    // 29 February of a year not leap.
    const year = fc.integer({ min: 1900, max: 9999 }).map(String);
    const date = fc.tuple(year, digits(2, 19), digits(2, 39)).map(([y, m, d]) => `${y}-${m}-${d}`);
    const near = fc.tuple(fc.constantFrom('1900', '2000', '2024', '2025', '2100'), digits(2, 13), digits(2, 32));
    fc.assert(
      fc.property(
        fc.oneof(
          date,
          near.map(([y, m, d]) => `${y}-${m}-${d}`),
        ),
        (day) => {
          expect(isCalendarDate(day)).toBe(isValid(parse(day, 'yyyy-MM-dd', new Date())));
        },
      ),
      { numRuns: 5_000 },
    );
    expect([isCalendarDate('2024-02-29'), isCalendarDate('2025-02-29'), isCalendarDate('1900-02-29')]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('a moment to the second, and its UTC offset', () => {
  it('writes dd/MM/yyyy HH:mm:ss as date-fns does, the minutes shown being its beginning', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (instant, zone) => {
          const { text } = localSecond(instant, zone);
          expect(text).toBe(format(new TZDate(instant, zone), 'dd/MM/yyyy HH:mm:ss'));
          expect(text.slice(0, -3)).toBe(formatDateTime(instant, zone));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads the offset from the text as utcOffsetAt has it, for any instant JavaScript can hold', () => {
    fc.assert(
      fc.property(
        fc.date({ noInvalidDate: true }),
        fc.constantFrom(...ZONES, 'Africa/Monrovia', 'Europe/Amsterdam'),
        (instant, zone) => {
          expect(localSecond(instant, zone).offset).toBe(utcOffsetAt(instant.getTime(), zone));
        },
      ),
      { numRuns: 3000 },
    );
    // Either side of New York's spring change, and a local mean time with seconds.
    expect(localSecond(new Date('2026-03-08T06:59:59Z'), 'America/New_York')).toEqual({
      text: '08/03/2026 01:59:59',
      offset: -5 * 3600,
    });
    expect(localSecond(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toEqual({
      text: '08/03/2026 03:00:00',
      offset: -4 * 3600,
    });
    expect(localSecond(new Date('1900-06-01T12:00:00Z'), 'Africa/Monrovia').offset).toBe(-(43 * 60 + 8));
  });

  it('is exact either side of every offset change, in the hour it falls in and the hours around it', () => {
    // localSecond keeps each UTC hour's offset once both of its ends agree: this walks every change
    // of these zones from 1900 to 2050 (half-hour and 45-minute zones, local mean times with seconds),
    // against Intl's parts of each instant, and date-fns's from 1970 (its offsets have no seconds).
    const zones = [
      'America/New_York',
      'America/Sao_Paulo',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
      'Africa/Monrovia',
      'Asia/Tehran',
    ];
    let changes = 0;
    for (const zone of zones) {
      for (const change of utcOffsetChanges(zone, Date.UTC(1900, 0, 2), Date.UTC(2050, 0, 1)).changes) {
        changes += 1;
        const hour = Math.floor(change.at / 3_600_000) * 3_600_000;
        const instants = [change.at - 1000, change.at, change.at + 999, hour, hour + 3_599_999, hour - 1, hour + 3_600_000];
        // The hours around the change first, then the instants in its hour, so both orders fill the cache.
        for (const at of [...instants].reverse().concat(instants)) {
          const instant = new Date(at);
          const { text, offset } = localSecond(instant, zone);
          expect({ zone, at: instant.toISOString(), text, offset }).toEqual({
            zone,
            at: instant.toISOString(),
            text: intlText(instant, zone),
            offset: utcOffsetAt(at, zone),
          });
          if (at >= 0 && offset % 60 === 0) expect(text).toBe(format(new TZDate(instant, zone), 'dd/MM/yyyy HH:mm:ss'));
        }
      }
    }
    expect(changes).toBeGreaterThan(500);
  });

  it('finds where a day begins: its first second there, as date-fns has it where offsets are whole minutes', () => {
    const tzStart = (day: string, zone: string) => {
      const local = dateOfDay(day);
      return new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), zone).getTime();
    };
    const check = (day: string, zone: string) => {
      const start = startOfDayIn(day, zone);
      // Where no offset changes within a day and a half, its first second there (even at an offset
      // with seconds); where one does, date-fns' answer, as before (below).
      const midnight = Date.parse(`${day}T00:00:00Z`);
      if (utcOffsetChanges(zone, midnight - 36 * 3_600_000, midnight + 36 * 3_600_000).changes.length === 0) {
        const first = intlText(start, zone).slice(0, 10);
        const before = intlText(new Date(start.getTime() - 1000), zone).slice(0, 10);
        expect({ zone, day, first, before }).toEqual({
          zone,
          day,
          first: formatCalendarDate(day),
          before: expect.not.stringMatching(first),
        });
      }
      // date-fns drops the seconds of an offset (Monrovia's -00:44:30 until 1972).
      if (utcOffsetAt(start.getTime(), zone) % 60 === 0) expect(start.getTime()).toBe(tzStart(day, zone));
    };
    const zones = [...ZONES, 'America/Santiago', 'Asia/Beirut', 'America/Havana', 'Africa/Monrovia'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-03T00:00:00Z'), max: new Date('2199-12-30T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (instant, zone) => check(instant.toISOString().slice(0, 10), zone),
      ),
      { numRuns: 2_000 },
    );
    // Santiago, Beirut and Havana have changed their clocks at midnight: the day begins at the change.
    let days = 0;
    for (const zone of [
      'America/Santiago',
      'Asia/Beirut',
      'America/Havana',
      'America/New_York',
      'Australia/Lord_Howe',
      'Africa/Monrovia',
    ]) {
      for (const change of utcOffsetChanges(zone, Date.UTC(1900, 0, 4), Date.UTC(2040, 0, 1)).changes) {
        for (let d = -2; d <= 2; d += 1) {
          days += 1;
          check(new Date(change.at + d * 86_400_000).toISOString().slice(0, 10), zone);
        }
      }
    }
    expect(days).toBeGreaterThan(1000);
  });

  it('writes offsets as UTC±hh:mm with a minus sign, and seconds only when there are some', () => {
    expect([0, -3 * 3600, 5.5 * 3600, 13 * 3600 + 45 * 60, -(44 * 60 + 30), -1].map(formatUtcOffset)).toEqual([
      'UTC+00:00',
      'UTC\u221203:00',
      'UTC+05:30',
      'UTC+13:45',
      'UTC\u221200:44:30',
      'UTC\u221200:00:01',
    ]);
  });
});

describe('the zone the times are in, in words', () => {
  const at = (iso: string) => new Date(iso);
  it('names the zone as the locale does, with the offset in force at the moment asked', () => {
    expect(timesIn(at('2026-03-10T12:00:00Z'), 'America/Sao_Paulo', en)).toBe('Times in Brasilia Standard Time, UTC\u221203:00');
    expect(timesIn(at('2026-03-10T12:00:00Z'), 'America/Sao_Paulo', ptBR)).toBe(
      'Fuso horário: Horário Padrão de Brasília, UTC\u221203:00',
    );
    // Half and three-quarter hours, and Intl's older name of the zone (Asia/Calcutta).
    expect(timesIn(at('2026-03-10T12:00:00Z'), 'Asia/Kolkata', en)).toBe('Times in India Standard Time, UTC+05:30');
    expect(timesIn(at('2026-03-10T12:00:00Z'), 'Asia/Calcutta', en)).toBe('Times in India Standard Time, UTC+05:30');
    expect(timesIn(at('2026-03-10T12:00:00Z'), 'Asia/Kathmandu', en)).toBe('Times in Nepal Time, UTC+05:45');
    expect(timesIn(at('2026-06-10T12:00:00Z'), 'Pacific/Chatham', en)).toBe('Times in Chatham Time, UTC+12:45');
  });

  it('gives the offset of the moment asked on either side of a change, under one name all year', () => {
    // New York springs forward at 07:00 UTC on 8 March 2026 and falls back at 06:00 UTC on 1 November.
    expect(timesIn(at('2026-03-08T06:59:59Z'), 'America/New_York', en)).toBe('Times in Eastern Time, UTC\u221205:00');
    expect(timesIn(at('2026-03-08T07:00:00Z'), 'America/New_York', en)).toBe('Times in Eastern Time, UTC\u221204:00');
    expect(timesIn(at('2026-11-01T05:59:59Z'), 'America/New_York', en)).toBe('Times in Eastern Time, UTC\u221204:00');
    expect(timesIn(at('2026-11-01T06:00:00Z'), 'America/New_York', en)).toBe('Times in Eastern Time, UTC\u221205:00');
    // South of the equator summer is the other way round: Sydney leaves daylight time in April.
    expect(timesIn(at('2026-04-04T15:59:59Z'), 'Australia/Sydney', en)).toMatch(/, UTC\+11:00$/);
    expect(timesIn(at('2026-04-04T16:00:00Z'), 'Australia/Sydney', en)).toMatch(/, UTC\+10:00$/);
    expect(timesIn(at('2026-07-01T12:00:00Z'), 'Europe/London', en)).toBe('Times in United Kingdom Time, UTC+01:00');
    expect(timesIn(at('2026-12-01T12:00:00Z'), 'Europe/London', en)).toBe('Times in United Kingdom Time, UTC+00:00');
  });

  it('names UTC in words, and a zone Intl knows by its offset alone by that offset only', () => {
    expect(timesIn(at('2026-03-10T12:00:00Z'), 'UTC', en)).toBe('Times in Coordinated Universal Time, UTC+00:00');
    expect(timesIn(at('2026-03-10T12:00:00Z'), 'Etc/UTC', ptBR)).toBe('Fuso horário: Horário Universal Coordenado, UTC+00:00');
    expect(timesIn(at('2026-03-10T12:00:00Z'), 'Etc/GMT+3', en)).toBe('Times in UTC\u221203:00');
    expect(timesIn(at('2026-03-10T12:00:00Z'), 'Etc/GMT-14', ptBR)).toBe('Fuso horário: UTC+14:00');
  });

  it('knows no zone Intl does not: the module reads such a zone as UTC before anything is written in it', () => {
    for (const zone of ['Mars/Olympus_Mons', '', '<script>', 'America/Sao_Paulo\u0000', '+05:30']) {
      expect(isTimeZone(zone), zone).toBe(false);
      expect(() => timeZoneName(zone, 'en'), zone).toThrow(RangeError);
    }
  });
});

describe('a zone’s offset changes over any span a run may be dated in', () => {
  const DAY = 86_400_000;
  const CYCLE = 146_097 * DAY;
  const utc = (year: number, month = 0, day = 1) => new Date(0).setUTCFullYear(year, month, day);
  /** As utcOffsetChanges found them before 2026-12-06: every day sampled, each change bisected. */
  function dailyChanges(zone: string, from: number, to: number) {
    const changes: { at: number; offset: number }[] = [];
    let current = utcOffsetAt(from, zone);
    for (let t = from; t < to; t += DAY) {
      const then = utcOffsetAt(t + DAY, zone);
      if (then === current) continue;
      let [before, after] = [t / 1000, (t + DAY) / 1000];
      while (after - before > 1) {
        const middle = Math.floor((before + after) / 2);
        if (utcOffsetAt(middle * 1000, zone) === current) before = middle;
        else after = middle;
      }
      changes.push({ at: after * 1000, offset: then });
      current = then;
    }
    return changes;
  }

  it('finds from 2040 on, sampled weekly and by 400-year cycles, what a daily sampling finds', () => {
    for (const zone of ['Europe/Berlin', 'Australia/Lord_Howe', 'Africa/Casablanca', 'America/Santiago']) {
      const [from, to] = [utc(2030), utc(2130)];
      expect(utcOffsetChanges(zone, from, to).changes, zone).toEqual(dailyChanges(zone, from, to));
    }
    // Across the end of the first cycle, and of the second into the third.
    for (const [zone, from, to] of [
      ['Europe/Berlin', utc(2480), utc(2530)],
      ['Australia/Lord_Howe', utc(2880), utc(2920)],
    ] as const) {
      expect(utcOffsetChanges(zone, from, to).changes, zone).toEqual(dailyChanges(zone, from, to));
    }
  });

  it('rests on what Intl has for every zone: local mean time before 1800, a 400-year cycle from 2100', () => {
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      expect(utcOffsetAt(utc(1), zone), zone).toBe(utcOffsetAt(utc(1800) - 1000, zone));
      for (let day = 0; day < 146_097; day += 3_653) {
        const at = utc(2100) + day * DAY + 43_200_000;
        expect([utcOffsetAt(at + CYCLE, zone), utcOffsetAt(at + 19 * CYCLE, zone)], zone).toEqual([
          utcOffsetAt(at, zone),
          utcOffsetAt(at, zone),
        ]);
      }
    }
  });

  it('reads the span from year 1 to 9999 in a fraction of the time the daily sampling took', () => {
    const started = performance.now();
    const { changes } = utcOffsetChanges('Europe/Berlin', utc(1), utc(9999, 11, 31));
    expect(performance.now() - started).toBeLessThan(5_000);
    // Twice a year from 1980 (and some wartime years before), to the last year.
    expect(changes.length).toBeGreaterThan(2 * (9999 - 1980));
    expect(new Date(changes.at(-1)!.at).getUTCFullYear()).toBe(9999);
  });
});
