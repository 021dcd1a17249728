/**
 * Bulk jobs' reads and writes. Every statement is scoped by the organization. A job's filters are
 * its stored query string, parsed again here each time: whatever the row holds, only the list's own
 * conditions reach the SQL, with their values bound.
 */
import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { filtersFor, listConditions } from '../list/filter-set.js';
import { listBindings } from '../list/page-query.js';
import { parseExecutionQuery } from '../list/query.js';
import { asParameters } from '../db/prepared.js';
import type { ExecutionsDatabase } from '../db/database.js';
import { actedRunColumns, scheduled, type ActedRun } from '../db/run-actions.js';
import { bulkJobs, executions, runActions, type JobStatus, type RunActionKind } from '../db/schema.js';
import { isUniqueViolation } from '../db/unique-violation.js';

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
  /** The ticked runs it acts on, or null: every run its query keeps. */
  runIds: string[] | null;
  succeeded: number;
  skipped: number;
  failed: number;
  createdAt: Date;
  startedAt: Date | null;
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
  runIds: bulkJobs.runIds,
  succeeded: bulkJobs.succeeded,
  skipped: bulkJobs.skipped,
  failed: bulkJobs.failed,
  createdAt: bulkJobs.createdAt,
  startedAt: bulkJobs.startedAt,
  updatedAt: bulkJobs.updatedAt,
};

/** The conditions of the runs a query string keeps, of the organization, in its time zone. */
function filteredRuns(organizationId: string, query: string, timeZone: string) {
  const filters = filtersFor(parseExecutionQuery(new URLSearchParams(query)).query, timeZone);
  return listConditions(filters, asParameters(listBindings(organizationId, filters)));
}

/** The runs a job acts on: the selected ones of the organization that the list shows, else every run the query keeps. */
function jobRuns(organizationId: string, job: Pick<BulkJob, 'query' | 'runIds'>, timeZone: string) {
  return job.runIds
    ? and(eq(executions.organizationId, organizationId), isNotNull(executions.scheduleId), inArray(executions.id, job.runIds))
    : filteredRuns(organizationId, job.query, timeZone);
}

/** How many runs the job would act on now: the count the confirmation states and the job's whole. */
export async function countJobRuns(
  db: ExecutionsDatabase,
  organizationId: string,
  job: Pick<BulkJob, 'query' | 'runIds'>,
  timeZone: string,
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(executions)
    .where(jobRuns(organizationId, job, timeZone));
  return Number(row?.n ?? 0);
}

export type CreatedJob = { job: BulkJob } | { busy: string };

