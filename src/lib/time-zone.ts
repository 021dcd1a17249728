/**
 * Calendar dates and times in the organization's time zone. Dates are shown and filtered as the
 * organization sees them, whatever zone the server or the database runs in.
 */
import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Zone names are few, but a host could pass any spelling: the cache never outgrows this. */
const MAX_FORMATTERS = 1000;

/** The zone's formatter, built once: building one is costly. Throws for an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Whether Intl knows the zone. Asked on every request; a known zone answers from the formatter
 * cache (constructing a DateTimeFormat each time was a measurable share of the server's CPU under
 * load).
 */
export function isTimeZone(name: string): boolean {
  if (formatters.has(name)) return true;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * dd/MM/yyyy HH:mm:ss in the zone by one cached Intl formatter per zone: date-fns with a TZDate
 * gives the same text (a test holds them equal) but costs far more a call. See docs/performance.md.
 */
function intlText(instant: Date, timeZone: string): string {
  const formatter = formatterFor(timeZone);
  // en-GB writes "08/03/2026, 14:05:09": format() and a slice cost much less than formatToParts().
  // Anything else (a year past 9999) goes the long way.
  const text = formatter.format(instant);
  if (text.length === 20 && text[10] === ',') return `${text.slice(0, 10)} ${text.slice(12)}`;
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of formatter.formatToParts(instant)) part[type] = value;
  return `${part.day}/${part.month}/${part.year} ${part.hour}:${part.minute}:${part.second}`;
}

/** From here on en-GB writes a year in four digits and no era, so its text gives the offset. */
const YEAR_1000 = Date.UTC(1000, 0, 1);
const YEAR_10000 = Date.UTC(10000, 0, 1);

/** The zone's offset in seconds read back from intlText's text of the instant, for years 1000–9999. */
function offsetOfText(text: string, at: number): number {
  const digits = (from: number, length = 2) => Number(text.slice(from, from + length));
  const local = Date.UTC(digits(6, 4), digits(3) - 1, digits(0), digits(11), digits(14), digits(17));
  return (local - Math.floor(at / 1000) * 1000) / 1000;
}

const HOUR = 3_600_000;
/**
 * By zone, the offset in force through each UTC hour whose first and last second have the same
 * one; null for an hour the offset changes in. No two changes of the tz database since 1900 are
 * within four days of each other (see utcOffsetChanges), so an hour whose ends agree has none. A
 * page names twenty runs, and a list's runs recur from one request to the next: an hour asked once
 * is arithmetic after, not an Intl call a run.
 */
const hourOffsets = new Map<string, Map<number, number | null>>();
/** Hours kept per zone: about a year's worth. Cleared when full, so no request grows it without bound. */
const HOURS_MAX = 10_000;

function hourOffset(at: number, timeZone: string): number | null {
  let hours = hourOffsets.get(timeZone);
  if (!hours) {
    if (hourOffsets.size >= MAX_FORMATTERS) hourOffsets.clear();
    hours = new Map();
    hourOffsets.set(timeZone, hours);
  }
  const hour = Math.floor(at / HOUR);
  let offset = hours.get(hour);
  if (offset === undefined) {
    const [first, last] = [hour * HOUR, hour * HOUR + HOUR - 1000];
    const before = offsetOfText(intlText(new Date(first), timeZone), first);
    offset = before === offsetOfText(intlText(new Date(last), timeZone), last) ? before : null;
    if (hours.size >= HOURS_MAX) hours.clear();
    hours.set(hour, offset);
  }
  return offset;
}

/** An instant to the second in the zone, "08/03/2026 14:05:09", and the zone's UTC offset then in seconds. */
export function localSecond(instant: Date, timeZone: string): { text: string; offset: number } {
  const at = instant.getTime();
  const offset = at >= YEAR_1000 + 86_400_000 && at < YEAR_10000 - 86_400_000 ? hourOffset(at, timeZone) : null;
  if (offset === null) {
    const text = intlText(instant, timeZone);
    return { text, offset: at < YEAR_1000 || text.length !== 19 ? utcOffsetAt(at, timeZone) : offsetOfText(text, at) };
  }
  const local = new Date(at + offset * 1000);
  const text =
    `${pad(local.getUTCDate(), 2)}/${pad(local.getUTCMonth() + 1, 2)}/${local.getUTCFullYear()} ` +
    `${pad(local.getUTCHours(), 2)}:${pad(local.getUTCMinutes(), 2)}:${pad(local.getUTCSeconds(), 2)}`;
  return { text, offset };
}

/** dd/MM/yyyy HH:mm, the page's one date-time format. */
export function formatDateTime(instant: Date, timeZone: string): string {
  return localSecond(instant, timeZone).text.slice(0, -3);
}

/** An instant in ISO 8601 to the second, as a `<time datetime>` gives it: milliseconds say nothing there. */
export function isoSecond(instant: Date): string {
  const iso = instant.toISOString();
  // Years 0–9999 ("2026-03-08T14:05:09.123Z"): a slice, where a regular expression cost more.
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d+Z$/, 'Z');
}

