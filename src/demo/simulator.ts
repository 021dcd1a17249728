/**
 * A pretend scheduler for the demo: every few seconds one of the organization's live schedules
 * fires, and the run goes pending → active → tool calls → completed or failed, with its credits a
 * little later — all through the write API, so the page shows runs appearing and finishing.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { completeExecution, failExecution, markActive, recordToolCall, setCredits, startExecution } from '../write/recorder.js';
import { agents, schedules } from '../db/schema.js';
import { planDemoRun } from './seed.js';

export interface SimulatorOptions {
  /**
   * Multiplies every delay: 1 fires a run every 8–15 s and plays it out over about 10–25 s; tests
   * use a small fraction.
   */
  timeScale?: number;
  /** Where failed writes are reported; the simulator carries on. Defaults to console.error. */
  onError?: (error: unknown) => void;
}

export interface SimulatedScheduler {
  /** Stops firing, fails the runs still in flight and waits until every write has finished. */
  stop(): Promise<void>;
  /** Fires the schedule now (the page's Run again), under the module's key for the action. */
  runAgain(scheduleId: string, key: string): Promise<{ executionId: string }>;
  /** Stops playing a run the page cancelled: the module has already ended it. */
  cancel(executionId: string): void;
}

/** Simulated runs' keys start with this, so they can be told apart from seeded ones. */
export const SIMULATED_KEY_PREFIX = 'simulated-';
export const STOPPED_MESSAGE = 'Scheduler stopped before the run finished (the demo server shut down)';

const SECOND = 1000;

export function startSimulatedScheduler(
  db: ExecutionsDatabase,
  organizationId: string,
  options: SimulatorOptions = {},
): SimulatedScheduler {
  const scale = options.timeScale ?? 1;
  const onError = options.onError ?? ((error: unknown) => console.error('Simulated scheduler:', error));
  let stopped = false;
  let nextFiring: NodeJS.Timeout | undefined;
  const sleepers = new Set<() => void>();
  const inFlight = new Set<Promise<unknown>>();

  const between = (min: number, max: number) => min + Math.random() * (max - min);

  /** Resolves after the delay, or at once when the scheduler stops. */
  const pause = (min: number, max: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, between(min, max) * scale);
      sleepers.add(wake);
    });

  async function liveSchedules(): Promise<{ id: string; name: string }[]> {
    return db
      .select({ id: schedules.id, name: schedules.name })
      .from(schedules)
      .innerJoin(agents, and(eq(agents.organizationId, schedules.organizationId), eq(agents.id, schedules.agentId)))
      .where(and(eq(schedules.organizationId, organizationId), isNull(agents.deletedAt)));
  }

  const cancelled = new Set<string>();

  /** Starts a run of the schedule and plays the rest of it out in the background. */
  async function startRun(schedule: { id: string; name: string }, key: string): Promise<{ executionId: string } | null> {
    const plan = planDemoRun(organizationId, schedule.name, new Date(), Math.floor(Math.random() * 2 ** 32));
    if (!plan) return null;
    const { executionId } = await startExecution(db, organizationId, { key, scheduleId: schedule.id, prompt: plan.prompt });
    // Once stopping, the run ends at the next step as failed rather than stay in flight for ever;
    // once cancelled on the page, it is over already.
    const finishIfStopped = async () => {
      if (cancelled.has(executionId)) return true;
      if (!stopped) return false;
      await failExecution(db, organizationId, executionId, { key: `${key}/finish`, errorMessage: STOPPED_MESSAGE });
      return true;
    };
    const playOut = async () => {
      await pause(2 * SECOND, 6 * SECOND);
      if (await finishIfStopped()) return;
      await markActive(db, organizationId, executionId);
      for (const [i, call] of plan.toolCalls.entries()) {
        await pause(1.5 * SECOND, 4 * SECOND);
        if (await finishIfStopped()) return;
        await recordToolCall(db, organizationId, executionId, { ...call, key: `${key}/tool-${i + 1}` });
      }
      await pause(1 * SECOND, 3 * SECOND);
      if (await finishIfStopped()) return;
      const finish = { key: `${key}/finish` };
      if (plan.outcome.status === 'completed') {
        await completeExecution(db, organizationId, executionId, { ...finish, response: plan.outcome.response });
      } else {
        await failExecution(db, organizationId, executionId, { ...finish, errorMessage: plan.outcome.errorMessage });
      }
      await pause(3 * SECOND, 8 * SECOND);
      // Credits the platform never got round to calculating stay "—", as some seeded ones do.
      if (plan.credits !== null && !stopped) await setCredits(db, organizationId, executionId, plan.credits);
    };
    track(playOut().catch(onError));
    return { executionId };
  }

  function track(run: Promise<unknown>) {
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  }

  async function simulateRun(): Promise<void> {
    const candidates = await liveSchedules();
    const schedule = candidates[Math.floor(Math.random() * candidates.length)];
    if (schedule) await startRun(schedule, `${SIMULATED_KEY_PREFIX}${randomUUID()}`);
  }

  function fireAfter(delay: number) {
    nextFiring = setTimeout(() => {
      if (stopped) return;
      track(simulateRun().catch(onError));
      fireAfter(between(8 * SECOND, 15 * SECOND) * scale);
    }, delay);
  }
  fireAfter(between(1 * SECOND, 3 * SECOND) * scale);

  return {
    async runAgain(scheduleId, key) {
      const schedule = (await liveSchedules()).find((candidate) => candidate.id === scheduleId);
      if (stopped || !schedule) throw new Error('This schedule no longer runs: its agent was removed');
      const starting = startRun(schedule, `${SIMULATED_KEY_PREFIX}${key}`);
      // Tracked, so that a stop meanwhile waits for the run it starts and fails it.
      track(starting.catch(() => undefined));
      const started = await starting;
      if (!started) throw new Error('The demo has no plan for this schedule');
      return started;
    },
    cancel(executionId) {
      cancelled.add(executionId);
    },
    async stop() {
      stopped = true;
      clearTimeout(nextFiring);
      for (const wake of [...sleepers]) wake();
      // A firing that was starting a run tracks its playing out only once the run is written:
      // wait until nothing is left, not just for what was in flight when stop was called.
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