/** A queued job, or the organization's unfinished one that refuses it (one at a time). */
export async function createJob(
  db: ExecutionsDatabase,
  organizationId: string,
  job: Pick<BulkJob, 'action' | 'query' | 'userId' | 'userName' | 'total'> & Partial<Pick<BulkJob, 'runIds'>>,
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

type Outcome = 'succeeded' | 'skipped' | 'failed';

/** The job's rows in the trail with `outcome`: of the runs `among` (a batch's), or of every run (null). */
const countOf = (organizationId: string, jobId: string, outcome: Outcome, among: string[] | null) =>
  sql`(select count(*)::int from ${runActions} where ${runActions.organizationId} = ${organizationId}
         and ${runActions.jobId} = ${jobId} and ${runActions.outcome} = ${outcome}
         ${among ? sql`and ${inArray(runActions.executionId, among)}` : sql``})`;

/**
 * Takes the job for `owner` until the lease runs out, if it is unfinished and no one holds it. One
 * statement: of two processes claiming at once, the second waits on the row and, reading the
 * first's lease, takes nothing. The counts are read again from the whole trail here, once a claim,
 * so that what a crashed runner did after its last stored batch is counted; each batch then adds
 * its own runs' (storeProgress).
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
      startedAt: sql`coalesce(${bulkJobs.startedAt}, now())`,
      succeeded: countOf(organizationId, jobId, 'succeeded', null),
      skipped: countOf(organizationId, jobId, 'skipped', null),
      failed: countOf(organizationId, jobId, 'failed', null),
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

/** A batch's walk: the runs to act on, and how far it went (every run it passed, acted on before or not). */
export interface NextRuns {
  runs: ActedRun[];
  walked: number;
  lastId: string | null;
}

/**
 * The job's next `limit` runs: those it acts on (jobRuns), past its cursor in the list's default
 * order (newest first), started before the job was (the runs "run again" makes are not its own).
 * Those the job has a row for in the trail already — a batch cut short by a crash acted on some —
 * are walked past, not acted on again. The cursor is a bound of the index walk and the trail is
 * probed for the walked runs only, so a batch costs the same at the end of a job of millions as at
 * its start. None once the job is cancelled or another runner took it over: the job's values are
 * read with the runner's lease, and without it they are null.
 */
export async function nextRuns(
  db: ExecutionsDatabase,
  organizationId: string,
  job: Pick<BulkJob, 'id' | 'query' | 'runIds'>,
  owner: string,
  timeZone: string,
  limit: number,
): Promise<NextRuns> {
  const held = (column: AnyPgColumn) =>
    sql`(select ${column} from ${bulkJobs} where ${bulkJobs.organizationId} = ${organizationId} and ${bulkJobs.id} = ${job.id}
          and ${bulkJobs.status} = 'running' and ${bulkJobs.leaseOwner} = ${owner})`;
  const walk = db
    .select(actedRunColumns)
    .from(executions)
    .where(
      and(
        jobRuns(organizationId, job, timeZone),
        sql`${executions.startedAt} <= ${held(bulkJobs.createdAt)}`,
        sql`(${executions.startedAt}, ${executions.id}) < (coalesce(${held(bulkJobs.cursorStartedAt)}, 'infinity'),
              coalesce(${held(bulkJobs.cursorId)}, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))`,
      ),
    )
    .orderBy(desc(executions.startedAt), desc(executions.id))
    .limit(limit)
    .as('xa_walk');
  // Qualified by hand: drizzle writes a column in a query over a subquery bare, and a bare "id" in the
  // probe below would be the trail's own.
  const column = (table: 'xa_walk' | 'xa_trail', of: AnyPgColumn) => sql`${sql.identifier(table)}.${sql.identifier(of.name)}`;
  const rows = await db
    .select({
      executionId: walk.executionId,
      conversationId: walk.conversationId,
      agentId: walk.agentId,
      scheduleId: walk.scheduleId,
      status: walk.status,
      startedAt: walk.startedAt,
      acted: sql<boolean>`exists (select 1 from ${runActions} as xa_trail where ${column('xa_trail', runActions.organizationId)} = ${organizationId}
               and ${column('xa_trail', runActions.jobId)} = ${job.id}
               and ${column('xa_trail', runActions.executionId)} = ${column('xa_walk', executions.id)})`,
    })
    .from(walk)
    .orderBy(desc(walk.startedAt), desc(walk.executionId));
  return {
    runs: rows.flatMap(({ acted, ...row }) => (acted ? [] : (scheduled(row) ?? []))),
    walked: rows.length,
    lastId: rows.at(-1)?.executionId ?? null,
  };
}

/**
 * After a batch, in one statement: the cursor moves to the last run it walked, the lease is renewed,
 * and the job is done when `finished`. While it runs on, the counts grow by the rows of the runs the
 * batch acted on (`batch`) in the trail, whoever wrote them: counting the batch alone keeps a batch's cost flat however far the
 * job has come. Once it ends (done, or cancelled meanwhile) they are read again from the whole
 * trail, so that the report is exact even when a runner that lost its lease acted on runs after
 * the last claim counted. Only while `owner` holds it: null when it lost the lease. Returns the
 * status, which a user's cancel may have changed meanwhile.
 */
export async function storeProgress(
  db: ExecutionsDatabase,
  organizationId: string,
  jobId: string,
  owner: string,
  leaseMs: number,
  lastRunId: string | null,
  batch: string[],
  finished: boolean,
): Promise<JobStatus | null> {
  const count = (outcome: Outcome) => {
    const whole = countOf(organizationId, jobId, outcome, null);
    if (finished) return whole;
    const grown =
      batch.length === 0
        ? sql`${bulkJobs[outcome]}`
        : sql`${bulkJobs[outcome]} + ${countOf(organizationId, jobId, outcome, batch)}`;
    return sql`case when ${bulkJobs.status} = 'running' then ${grown} else ${whole} end`;
  };
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
