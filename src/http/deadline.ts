/**
 * A request's deadline for its database work. The connect and statement timeouts bound each
 * query, but not the wait for a free connection: with the pool busy connecting to a database
 * that never answers, queued queries waited one connect timeout after another. Every read a
 * request awaits is raced against one timer started with the request, so the request answers
 * 503 when it runs out, however many wait before it. The query that lost the race is left to
 * finish or fail on its own; nothing is written back to the response then.
 */

/**
 * Shorter than the driver's default connect and statement timeouts (database.ts, 2 s), so that of
 * a 3 s bound 1.5 s is left for the response on a starved machine: with a longer deadline and
 * other work holding both cores, the last of a burst of queued requests reached the client past
 * the bound, though the module had answered each within it. See docs/performance.md.
 */
export const DEFAULT_DEADLINE_MS = 1_500;

/** The request ran out of time waiting for the database. */
export class DeadlineExceededError extends Error {
  constructor(readonly ms: number) {
    super(`the request waited more than ${ms} ms for the database`);
    this.name = 'DeadlineExceededError';
  }
}

/** Resolves as `work` does, or rejects with DeadlineExceededError once the deadline has passed. */
export type Within = <T>(work: Promise<T>) => Promise<T>;

export interface Deadline {
  within: Within;
  /** Aborted, with DeadlineExceededError, when the deadline passes. */
  signal: AbortSignal;
  /** The request is answered: stop the timer. */
  clear(): void;
}

export function startDeadline(ms: number): Deadline {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Made only for a request that waits its turn: most never do, and a controller per request is
  // a measurable cost on the server's busiest path.
  let controller: AbortController | undefined;
  let error: DeadlineExceededError | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      error = new DeadlineExceededError(ms);
      controller?.abort(error);
      reject(error);
    }, ms);
  });
  // Expiring while no read is awaited (the request is rendering) is no failure of its own.
  expired.catch(() => {});
  return {
    // The race subscribes to `work`, so its later rejection is handled, never an unhandled one.
    within: (work) => Promise.race([work, expired]),
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (error) controller.abort(error);
      }
      return controller.signal;
    },
    clear: () => clearTimeout(timer),
  };
}
