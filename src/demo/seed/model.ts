/** The demo's shapes: organizations, agents and schedules, and what one run plans to do. */
import type { ScheduleKind } from '../../db/schema.js';
import type { JsonValue } from '../../write/recorder.js';
import type { Rng } from './rng.js';
import type { ToolName } from './tools.js';

export type Json = JsonValue;
export type JsonObject = { [key: string]: Json };

export interface AgentDef {
  name: string;
  /** Typical credits per run, min and max. */
  credits: readonly [number, number];
  /** The connected account the agent's tools run as. */
  account: string;
  tokenLimit: number;
  deletedDaysAgo?: number;
}

export interface ScheduleDef {
  name: string;
  agent: string;
  kind: ScheduleKind;
  expression: string;
  prompt: string;
  /** Probability that a finished run failed. */
  failureRate: number;
  /** Relative share of the runs; defaults to the schedule's number of fire times. */
  weight?: number;
  /** The schedule was created this many days ago (default: before the whole history). */
  sinceDays?: number;
  plan: PlanFn;
}

/** A stretch of time when a connected tool's credential was expired: every run using it failed. */
interface Incident {
  agent: string;
  service: string;
  fromDaysAgo: number;
  toDaysAgo: number;
}

export interface OrgDef {
  id: string;
  name: string;
  timeZone: string;
  domain: string;
  slackBotId: string;
  agents: readonly AgentDef[];
  schedules: readonly ScheduleDef[];
  incidents: readonly Incident[];
}

export interface PlannedCall {
  tool: ToolName;
  input: JsonObject;
  output: Json;
  ok: boolean;
  durationMs: number;
  method: string;
  /** The request's path, or the whole URL for generic HTTP calls. */
  target: string;
}

export interface Plan {
  /** What fired the run, for triggers: appended to the scheduled prompt. */
  event?: string;
  calls: PlannedCall[];
  answer: string;
}

export interface RunContext {
  r: Rng;
  org: OrgDef;
  agent: AgentDef;
  /** When the run started (ms). */
  at: number;
}

export type PlanFn = (c: RunContext) => Plan;
