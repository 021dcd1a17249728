/**
 * Bulk jobs' reads and writes. Every statement is scoped by the organization. A job's filters are
 * its stored query string, parsed again here each time: whatever the row holds, only the list's own
 * conditions reach the SQL, with their values bound.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { filtersFor, listConditions } from '../list/filter-set.js';
import { listBindings } from '../list/page-query.js';
import { parseExecutionQuery } from '../list/query.js';
import { asParameters } from '../db/prepared.js';
import type { ExecutionsDatabase } from '../db/database.js';
import { actedRunColumns, scheduled, type ActedRun } from '../db/run-actions.js';
import { bulkJobs, executions, runActions, type JobStatus, type RunActionKind } from '../db/schema.js';

/** The failures a job's report lists, with their reasons. */
export const REPORTED_FAILURES = 100;

export interface BulkJob {
  id: string;
  action: RunActionKind;
  query: string;
  userId: string;
  userName: string | null;
  status: JobStatus;
  total: number;
  succeeded: number;
  skipped: number;
  failed: number;
  createdAt: Date;
  updatedAt: Date;
}

const jobColumns = {
  id: bulkJobs.id,
  action: bulkJobs.action,
  query: bulkJobs.query,
  userId: bulkJobs.userId,
  userName: bulkJobs.userName,
  status: bulkJobs.status,
  total: bulkJobs.total,
  succeeded: bulkJobs.succeeded,
  skipped: bulkJobs.skipped,
  failed: bulkJobs.failed,
  createdAt: bulkJobs.createdAt,
  updatedAt: bulkJobs.updatedAt,
};

/** The conditions of the runs a query string keeps, of the organization, in its time zone. */
function filteredRuns(organizationId: string, query: string, timeZone: string) {
  const filters = filtersFor(parseExecutionQuery(new URLSearchParams(query)).query, timeZone);
  return listConditions(filters, asParameters(listBindings(organizationId, filters)));
}

/** How many runs the query keeps now: the count the confirmation states and the job's whole. */
export async function countFiltered(
  db: ExecutionsDatabase,
  organizationId: string,
  query: string,
  timeZone: string,
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(executions)
    .where(filteredRuns(organizationId, query, timeZone));
  return Number(row?.n ?? 0);
}

export type CreatedJob = { job: BulkJob } | { busy: string };

const UNIQUE_VIOLATION = '23505';

/** A key refused the row, whichever driver says so (postgres.js directly, drizzle in its cause). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

/** A queued job, or the organization's unfinished one that refuses it (one at a time). */
export async function createJob(
  db: ExecutionsDatabase,
  organizationId: string,
  job: Pick<BulkJob, 'action' | 'query' | 'userId' | 'userName' | 'total'>,
): Promise<CreatedJob> {
  try {
    const [created] = await db
      .insert(bulkJobs)
      .values({ organizationId, ...job })
      .returning(jobColumns);
    return { job: created! };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const [busy] = await unfinishedJobs(db, organizationId);
    if (!busy) throw error;
    return { busy };
  }
}

/** The organization's queued or running jobs (at most one, by the unique index). */
export async function unfinishedJobs(db: ExecutionsDatabase, organizationId: string): Promise<string[]> {
  const rows = await db
    .select({ id: bulkJobs.id })
    .from(bulkJobs)
    .where(and(eq(bulkJobs.organizationId, organizationId), inArray(bulkJobs.status, ['queued', 'running'])));
  return rows.map((row) => row.id);
}

export async function findJob(db: ExecutionsDatabase, organizationId: string, jobId: string): Promise<BulkJob | null> {
  const [job] = await db
    .select(jobColumns)
    .from(bulkJobs)
    .where(and(eq(bulkJobs.organizationId, organizationId), eq(bulkJobs.id, jobId)));
  return job ?? null;
}

/**
 * Takes the job for `owner` until the lease runs out, if it is unfinished and no one holds it. One
 * statement: of two processes claiming at once, the second waits on the row and, reading the
 * first's lease, takes nothing.
 */
export async function claimJob(
  db: ExecutionsDatabase,
  organizationId: string,
  jobId: string,
  owner: string,
  leaseMs: number,
): Promise<BulkJob | null> {
  const [job] = await db
    .update(bulkJobs)
    .set({
      status: 'running',
      leaseOwner: owner,
      leaseUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(bulkJobs.organizationId, organizationId),
        eq(bulkJobs.id, jobId),
        inArray(bulkJobs.status, ['queued', 'running']),
        sql`(${bulkJobs.leaseUntil} is null or ${bulkJobs.leaseUntil} < now())`,
      ),
    )
    .returning(jobColumns);
  return job ?? null;
}

/**
 * The job's next runs: those its filters keep, past its cursor in the list's default order (newest
 * first), started before the job was (the runs "run again" makes are not its own), and not acted on
 * by it yet — a batch cut short by a crash left rows for some of them.
 */
