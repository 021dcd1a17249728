/**
 * Retention: an organization keeps its finished runs for a number of days, and a pruning job
 * removes the older ones with their conversations and steps. Each batch is one transaction, so the
 * count tables' triggers take every removed run out of the totals in the same commit that removes
 * it: a reader sees the runs and their totals change together. Nothing records the job's place: the
 * expired runs are the place, so a job stopped anywhere (a crash, a deploy, an abort) resumes by
 * running again. Unfinished runs are kept whatever their age — the scheduler may still write them.
 */
import { and, asc, count, eq, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import {
  conversations,
  executionDailyCounts,
  executionMonthlyCounts,
  executionOrgDailyCounts,
  executionOrgMonthlyCounts,
  executionFailureCounts,
  executionFailureMonthlyCounts,
  executionFailureYearlyCounts,
  executions,
  executionStatusCounts,
  MAX_RETENTION_DAYS,
  organizations,
  steps,
} from '../db/schema.js';
import { checkDate, checkOrganizationId } from './checks.js';
import { invalid, RecorderError } from './errors.js';

const DAY_MS = 86_400_000;
/** Runs per transaction: small enough that its locks on count rows are brief. */
export const DEFAULT_PRUNE_BATCH = 500;

/** Keeps the organization's finished runs for `days` days (1 to 36,500), or for ever with null. */
export async function setRetention(db: ExecutionsDatabase, organizationId: string, days: number | null): Promise<void> {
  const orgId = checkOrganizationId(organizationId);
  if (days !== null && !(Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS)) {
    throw invalid(`retentionDays must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or null`);
  }
  const updated = await db
    .update(organizations)
    .set({ retentionDays: days })
    .where(eq(organizations.organizationId, orgId))
    .returning({ id: organizations.organizationId });
  if (updated.length === 0) throw new RecorderError('not_found', `Organization ${orgId} was not found`);
}

export interface PruneProgress {
  organizationId: string;
  /** Runs removed from this organization so far by this job. */
  pruned: number;
  /** Expired runs left, as counted when the job reached the organization less those removed since. */
  remaining: number;
}

export interface PruneOptions {
  /** Only this organization; by default every organization with a retention. */
  organizationId?: string;
  /** The moment retention is measured from; default now. */
  now?: Date;
  batchSize?: number;
  /** Milliseconds to wait between batches, so that a long job leaves the database to the page. */
  pauseMs?: number;
  /** Stops the job between batches; what was pruned stays pruned and a later job goes on. */
  signal?: AbortSignal;
  /** After every batch. */
  onProgress?: (progress: PruneProgress) => void;
}

export interface PruneResult {
  /** Runs removed, by organization, for each organization with a retention. */
  pruned: Record<string, number>;
  /** False when the signal stopped the job early. */
  finished: boolean;
}

/** Removes every expired run with its conversation and steps, batch by batch. */
export async function pruneExpiredRuns(db: ExecutionsDatabase, options: PruneOptions = {}): Promise<PruneResult> {
  const now = options.now ?? new Date();
  checkDate(now, 'now');
  const batchSize = options.batchSize ?? DEFAULT_PRUNE_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw invalid('batchSize must be a whole number from 1 to 10000');
  }
  const only = options.organizationId === undefined ? undefined : checkOrganizationId(options.organizationId);
  const kept = await db
    .select({ id: organizations.organizationId, days: organizations.retentionDays })
    .from(organizations)
    .where(and(isNotNull(organizations.retentionDays), only === undefined ? undefined : eq(organizations.organizationId, only)))
    .orderBy(asc(organizations.organizationId));

  const result: PruneResult = { pruned: {}, finished: true };
  for (const { id, days } of kept) {
    const cutoff = new Date(now.getTime() - days! * DAY_MS);
    const expired = and(
      eq(executions.organizationId, id),
      isNotNull(executions.scheduleId),
      lt(executions.startedAt, cutoff),
      inArray(executions.status, ['completed', 'failed']),
    );
    const [counted] = await db.select({ n: count() }).from(executions).where(expired);
    let remaining = counted?.n ?? 0;
    let pruned = 0;
    result.pruned[id] = 0;
    while (remaining > 0) {
      if (options.signal?.aborted) return { ...result, finished: false };
      const removed = await pruneBatch(db, id, expired, batchSize);
      if (removed === 0) break;
      pruned += removed;
      remaining = Math.max(0, remaining - removed);
      result.pruned[id] = pruned;
      options.onProgress?.({ organizationId: id, pruned, remaining });
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
    if (pruned > 0) await dropEmptyCounts(db, id);
  }
  return result;
}

/**
 * Count rows the pruned runs left at zero, one per day (or month) and keys: once per
 * organization and job rather than per batch, which would read all of its count rows each time. A
 * row a writer has just counted into again is no longer at zero when the delete reaches it.
 */
async function dropEmptyCounts(db: ExecutionsDatabase, organizationId: string): Promise<void> {
  const tables = [
    executionDailyCounts,
    executionMonthlyCounts,
    executionStatusCounts,
    executionOrgDailyCounts,
    executionOrgMonthlyCounts,
    executionFailureCounts,
    executionFailureMonthlyCounts,
    executionFailureYearlyCounts,
  ];
  for (const table of tables) {
    await db.delete(table).where(and(eq(table.organizationId, organizationId), eq(table.runs, 0)));
  }
}

/**
 * One batch, oldest first: the runs (their delete trigger takes them out of the count tables),
 * then their steps and conversations. Runs another job has locked are skipped rather than waited for.
 */
async function pruneBatch(
  db: ExecutionsDatabase,
  organizationId: string,
  expired: SQL | undefined,
  batchSize: number,
): Promise<number> {
  return db.transaction(async (tx) => {
    // Each run deleted moves a daily, a monthly and a status count row, so two jobs' batches take
    // shared count rows in different orders and could deadlock: one batch of an organization at a time.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`executions_admin.prune:${organizationId}`}))`);
    const doomed = await tx
      .select({ id: executions.id, conversationId: executions.conversationId })
      .from(executions)
      .where(expired)
      .orderBy(asc(executions.startedAt))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (doomed.length === 0) return 0;
    const ids = doomed.map((run) => run.id);
    const conversationIds = doomed.map((run) => run.conversationId);
    await tx.delete(executions).where(and(eq(executions.organizationId, organizationId), inArray(executions.id, ids)));
    await tx.delete(steps).where(and(eq(steps.organizationId, organizationId), inArray(steps.conversationId, conversationIds)));
    await tx
      .delete(conversations)
      .where(and(eq(conversations.organizationId, organizationId), inArray(conversations.id, conversationIds)));
    return doomed.length;
  });
}
