/**
 * A request's deadline for its database work. The connect and statement timeouts bound each
 * query, but not the wait for a free connection: with the pool busy connecting to a database
 * that never answers, queued queries waited one connect timeout after another. Every read a
 * request awaits is raced against one timer started with the request, so the request answers
 * 503 when it runs out, however many wait before it. The query that lost the race is left to
 * finish or fail on its own; nothing is written back to the response then.
 */

/**
 * The driver's default connect and statement timeouts (database.ts): no request waits longer than
 * one of them would, and of a 3 s bound a second is left for the response on a busy machine
 * (2.5 s left too little here: queued requests answered at up to 3.1 s with both cores loaded).
 */
export const DEFAULT_DEADLINE_MS = 2_000;

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
  /** The request is answered: stop the timer. */
  clear(): void;
}

export function startDeadline(ms: number): Deadline {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(ms)), ms);
  });
  // Expiring while no read is awaited (the request is rendering) is no failure of its own.
  expired.catch(() => {});
  return {
    // The race subscribes to `work`, so its later rejection is handled, never an unhandled one.
    within: (work) => Promise.race([work, expired]),
    clear: () => clearTimeout(timer),
  };
}