export async function nextRuns(
  db: ExecutionsDatabase,
  organizationId: string,
  job: Pick<BulkJob, 'id' | 'query'>,
  owner: string,
  timeZone: string,
  limit: number,
): Promise<ActedRun[]> {
  // None once the job is cancelled or another runner took it over: checked as each batch starts.
  const cursor = db
    .select({ at: bulkJobs.cursorStartedAt, id: bulkJobs.cursorId, createdAt: bulkJobs.createdAt })
    .from(bulkJobs)
    .where(
      and(
        eq(bulkJobs.organizationId, organizationId),
        eq(bulkJobs.id, job.id),
        eq(bulkJobs.status, 'running'),
        eq(bulkJobs.leaseOwner, owner),
      ),
    )
    .as('xa_cursor');
  const rows = await db
    .select(actedRunColumns)
    .from(executions)
    .innerJoin(cursor, sql`true`)
    .where(
      and(
        filteredRuns(organizationId, job.query, timeZone),
        sql`${executions.startedAt} <= ${cursor.createdAt}`,
        sql`(${cursor.at} is null or (${executions.startedAt}, ${executions.id}) < (${cursor.at}, ${cursor.id}))`,
        sql`not exists (select 1 from ${runActions} where ${runActions.organizationId} = ${organizationId}
              and ${runActions.jobId} = ${job.id} and ${runActions.executionId} = ${executions.id})`,
      ),
    )
    .orderBy(desc(executions.startedAt), desc(executions.id))
    .limit(limit);
  return rows.flatMap((row) => scheduled(row) ?? []);
}

/**
 * After a batch, in one statement: the cursor moves to its last run, the counts are read again from
 * the job's rows in the trail (exact whatever was cut short before), the lease is renewed, and the
 * job is done when `finished`. Only while `owner` holds it: null when it lost the lease. Returns the
 * status, which a user's cancel may have changed meanwhile.
 */
export async function storeProgress(
  db: ExecutionsDatabase,
  organizationId: string,
  jobId: string,
  owner: string,
  leaseMs: number,
  lastRunId: string | null,
  finished: boolean,
): Promise<JobStatus | null> {
  const count = (outcome: 'succeeded' | 'skipped' | 'failed') =>
    sql`(select count(*)::int from ${runActions} where ${runActions.organizationId} = ${organizationId}
           and ${runActions.jobId} = ${jobId} and ${runActions.outcome} = ${outcome})`;
  const lastRun = (column: typeof executions.startedAt | typeof executions.id) =>
    sql`(select ${column} from ${executions} where ${executions.organizationId} = ${organizationId} and ${executions.id} = ${lastRunId})`;
  const [row] = await db
    .update(bulkJobs)
    .set({
      ...(lastRunId ? { cursorStartedAt: lastRun(executions.startedAt), cursorId: lastRun(executions.id) } : {}),
      succeeded: count('succeeded'),
      skipped: count('skipped'),
      failed: count('failed'),
      status: finished
        ? sql`case when ${bulkJobs.status} = 'running' then 'done'::executions_admin.xa_job_status else ${bulkJobs.status} end`
        : undefined,
      leaseUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(bulkJobs.organizationId, organizationId), eq(bulkJobs.id, jobId), eq(bulkJobs.leaseOwner, owner)))
    .returning({ status: bulkJobs.status });
  return row?.status ?? null;
}

/** Stops an unfinished job: its runner sees it after its batch. False when it had finished. */
export async function cancelJob(db: ExecutionsDatabase, organizationId: string, jobId: string): Promise<boolean> {
  const rows = await db
    .update(bulkJobs)
    .set({ status: 'cancelled', updatedAt: sql`now()` })
    .where(
      and(eq(bulkJobs.organizationId, organizationId), eq(bulkJobs.id, jobId), inArray(bulkJobs.status, ['queued', 'running'])),
    )
    .returning({ id: bulkJobs.id });
  return rows.length > 0;
}

/** The organization's unfinished jobs no runner holds: those a crash or restart left. */
export async function abandonedJobs(db: ExecutionsDatabase, organizationId: string): Promise<string[]> {
  const rows = await db
    .select({ id: bulkJobs.id })
    .from(bulkJobs)
    .where(
      and(
        eq(bulkJobs.organizationId, organizationId),
        inArray(bulkJobs.status, ['queued', 'running']),
        sql`(${bulkJobs.leaseUntil} is null or ${bulkJobs.leaseUntil} < now())`,
      ),
    );
  return rows.map((row) => row.id);
}

/** The job's failed runs with their reasons, first ones first, at most REPORTED_FAILURES. */
export async function jobFailures(
  db: ExecutionsDatabase,
  organizationId: string,
  jobId: string,
): Promise<{ executionId: string; conversationId: string | null; reason: string | null }[]> {
  return db
    .select({ executionId: runActions.executionId, conversationId: executions.conversationId, reason: runActions.reason })
    .from(runActions)
    .leftJoin(
      executions,
      and(eq(executions.organizationId, runActions.organizationId), eq(executions.id, runActions.executionId)),
    )
    .where(and(eq(runActions.organizationId, organizationId), eq(runActions.jobId, jobId), eq(runActions.outcome, 'failed')))
    .orderBy(asc(runActions.at), asc(runActions.id))
    .limit(REPORTED_FAILURES);
}