/** A UTC offset in seconds as "UTC+05:30", "UTC−03:00" (a minus sign, read as minus), seconds when it has them. */
export function formatUtcOffset(seconds: number): string {
  const abs = Math.abs(seconds);
  const hhmm = `${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor(abs / 60) % 60, 2)}`;
  return `UTC${seconds < 0 ? '\u2212' : '+'}${hhmm}${abs % 60 ? `:${pad(abs % 60, 2)}` : ''}`;
}

const zoneNames = new Map<string, string | null>();

/**
 * The zone's name in the locale's words, "Eastern Time", "Horário Padrão de Brasília"; null when
 * Intl knows it by its offset alone (Etc/GMT+3), which formatUtcOffset says better. The generic
 * name first, which holds all year; else the specific one, which is how CLDR names UTC.
 */
export function timeZoneName(timeZone: string, locale: string): string | null {
  const key = `${locale}\n${timeZone}`;
  let name = zoneNames.get(key);
  if (name === undefined) {
    const now = Date.now();
    const nameOf = (timeZoneName: 'longGeneric' | 'long' | 'longOffset' | 'shortOffset') =>
      new Intl.DateTimeFormat(locale, { timeZone, timeZoneName }).formatToParts(now).find((p) => p.type === 'timeZoneName')
        ?.value ?? '';
    const offsets = [nameOf('longOffset'), nameOf('shortOffset')];
    name = [nameOf('longGeneric'), nameOf('long')].find((n) => n !== '' && !offsets.includes(n)) ?? null;
    // Zones and locales come from the host, not from requests; still, never more than this.
    if (zoneNames.size >= MAX_FORMATTERS) zoneNames.clear();
    zoneNames.set(key, name);
  }
  return name;
}

/**
 * The calendar date (yyyy-MM-dd) an instant falls on in a time zone, from formatDateTime's text:
 * date-fns with a TZDate (held equal by a test) cost the server's main thread more under load.
 */
export function localDay(instant: Date, timeZone: string): string {
  const [day, month, rest] = formatDateTime(instant, timeZone).split('/');
  return `${rest!.slice(0, rest!.indexOf(' ')).padStart(4, '0')}-${month}-${day}`;
}

/*
 * Calendar dates (yyyy-MM-dd, already validated) by their digits. The page handles dozens a
 * request — the chart's buckets and their labels — and date-fns' parse() and format() were a
 * visible share of the server's main thread under load; a test holds these equal to them.
 */

/**
 * Whether yyyy-MM-dd digits name a day of the calendar (no 30 February): what isValid(parse(date,
 * 'yyyy-MM-dd')) says, read from the digits. Every request with a date filter asks it twice.
 */
export function isCalendarDate(date: string): boolean {
  const [year, month, day] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  const utc = new Date(0);
  // setUTCFullYear, unlike Date.UTC, takes years below 100 as they are.
  utc.setUTCFullYear(year, month - 1, day);
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
}

/** A calendar date as a local-midnight Date, for date-fns' calendar arithmetic: parse(date, 'yyyy-MM-dd'). */
export function dateOfDay(date: string): Date {
  const local = new Date(0);
  // setFullYear, not the Date constructor, which reads years 0–99 as 1900–1999.
  local.setFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  local.setHours(0, 0, 0, 0);
  return local;
}

