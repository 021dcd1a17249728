/**
 * Runs bulk jobs in the background of the process that serves the page. A runner takes a job by
 * its lease (job-repository.ts claimJob), walks the runs it acts on (its filters', or those selected)
 * from its stored cursor in small batches, acts on each through actOnRun with the job's id,
 * `concurrency` at once, and stores the cursor and counts after each batch. Each run is acted on at
 * most once: a batch walks past runs with a row of the job in the trail, the trail refuses a second row for the same job and run (a unique index), and
 * the host's scheduler is given the same key whenever the job comes to the same run.
 *
 * Between batches it sleeps to keep to its rate, reads whether a user cancelled the job, and renews
 * its lease. A process that dies leaves the lease to run out; the next request of the organization
 * (resume) takes the job up from its cursor, in this process or another.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionsDatabase } from '../db/database.js';
import { actOnRun, type Scheduler } from './act-on-run.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { abandonedJobs, claimJob, nextRuns, storeProgress, type BulkJob } from './job-repository.js';

export interface RunnerOptions {
  /** Runs acted on per second at most, so that the host's scheduler and the page stay fast. */
  runsPerSecond: number;
  /** Runs per batch: the cursor is stored after each. */
  batchSize: number;
  /** A batch's runs acted on at once at most: the host's calls in flight. */
  concurrency: number;
  /** How long a runner holds a job without storing progress before another may take it. */
  leaseMs: number;
}

export const RUNNER_DEFAULTS: RunnerOptions = { runsPerSecond: 10, batchSize: 10, concurrency: 1, leaseMs: 60_000 };

export interface RunnerDeps {
  db: ExecutionsDatabase;
  /** The host's actions, acting as the job's user. */
  scheduler: (organizationId: string, job: BulkJob) => Scheduler;
  cancelledBy: (user: string) => string;
  options?: Partial<RunnerOptions>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The host's pace, each value a positive number (counts whole) or the default: 0 would never end a batch. */
function paceOf(given: Partial<RunnerOptions> = {}): RunnerOptions {
  const positive = (key: keyof RunnerOptions, whole: boolean) => {
    const value = given[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < (whole ? 1 : Number.MIN_VALUE))
      return RUNNER_DEFAULTS[key];
    return whole ? Math.floor(value) : value;
  };
  return {
    runsPerSecond: positive('runsPerSecond', false),
    batchSize: positive('batchSize', true),
    concurrency: positive('concurrency', true),
    leaseMs: positive('leaseMs', false),
  };
}

export function bulkRunner(deps: RunnerDeps) {
  const options = paceOf(deps.options);
  const owner = randomUUID();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  /** Runs one batch; whether the job goes on. Exposed for tests, which abandon a runner between two. */
  const batch = async (organizationId: string, timeZone: string, job: BulkJob): Promise<boolean> => {
    const { runs, walked, lastId } = await nextRuns(deps.db, organizationId, job, owner, timeZone, options.batchSize);
    const scheduler = deps.scheduler(organizationId, job);
    const act = async (run: (typeof runs)[number]) => {
      try {
        await actOnRun(
          deps.db,
          organizationId,
          run,
          job.action,
          { id: job.userId, name: job.userName },
          scheduler,
          deps.cancelledBy,
          job.id,
        );
      } catch (error) {
        // Another runner recorded this run first: it is acted on, once.
        if (!isUniqueViolation(error)) throw error;
      }
    };
    for (let i = 0; i < runs.length; i += options.concurrency) {
      await Promise.all(runs.slice(i, i + options.concurrency).map(act));
    }
    const finished = walked < options.batchSize;
    const status = await storeProgress(
      deps.db,
      organizationId,
      job.id,
      owner,
      options.leaseMs,
      lastId,
      runs.map((run) => run.executionId),
      finished,
    );
    return status === 'running' && !finished;
  };

  const run = async (organizationId: string, timeZone: string, jobId: string): Promise<void> => {
    const job = await claimJob(deps.db, organizationId, jobId, owner, options.leaseMs);
    if (!job) return;
    for (;;) {
      const started = Date.now();
      if (stopped || !(await batch(organizationId, timeZone, job))) return;
      await sleep(Math.max(0, (options.batchSize / options.runsPerSecond) * 1000 - (Date.now() - started)));
    }
  };

  const track = (work: Promise<void>, onError: (error: unknown) => void) => {
    const tracked = work.catch(onError).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  return {
    owner,
    batch,
    claim: (organizationId: string, jobId: string) => claimJob(deps.db, organizationId, jobId, owner, options.leaseMs),
    /** Starts the job in the background; errors go to `onError` and leave the job to be resumed. */
    start(organizationId: string, timeZone: string, jobId: string, onError: (error: unknown) => void) {
      track(run(organizationId, timeZone, jobId), onError);
    },
    /** Takes up the organization's jobs whose runner died (their lease ran out). */
    async resume(organizationId: string, timeZone: string, onError: (error: unknown) => void) {
      for (const jobId of await abandonedJobs(deps.db, organizationId)) track(run(organizationId, timeZone, jobId), onError);
    },
    /** Stops after each job's current batch: the jobs stay running, for a later resume. */
    async stop() {
      stopped = true;
      await Promise.all([...inFlight]);
    },
    /** Resolves once every job started here has stopped. */
    idle: () => Promise.all([...inFlight]).then(() => undefined),
  };
}

export type BulkRunner = ReturnType<typeof bulkRunner>;
