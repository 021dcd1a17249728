/** What the host's scheduler passes to the write API, and the ids it gets back. */
import type { ScheduleKind } from '../db/schema.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface OrganizationInput {
  name: string;
  /** IANA time zone, e.g. America/Sao_Paulo. */
  timeZone: string;
}

export interface AgentInput {
  /** The host's own id for the agent. */
  agentId: string;
  name: string;
}

export interface ScheduleInput {
  /** The host's own id for the schedule. */
  scheduleId: string;
  agentId: string;
  name: string;
  kind: ScheduleKind;
  /** A cron expression, an ISO 8601 duration, or the trigger's event name, by kind. */
  expression: string;
}

export interface StartExecutionInput {
  /** Identifies this firing of the schedule: a retry with the same key returns the same run. */
  key: string;
  /** The run's agent and its conversation's title are the schedule's. */
  scheduleId: string;
  /** What the schedule asked the agent: the conversation's first step. */
  prompt: string;
  /** Pending (queued) by default; active when a worker picks the run up at once. */
  status?: 'pending' | 'active';
  startedAt?: Date;
}

export interface StartedExecution {
  executionId: string;
  conversationId: string;
}

export interface ToolCallInput {
  /** Unique within the run: a retry with the same key returns the step already written. */
  key: string;
  toolName: string;
  /** The input sent to the tool, as sent. */
  input: JsonValue;
  /** The tool's response as received. */
  output: JsonValue;
  ok: boolean;
  durationMs: number;
  at?: Date;
}

export interface CompleteExecutionInput {
  /** Unique within the run; a retried finish with the same key succeeds again without writing. */
  key: string;
  /** The agent's final response. */
  response: string;
  finishedAt?: Date;
}

export interface FailExecutionInput {
  /** Unique within the run; a retried finish with the same key succeeds again without writing. */
  key: string;
  /** Null when the worker could not say why (the page then shows no tooltip). */
  errorMessage: string | null;
  finishedAt?: Date;
}

export type HistoricalToolCall = Omit<ToolCallInput, 'key' | 'at'> & { at: Date };

/** A run that already happened elsewhere, written whole: for backfills and the demo seed. */
export interface FinishedRunInput {
  key: string;
  scheduleId: string;
  prompt: string;
  startedAt: Date;
  toolCalls: readonly HistoricalToolCall[];
  outcome: { status: 'completed'; response: string } | { status: 'failed'; errorMessage: string | null };
  /** When the final response or error was written. */
  finishedAt: Date;
  /** Null when not calculated yet; setCredits can add them later. */
  credits: number | null;
}