/** A local Date's calendar date: format(date, 'yyyy-MM-dd'). */
export function dayOfDate(date: Date): string {
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1, 2)}-${pad(date.getDate(), 2)}`;
}

/** A calendar date (yyyy-MM-dd) as the page writes dates: dd/MM/yyyy. */
export function formatCalendarDate(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

const monthFormatters = new Map<string, Intl.DateTimeFormat>();

/** A calendar date's month and year as the locale names them: "November 2026", "novembro de 2026". */
export function formatCalendarMonth(date: string, locale: string): string {
  let formatter = monthFormatters.get(locale);
  if (!formatter) {
    // Locales come from the host's message tables, not from requests: a handful at most.
    formatter = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
    monthFormatters.set(locale, formatter);
  }
  const day = new Date(0);
  day.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, 1);
  return formatter.format(day);
}

/** A day and a half: local midnight is within 14 hours of UTC's, and within 4 days no offset changes twice. */
const AROUND_MIDNIGHT = 36 * HOUR;

/** The instant a calendar day (yyyy-MM-dd) begins in a time zone, DST included. */
export function startOfDayIn(date: string, timeZone: string): Date {
  const day = dateOfDay(date);
  const utc = new Date(0);
  utc.setUTCFullYear(day.getFullYear(), day.getMonth(), day.getDate());
  const utcMidnight = utc.getTime();
  // The zone's offset the same a day and a half either side: that offset all through, so local
  // midnight is UTC's shifted by it, without date-fns' TZDate (several Intl calls each time).
  const before = utcMidnight - AROUND_MIDNIGHT;
  const after = utcMidnight + AROUND_MIDNIGHT;
  if (before >= YEAR_1000 + 86_400_000 && after < YEAR_10000 - 86_400_000) {
    const offset = hourOffset(before, timeZone);
    if (offset !== null && offset === hourOffset(after, timeZone)) return new Date(utcMidnight - offset * 1000);
  }
  return new Date(new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), timeZone).getTime());
}

/** Half-open instants [from, before) covering inclusive calendar dates in a time zone. */
export function instantRange(
  startDate: string | null,
  endDate: string | null,
  timeZone: string,
): { from: Date | null; before: Date | null } {
  return {
    from: startDate ? startOfDayIn(startDate, timeZone) : null,
    before: endDate ? startOfDayIn(dayOfDate(addDays(dateOfDay(endDate), 1)), timeZone) : null,
  };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, in seconds, as Intl has it (old local mean times have seconds). */
export function utcOffsetAt(instant: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of formatter.formatToParts(instant)) part[type] = value;
  const local = new Date(0);
  // setUTCFullYear, unlike Date.UTC, takes years below 100 as they are.
  local.setUTCFullYear(part.era === 'BC' ? 1 - Number(part.year) : Number(part.year), Number(part.month) - 1, Number(part.day));
  local.setUTCHours(Number(part.hour), Number(part.minute), Number(part.second));
  return (local.getTime() - Math.floor(instant / 1000) * 1000) / 1000;
}

export interface OffsetChange {
  /** The first instant (ms) at the new offset. */
  at: number;
  /** Seconds east of UTC. */
  offset: number;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Before it every zone keeps its local mean time: the tz database's first changes are later. */
const MEAN_TIME_UNTIL = Date.UTC(1800, 0, 1);
/**
 * From it on, changes are the tz database's rules for the years ahead, none within four weeks of
 * the next (Morocco's Ramadan pauses are the closest): sampled weekly.
 */
const WEEKLY_FROM = Date.UTC(2040, 0, 1);
/**
 * From it on, each zone has no change of its own but its last rule's ("last Sunday of March"),
 * and the Gregorian calendar repeats every 400 years to the weekday (146,097 days, whole weeks):
 * so do the changes.
 */
const CYCLES_FROM = Date.UTC(2100, 0, 1);
const CYCLE_MS = 146_097 * DAY_MS;

/** The changes between samples `step` apart over [from, to], each bisected to its second, after `current`. */
function sampledChanges(
  timeZone: string,
  from: number,
  to: number,
  step: number,
  current: number,
  changes: OffsetChange[],
): number {
  for (let t = from; t < to; t = Math.min(t + step, to)) {
    const next = Math.min(t + step, to);
    const then = utcOffsetAt(next, timeZone);
    if (then === current) continue;
    // Changes fall on whole seconds: the last second at the old offset, the first at the new.
    let [before, after] = [Math.floor(t / 1000), Math.ceil(next / 1000)];
    while (after - before > 1) {
      const middle = Math.floor((before + after) / 2);
      if (utcOffsetAt(middle * 1000, timeZone) === current) before = middle;
      else after = middle;
    }
    changes.push({ at: after * 1000, offset: then });
    current = then;
  }
  return current;
}

/** A zone's changes over its first 400-year cycle from CYCLES_FROM, found once per zone. */
const cycles = new Map<string, OffsetChange[]>();
function cycleChanges(timeZone: string): OffsetChange[] {
  let changes = cycles.get(timeZone);
  if (!changes) {
    changes = [];
    sampledChanges(timeZone, CYCLES_FROM, CYCLES_FROM + CYCLE_MS, WEEK_MS, utcOffsetAt(CYCLES_FROM, timeZone), changes);
    cycles.set(timeZone, changes);
  }
  return changes;
}

/**
 * The zone's UTC offset at `from` and every change of it up to `to` (instants in ms), as Intl has
 * them: sampled daily from 1800, each change then bisected to its second. Daily is enough: no two
 * offset changes of the tz database are within four days of each other (the closest:
 * Africa/Freetown's, 95.7 hours apart in 1939). Weekly from 2040, and from 2100 the first 400 years'
 * changes repeated: a span to year 9999, which a run may be dated, is read in a fraction of a
 * second instead of seconds.
 */
export function utcOffsetChanges(timeZone: string, from: number, to: number): { offset: number; changes: OffsetChange[] } {
  const offset = utcOffsetAt(from, timeZone);
  const changes: OffsetChange[] = [];
  const bound = (limit: number) => Math.max(from, Math.min(limit, to));
  let current = sampledChanges(timeZone, from, bound(MEAN_TIME_UNTIL), Infinity, offset, changes);
  current = sampledChanges(timeZone, bound(MEAN_TIME_UNTIL), bound(WEEKLY_FROM), DAY_MS, current, changes);
  current = sampledChanges(timeZone, bound(WEEKLY_FROM), bound(CYCLES_FROM), WEEK_MS, current, changes);
  const start = bound(CYCLES_FROM);
  for (let shift = Math.floor((start - CYCLES_FROM) / CYCLE_MS) * CYCLE_MS; CYCLES_FROM + shift < to; shift += CYCLE_MS) {
    for (const change of cycleChanges(timeZone)) {
      const at = change.at + shift;
      if (at <= start || at > to || change.offset === current) continue;
      changes.push({ at, offset: change.offset });
      current = change.offset;
    }
  }
  return { offset, changes };
}
