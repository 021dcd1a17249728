/**
 * Demo data: Acme Robotics with a few thousand scheduled runs over the last 90 days (plus runs
 * from other channels that the page must never list) and a second organization, Globex, whose
 * rows must never leak into Acme's page. Everything is derived from one seeded PRNG and `now`,
 * so a given seed always writes the same rows. Scheduled runs go through the scheduler's write API
 * (src/write/), which gives them their ids; agents, schedules and other channels' runs get
 * theirs from the seed. The parts live in ./seed/.
 */
import { eq } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { organizations } from '../db/schema.js';
import type { FinishedRunInput, HistoricalToolCall } from '../write/recorder.js';
import { buildChannelRuns } from './seed/channel-runs.js';
import { createOrg, type Generator } from './seed/generator.js';
import type { RunContext } from './seed/model.js';
import { ACME, DEMO_ORGANIZATION_ID, GLOBEX } from './seed/organizations.js';
import { inIncident, planOutcome, runCredits, scheduledPrompt, toolCallOf } from './seed/outcomes.js';
import { Rng } from './seed/rng.js';
import { buildScheduledRuns } from './seed/scheduled-runs.js';
import { writeSeed } from './seed/writer.js';

export { DEMO_ORGANIZATION_ID, OTHER_ORGANIZATION_ID } from './seed/organizations.js';

export interface SeedOptions {
  now?: Date;
  /** Scheduled runs written for the demo organization; other rows scale with it. */
  runs?: number;
  seed?: number;
}

export const DEFAULT_RUNS = 2400;
export const DEFAULT_SEED = 20240917;

/** One run of a demo schedule as the simulated scheduler plays it out, call by call. */
export interface DemoRunPlan {
  prompt: string;
  toolCalls: Omit<HistoricalToolCall, 'at'>[];
  outcome: FinishedRunInput['outcome'];
  /** Null: the platform never calculated them (the page keeps showing "—"). */
  credits: number | null;
}

/**
 * Plans a run of the named demo schedule starting `at`, exactly as the seed plans its history —
 * same tools, answers and failure causes. Null when the organization has no such demo schedule.
 */
export function planDemoRun(organizationId: string, scheduleName: string, at: Date, seed: number): DemoRunPlan | null {
  const org = [ACME, GLOBEX].find((o) => o.id === organizationId);
  const schedule = org?.schedules.find((s) => s.name === scheduleName);
  const agent = org?.agents.find((a) => a.name === schedule?.agent);
  if (!org || !schedule || !agent) return null;
  const r = new Rng(seed);
  const c: RunContext = { r, org, agent, at: at.getTime() };
  const plan = schedule.plan(c);
  const outcome = planOutcome(c, schedule, plan, inIncident(org, agent, c.at, c.at, plan));
  return {
    prompt: scheduledPrompt(schedule, plan),
    toolCalls: outcome.calls.map(toolCallOf),
    outcome: outcome.result,
    credits: runCredits(r, agent, outcome.calls.length, outcome.creditFactor),
  };
}

/** True when the demo organization exists. */
export async function isSeeded(db: ExecutionsDatabase): Promise<boolean> {
  const found = await db
    .select({ id: organizations.organizationId })
    .from(organizations)
    .where(eq(organizations.organizationId, DEMO_ORGANIZATION_ID))
    .limit(1);
  return found.length > 0;
}

/**
 * Writes both organizations in one transaction, so an interrupted seed leaves nothing. `runs` is
 * the number of scheduled runs for the demo organization (active and pending included); other
 * channels get runs/8, Globex runs/12.
 */
export async function seedDemo(db: ExecutionsDatabase, options: SeedOptions = {}): Promise<void> {
  const now = (options.now ?? new Date()).getTime();
  const runs = Math.max(0, Math.floor(options.runs ?? DEFAULT_RUNS));
  const seed = options.seed ?? DEFAULT_SEED;
  const g: Generator = {
    r: new Rng(seed),
    // Ids come from their own stream so content tweaks do not reshuffle them.
    ids: new Rng(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1)),
    now,
    failures: 0,
    orgs: [],
    scheduledRuns: [],
    channelRows: { conversations: [], executions: [], steps: [] },
  };

  const acme = createOrg(g, ACME);
  buildScheduledRuns(g, acme, runs, Math.min(3, Math.floor(runs / 50)), Math.min(4, Math.floor(runs / 40)));
  buildChannelRuns(g, acme, Math.round(runs / 8));
  const globex = createOrg(g, GLOBEX);
  buildScheduledRuns(g, globex, Math.round(runs / 12), Math.min(1, Math.floor(runs / 500)), Math.min(1, Math.floor(runs / 500)));

  await writeSeed(db, g);
}
