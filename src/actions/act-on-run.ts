/**
 * One action on one run, recorded in the audit trail whatever its outcome: the use case a form on
 * the page calls, and the one a bulk job calls for each of its runs (with its `jobId`).
 *
 * - Cancel ends the run first, as Failed with "Cancelled by <user>", through the write API (so
 *   totals stay exact), then tells the host's scheduler. A run already finished — by a form sent
 *   twice, two users at once, or the scheduler — is skipped: nothing written, the host not told.
 *   If the host's cancel throws, the run stays Failed (a finished run never reopens; the
 *   scheduler's later writes to it are refused as already_finished) and the action is recorded
 *   failed with the host's message.
 * - Run again asks the host's scheduler for a new run of a finished one; the executionId it
 *   returns is recorded as the link between the two. A run not finished is skipped.
 */
import { randomUUID } from 'node:crypto';
import type { ActedRun, ActionRecord } from '../db/run-actions.js';
import { recordAction } from '../db/run-actions.js';
import type { ExecutionsDatabase } from '../db/database.js';
import type { RunActionKind } from '../db/schema.js';
import { shorten } from '../lib/format.js';
import { shownName } from '../list/saved-views.js';
import { cancelExecution } from '../write/run-lifecycle.js';
import { UUID } from '../write/checks.js';

/** The host's scheduler, as the use case calls it: `key` is unique to the action, for its idempotency keys. */
export interface Scheduler {
  runAgain?: (run: ActedRun, key: string) => Promise<{ executionId: string } | void>;
  cancel?: (run: ActedRun, key: string) => Promise<void>;
}

export interface Actor {
  id: string;
  name: string | null;
}

/** How much of the host's error the trail keeps. */
const REASON_LENGTH = 500;

const FINISHED = new Set(['completed', 'failed']);

/** The actions a run in `status` offers: Run again once it has finished, Cancel until then. */
export function actionsFor(status: string, scheduler: Scheduler): RunActionKind[] {
  if (FINISHED.has(status)) return scheduler.runAgain ? ['run_again'] : [];
  return scheduler.cancel ? ['cancel'] : [];
}

/** A user as the trail keeps them: their name as the host gave it, never a control character. */
export function actorOf(user: { id: string; name?: unknown }): Actor {
  return { id: user.id, name: shownName(user.name) || null };
}

const reasonOf = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  return shownName(text) === '' ? '—' : shorten(shownName(text), REASON_LENGTH).text;
};

export async function actOnRun(
  db: ExecutionsDatabase,
  organizationId: string,
  run: ActedRun,
  action: RunActionKind,
  actor: Actor,
  scheduler: Scheduler,
  cancelledBy: (user: string) => string,
  jobId: string | null = null,
): Promise<ActionRecord> {
  const id = randomUUID();
  // A job's key is the same each time it comes to the run, so that the host's scheduler, given the
  // key again after a crash cut a batch short between its call and the trail's row, acts only once.
  const key = jobId ? `executions-admin:job:${jobId}:${run.executionId}` : `executions-admin:${id}`;
  const record = (outcome: ActionRecord['outcome'], extra: Partial<ActionRecord> = {}): ActionRecord => ({
    id,
    at: new Date(),
    executionId: run.executionId,
    action,
    userId: actor.id,
    userName: actor.name,
    outcome,
    reason: null,
    newExecutionId: null,
    jobId,
    ...extra,
  });
  const outcome = await (async (): Promise<ActionRecord> => {
    if (action === 'cancel') {
      if (FINISHED.has(run.status)) return record('skipped');
      // Never before its start, even when the scheduler's clock ran ahead of this one's.
      const at = new Date(Math.max(Date.now(), run.startedAt.getTime()));
      const ended = await cancelExecution(db, organizationId, run.executionId, cancelledBy(actor.name ?? actor.id), at);
      if (!ended) return record('skipped');
      try {
        await scheduler.cancel?.(run, key);
        return record('succeeded');
      } catch (error) {
        return record('failed', { reason: reasonOf(error) });
      }
    }
    if (!FINISHED.has(run.status)) return record('skipped');
    try {
      const made = await scheduler.runAgain?.(run, key);
      const executionId = made && typeof made.executionId === 'string' && UUID.test(made.executionId) ? made.executionId : null;
      return record('succeeded', { newExecutionId: executionId });
    } catch (error) {
      return record('failed', { reason: reasonOf(error) });
    }
  })();
  await recordAction(db, organizationId, outcome);
  return outcome;
}
