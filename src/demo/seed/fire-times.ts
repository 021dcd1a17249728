/** When interval and trigger schedules fire, and how the runs are shared among schedules. */
import { TZDate } from '@date-fns/tz';
import { sum } from './formatting.js';
import type { Rng } from './rng.js';
import { DAY, HOUR, MINUTE } from './time.js';

export interface TimeWindow {
  from: number;
  to: number;
}

function parseDuration(expression: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(expression);
  if (!match) throw new Error(`Unsupported ISO 8601 duration: ${expression}`);
  const [, d, h, m] = match;
  const ms = Number(d ?? 0) * DAY + Number(h ?? 0) * HOUR + Number(m ?? 0) * MINUTE;
  if (ms <= 0) throw new Error(`Empty ISO 8601 duration: ${expression}`);
  return ms;
}

export function intervalFireTimes(expression: string, window: TimeWindow): number[] {
  const step = parseDuration(expression);
  const times: number[] = [];
  for (let t = Math.ceil(window.from / step) * step; t < window.to; t += step) times.push(t);
  return times;
}

/** A moment an event might happen: mostly business hours, fewer on weekends. */
export function eventTime(r: Rng, timeZone: string, window: TimeWindow): number {
  for (let attempt = 0; attempt < 30; attempt++) {
    const t = Math.floor(r.float(window.from, window.to));
    const local = new TZDate(t, timeZone);
    const hour = local.getHours();
    const weekend = local.getDay() === 0 || local.getDay() === 6;
    const weight = (hour >= 8 && hour < 19 ? 1 : hour >= 6 && hour < 22 ? 0.3 : 0.06) * (weekend ? 0.35 : 1);
    if (r.chance(weight)) return t;
  }
  return Math.floor(r.float(window.from, window.to));
}

/** Splits `total` by weight, never giving a slot more than its cap. */
export function allocate(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const counts = weights.map(() => 0);
  let remaining = total;
  let open = weights.map((_, i) => i).filter((i) => (weights[i] ?? 0) > 0 && (caps[i] ?? 0) > 0);
  while (remaining > 0 && open.length > 0) {
    const weightSum = sum(open.map((i) => weights[i] ?? 0));
    const budget = remaining;
    let given = 0;
    for (const i of open) {
      const want = Math.floor((budget * (weights[i] ?? 0)) / weightSum);
      const add = Math.min(want, (caps[i] ?? 0) - (counts[i] ?? 0));
      counts[i] = (counts[i] ?? 0) + add;
      given += add;
    }
    remaining -= given;
    if (given === 0) {
      for (const i of [...open].sort((a, b) => (weights[b] ?? 0) - (weights[a] ?? 0))) {
        if (remaining === 0) break;
        if ((counts[i] ?? 0) < (caps[i] ?? 0)) {
          counts[i] = (counts[i] ?? 0) + 1;
          remaining -= 1;
        }
      }
    }
    open = open.filter((i) => (counts[i] ?? 0) < (caps[i] ?? 0));
  }
  return counts;
}
