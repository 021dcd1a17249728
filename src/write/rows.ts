/**
 * Row builders and insert batching shared by the write API and the demo seed, which writes other
 * channels' runs as rows of the same shape. Internal: not part of the package's API.
 */
import type { steps } from '../db/schema.js';
import type { HistoricalToolCall } from './inputs.js';

export type StepRow = typeof steps.$inferInsert;

/** Rows per multi-row insert: well under Postgres's 65,535 parameters a statement. */
const INSERT_CHUNK = 1000;

export function chunked<T>(rows: readonly T[], size = INSERT_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

interface StepOf {
  organizationId: string;
  conversationId: string;
}

export function toolCallStepRow(conversation: StepOf, position: number, call: HistoricalToolCall): StepRow {
  return {
    ...conversation,
    position,
    kind: 'tool_call',
    toolName: call.toolName,
    toolInput: call.input,
    toolOutput: call.output,
    ok: call.ok,
    durationMs: call.durationMs,
    createdAt: call.at,
  };
}

export interface RunSteps {
  /** The conversation's first step: what the run was asked. */
  prompt: string;
  startedAt: Date;
  toolCalls: readonly HistoricalToolCall[];
  /** The final response or the error; none while the run is in flight. */
  final?: { kind: 'final_response' | 'error'; content: string | null; at: Date };
}

/** A whole run's steps, numbered from the prompt at position 0. */
export function runStepRows(conversation: StepOf, run: RunSteps): StepRow[] {
  const rows: StepRow[] = [
    { ...conversation, position: 0, kind: 'scheduled_call', content: run.prompt, createdAt: run.startedAt },
    ...run.toolCalls.map((call, i) => toolCallStepRow(conversation, i + 1, call)),
  ];
  const { final } = run;
  if (final) {
    rows.push({
      ...conversation,
      position: run.toolCalls.length + 1,
      kind: final.kind,
      content: final.content,
      createdAt: final.at,
    });
  }
  return rows;
}
