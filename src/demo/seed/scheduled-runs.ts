/** Scheduled runs: the history at each schedule's fire times, and the few still in flight. */
import { cronFireTimes } from './cron.js';
import { allocate, eventTime, intervalFireTimes } from './fire-times.js';
import { type Generator, type OrgSeed, type ScheduleSeed, timeline } from './generator.js';
import type { RunContext } from './model.js';
import { inIncident, planOutcome, runCredits, scheduledPrompt } from './outcomes.js';
import { MINUTE, SECOND } from './time.js';

function buildScheduledRun(
  g: Generator,
  org: OrgSeed,
  schedule: ScheduleSeed,
  startedAt: number,
  state: 'finished' | 'active' | 'pending',
): void {
  const c: RunContext = { r: g.r, org: org.def, agent: schedule.agent.def, at: startedAt };
  const plan = schedule.def.plan(c);
  const organizationId = org.def.id;
  const key = `demo-run-${g.scheduledRuns.length + 1}`;
  const prompt = scheduledPrompt(schedule.def, plan);

  if (state !== 'finished') {
    const calls = state === 'active' && g.r.chance(0.6) ? plan.calls.slice(0, 1) : [];
    g.scheduledRuns.push({
      organizationId,
      state,
      start: { key, scheduleId: schedule.id, prompt, startedAt: new Date(startedAt) },
      toolCalls: timeline(g, startedAt, calls, null, g.now).toolCalls,
    });
    return;
  }

  let outcome = planOutcome(c, schedule.def, plan, inIncident(org.def, schedule.agent.def, g.now, startedAt, plan));
  // 1 in 15 failures carries no message (the worker died before recording it).
  if (outcome.result.status === 'failed' && g.failures++ % 15 === 7) {
    outcome = { ...outcome, result: { status: 'failed', errorMessage: null } };
  }
  const final = outcome.result.status === 'completed' ? 'final_response' : 'error';
  const { toolCalls, end } = timeline(g, startedAt, outcome.calls, final, Number.POSITIVE_INFINITY);
  g.scheduledRuns.push({
    organizationId,
    state,
    run: {
      key,
      scheduleId: schedule.id,
      prompt,
      startedAt: new Date(startedAt),
      toolCalls,
      outcome: outcome.result,
      finishedAt: new Date(end),
      credits: runCredits(g.r, schedule.agent.def, outcome.calls.length, outcome.creditFactor),
    },
  });
}

export function buildScheduledRuns(g: Generator, org: OrgSeed, total: number, active: number, pending: number): void {
  const historical = Math.max(0, total - active - pending);
  const slots = org.schedules.map((s) =>
    s.def.kind === 'cron'
      ? cronFireTimes(s.def.expression, org.def.timeZone, s.window)
      : s.def.kind === 'interval'
        ? intervalFireTimes(s.def.expression, s.window)
        : null,
  );
  const caps = slots.map((times) => (times ? times.length : Number.POSITIVE_INFINITY));
  const weights = org.schedules.map((s, i) => s.def.weight ?? caps[i] ?? 0);
  const counts = allocate(historical, weights, caps);
  const runs: { schedule: ScheduleSeed; at: number }[] = [];
  org.schedules.forEach((schedule, i) => {
    const count = counts[i] ?? 0;
    const times = slots[i];
    if (times) {
      // A scheduler fires a moment after the slot, never exactly on it.
      for (const t of g.r.sample(times, count)) runs.push({ schedule, at: t + g.r.int(150, 4000) });
    } else {
      for (let k = 0; k < count; k++) runs.push({ schedule, at: eventTime(g.r, org.def.timeZone, schedule.window) });
    }
  });
  runs.sort((a, b) => a.at - b.at);
  for (const run of runs) buildScheduledRun(g, org, run.schedule, run.at, 'finished');

  // Runs still in flight: the newest ones, fired by events in the last hour.
  const live = org.schedules.filter((s) => s.agent.deletedAt === null && s.def.kind === 'trigger');
  for (let k = 0; k < active; k++) buildScheduledRun(g, org, g.r.pick(live), g.now - g.r.int(2 * MINUTE, 40 * MINUTE), 'active');
  for (let k = 0; k < pending; k++)
    buildScheduledRun(g, org, g.r.pick(live), g.now - g.r.int(5 * SECOND, 12 * MINUTE), 'pending');
}
