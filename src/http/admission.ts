/**
 * Admission by kind of request. Each kind (the list and digest, exports, conversations) may have
 * a few requests reading the database at once, and a few more waiting; beyond that it is refused
 * at once with 503. A flood of one kind — slow list queries stuck behind a lock, say — then holds
 * at most its own share of the connection pool, and the other kinds, and the host's writes on the
 * same pool, still get connections.
 *
 * A slot is held until the request's reads settle, not until it answers: a request past its
 * deadline has answered 503 already, but its query still holds a connection until it ends.
 */

/** More requests of this kind are waiting than the queue holds. */
export class OverloadedError extends Error {
  constructor(readonly kind: string) {
    super(`too many ${kind} requests are waiting for the database`);
    this.name = 'OverloadedError';
  }
}

export interface AdmissionLimit {
  /** Requests of the kind reading at once. */
  concurrent: number;
  /** Requests of the kind waiting for a turn; more are refused. */
  queued: number;
}

/** Whose request may give up waiting (a deadline): its signal is read only if it must wait. */
export interface Abortable {
  readonly signal: AbortSignal;
}

export interface Admission {
  /** Waits for a turn (or refuses), runs `work`, and frees the turn when `work` settles. */
  run<T>(work: () => Promise<T>, waiter: Abortable): Promise<T>;
  /** Waits for a turn (or refuses); the caller frees it, once, with the function returned. */
  enter(waiter: Abortable): Promise<() => void>;
}

export function admission(kind: string, { concurrent, queued }: AdmissionLimit): Admission {
  let active = 0;
  const waiting = new Set<() => void>();

  const leave = () => {
    const [next] = waiting;
    if (next) {
      waiting.delete(next);
      next();
    } else active -= 1;
  };

  const enter = (waiter: Abortable): Promise<() => void> => {
    const once = () => {
      let left = false;
      return () => {
        if (!left) leave();
        left = true;
      };
    };
    if (active < concurrent) {
      active += 1;
      return Promise.resolve(once());
    }
    if (waiting.size >= queued) return Promise.reject(new OverloadedError(kind));
    const { signal } = waiter;
    return new Promise((resolve, reject) => {
      // A request that gave up (its deadline passed) leaves the queue rather than read for no one.
      const abandon = () => {
        waiting.delete(admit);
        reject(signal.reason);
      };
      const admit = () => {
        signal.removeEventListener('abort', abandon);
        resolve(once());
      };
      if (signal.aborted) return abandon();
      waiting.add(admit);
      signal.addEventListener('abort', abandon, { once: true });
    });
  };

  return {
    enter,
    async run(work, waiter) {
      const exit = await enter(waiter);
      try {
        return await work();
      } finally {
        exit();
      }
    },
  };
}

/**
 * A stream read in a turn: `work` starts once the turn is granted, and the turn is freed when the
 * stream ends, fails or is cancelled — or, if the request gave up before it began, at once.
 */
export async function streamInTurn<T>(
  turns: Admission,
  waiter: Abortable,
  work: () => Promise<ReadableStream<T>>,
): Promise<ReadableStream<T>> {
  const exit = await turns.enter(waiter);
  let stream: ReadableStream<T>;
  try {
    stream = await work();
  } catch (error) {
    exit();
    throw error;
  }
  const { signal } = waiter;
  if (signal.aborted) {
    exit();
    await stream.cancel(signal.reason);
    throw signal.reason;
  }
  const reader = stream.getReader();
  return new ReadableStream<T>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          exit();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        exit();
        controller.error(error);
      }
    },
    cancel(reason) {
      exit();
      return reader.cancel(reason);
    },
  });
}
