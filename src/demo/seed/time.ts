/** Time units in milliseconds, how far back the seeded history goes, and ISO timestamps. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const HISTORY_DAYS = 90;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
