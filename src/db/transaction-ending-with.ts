/**
 * A transaction whose last statement goes to Postgres together with the commit. The write API's last
 * statements take the locks that concurrent writers queue on (a run's count rows, by the counting
 * trigger): sent with the commit, those locks are held while Postgres commits, and not also while
 * the answer travels to the writer and the commit travels back. That is one wait fewer for the
 * writer too. A failed last statement leaves the transaction failed, and Postgres answers a commit
 * of a failed transaction by rolling it back: nothing is kept, and the call throws that statement's
 * error. The body sends its last statement before it returns, so the driver has it before the
 * commit, which follows the body's return; should a driver ever let the commit overtake it,
 * test/recorder.test.ts's atomic finishes fail.
 */
import type { ExecutionsDatabase } from './database.js';

/** What the transaction's body gives back: its value, and its last statement, sent but not awaited. */
export interface Ending<T> {
  value: T;
  last?: Promise<unknown>;
}

export async function transactionEndingWith<T>(
  db: ExecutionsDatabase,
  body: (tx: ExecutionsDatabase) => Promise<Ending<T>>,
): Promise<T> {
  let lastOutcome: Promise<{ failed: false } | { failed: true; error: unknown }> | undefined;
  const lastFailure = async () => {
    const outcome = await lastOutcome;
    return outcome?.failed ? outcome : undefined;
  };
  const committed = db.transaction(async (tx) => {
    const { value, last } = await body(tx);
    // Handled at once, so that its failure is never unhandled, and thrown once the commit is back.
    lastOutcome = last?.then(
      () => ({ failed: false }),
      (error: unknown) => ({ failed: true, error }),
    );
    return value;
  });
  // PGlite reports a commit that rolled back as an error of its own: the statement's says why.
  const value = await committed.catch(async (error: unknown) => {
    throw (await lastFailure())?.error ?? error;
  });
  const failure = await lastFailure();
  if (failure) throw failure.error;
  return value;
}
