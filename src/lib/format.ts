/** Numbers and spans of time as the page writes them (en-GB). */

const countFormat = new Intl.NumberFormat('en-GB');

/**
 * A count as en-GB writes it ("1,234,567"), without Intl for safe integers: a page with its chart
 * formats a hundred and more, and grouping the digits costs a fraction of Intl's call. Anything
 * else (or -0, which Intl writes "-0") goes to Intl.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return countFormat.format(n);
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

const creditsFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

export function formatCredits(credits: number): string {
  return creditsFormat.format(credits);
}

const ratioFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A ratio to one decimal: "4.2". */
export function formatRatio(ratio: number): string {
  return ratioFormat.format(ratio);
}

/** A span of time as people say it: "40 s", "14 min", "2 h 5 min", "3 days". */
export function formatSpan(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

/**
 * `text` cut to its first `length` characters, counted as code points so that no emoji is split,
 * with an ellipsis when it went on.
 */
export function shorten(text: string, length: number): { text: string; cut: boolean } {
  // Cheap for the usual short text: a string no longer in UTF-16 units has no more code points.
  if (text.length <= length) return { text, cut: false };
  const points = Array.from(text.slice(0, 2 * length + 2));
  if (points.length <= length) return { text, cut: false };
  return { text: `${points.slice(0, length).join('')}…`, cut: true };
}
