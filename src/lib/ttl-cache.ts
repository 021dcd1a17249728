/**
 * A small time-boxed memo for per-organization lookups that change rarely (its time zone, its
 * agents) but would otherwise cost a round trip on every request. Bounded, so a flood of
 * organization ids cannot grow it without limit; concurrent misses share one load.
 */
export function ttlCache<T, A extends unknown[] = []>(
  ttlMs: number,
  load: (key: string, ...rest: A) => Promise<T>,
  maxEntries = 1000,
) {
  const entries = new Map<string, { value: Promise<T>; expires: number }>();
  /** `rest` is what a miss loads with; a hit ignores it. */
  return (key: string, ...rest: A): Promise<T> => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    const value = load(key, ...rest);
    entries.set(key, { value, expires: now + ttlMs });
    // A failed load is not remembered: the next request tries again.
    value.catch(() => entries.delete(key));
    return value;
  };
}
