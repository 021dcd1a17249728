/** Cron schedules' fire times, so the seeded history follows each schedule's expression. */
import { TZDate } from '@date-fns/tz';
import type { TimeWindow } from './fire-times.js';
import { DAY } from './time.js';

function parseCronField(field: string, min: number, max: number): Set<number> | null {
  if (field === '*') return null;
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '*', stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let lo = min;
    let hi = max;
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      lo = Number(a);
      hi = b !== undefined ? Number(b) : stepText ? max : lo;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

/** Fire times of a five-field cron expression in a time zone within a window (ms). */
export function cronFireTimes(expression: string, timeZone: string, window: TimeWindow): number[] {
  const [minuteF = '0', hourF = '0', domF = '*', monthF = '*', dowF = '*'] = expression.split(' ');
  const minutes = [...(parseCronField(minuteF, 0, 59) ?? [0])];
  const hours = [...(parseCronField(hourF, 0, 23) ?? Array.from({ length: 24 }, (_, h) => h))];
  const doms = parseCronField(domF, 1, 31);
  const months = parseCronField(monthF, 1, 12);
  const dows = parseCronField(dowF, 0, 6);
  const times: number[] = [];
  const first = new TZDate(window.from - DAY, timeZone);
  // Walking local noons keeps the day sequence right across DST changes.
  let day = new TZDate(first.getFullYear(), first.getMonth(), first.getDate(), 12, timeZone);
  while (day.getTime() < window.to + DAY) {
    const matches =
      (!doms || doms.has(day.getDate())) && (!months || months.has(day.getMonth() + 1)) && (!dows || dows.has(day.getDay()));
    if (matches) {
      for (const h of hours) {
        for (const m of minutes) {
          const t = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), h, m, timeZone).getTime();
          if (t >= window.from && t < window.to) times.push(t);
        }
      }
    }
    day = new TZDate(day.getFullYear(), day.getMonth(), day.getDate() + 1, 12, timeZone);
  }
  return times.sort((a, b) => a - b);
}
