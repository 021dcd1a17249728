/** The state of one seed generation, and the pieces shared by scheduled and channel runs. */
import type { conversations, executions } from '../../db/schema.js';
import type { FinishedRunInput, HistoricalToolCall, StartExecutionInput } from '../../write/recorder.js';
import type { StepRow } from '../../write/rows.js';
import type { TimeWindow } from './fire-times.js';
import type { AgentDef, OrgDef, PlannedCall, ScheduleDef } from './model.js';
import { toolCallOf } from './outcomes.js';
import type { Rng } from './rng.js';
import { DAY, HISTORY_DAYS, HOUR, MINUTE } from './time.js';

type ConversationRow = typeof conversations.$inferInsert;
type ExecutionRow = typeof executions.$inferInsert;

/** Runs from other channels are not the scheduler's to record: they are written as rows. */
interface ChannelRows {
  conversations: ConversationRow[];
  executions: ExecutionRow[];
  steps: StepRow[];
}

/** A scheduled run as the scheduler reports it: finished ones whole, in-flight ones call by call. */
export type ScheduledRun =
  | { organizationId: string; state: 'finished'; run: FinishedRunInput }
  | {
      organizationId: string;
      state: 'pending' | 'active';
      start: StartExecutionInput;
      toolCalls: HistoricalToolCall[];
    };

interface AgentSeed {
  id: string;
  def: AgentDef;
  deletedAt: number | null;
}

export interface ScheduleSeed {
  id: string;
  def: ScheduleDef;
  agent: AgentSeed;
  window: TimeWindow;
}

export interface OrgSeed {
  def: OrgDef;
  agents: AgentSeed[];
  schedules: ScheduleSeed[];
}

export interface Generator {
  r: Rng;
  ids: Rng;
  now: number;
  orgs: OrgSeed[];
  scheduledRuns: ScheduledRun[];
  channelRows: ChannelRows;
  /** Failed scheduled runs so far. */
  failures: number;
}

interface Timeline {
  toolCalls: HistoricalToolCall[];
  /** When the last step was written: the final one when there is one. */
  end: number;
}

/** Times a run's steps after its start; a run still in flight stops before `until`. */
export function timeline(
  g: Generator,
  startedAt: number,
  calls: readonly PlannedCall[],
  final: 'final_response' | 'error' | null,
  until: number,
): Timeline {
  let t = startedAt;
  const toolCalls: HistoricalToolCall[] = [];
  for (const planned of calls) {
    const at = t + g.r.int(700, 4500) + planned.durationMs;
    if (at > until) return { toolCalls, end: t };
    t = at;
    toolCalls.push({ ...toolCallOf(planned), at: new Date(t) });
  }
  if (final) t += final === 'final_response' ? g.r.int(1500, 9000) : g.r.int(200, 2500);
  return { toolCalls, end: t };
}

export function createOrg(g: Generator, def: OrgDef): OrgSeed {
  const historyStart = g.now - HISTORY_DAYS * DAY;
  const agentSeeds = def.agents.map((a): AgentSeed => {
    const deletedAt = a.deletedDaysAgo === undefined ? null : g.now - a.deletedDaysAgo * DAY - g.r.int(0, 8 * HOUR);
    return { id: g.ids.uuid(), def: a, deletedAt };
  });
  const scheduleSeeds = def.schedules.map((s): ScheduleSeed => {
    const agent = agentSeeds.find((a) => a.def.name === s.agent);
    if (!agent) throw new Error(`Schedule ${s.name} names unknown agent ${s.agent}`);
    return {
      id: g.ids.uuid(),
      def: s,
      agent,
      // Finished runs end a few minutes before `now` so none finishes in the future.
      window: {
        from: s.sinceDays === undefined ? historyStart : g.now - s.sinceDays * DAY,
        to: Math.min(g.now - 5 * MINUTE, agent.deletedAt ?? Number.POSITIVE_INFINITY),
      },
    };
  });
  const org: OrgSeed = { def, agents: agentSeeds, schedules: scheduleSeeds };
  g.orgs.push(org);
  return org;
}
