/**
 * Row builders and insert batching shared by the write API and the demo seed, which writes other
 * channels' runs as rows of the same shape; and the write API's statement that appends one step.
 * Internal: not part of the package's API.
 */
import type { ExecutionsDatabase } from '../db/database.js';
import { fixedStatement, placeholderFor } from '../db/prepared.js';
import { steps } from '../db/schema.js';
import type { HistoricalToolCall } from './inputs.js';

export type StepRow = typeof steps.$inferInsert;

const stepColumn = (name: keyof StepRow) => placeholderFor(steps[name], name);
const appendedStep = fixedStatement((db) =>
  db.insert(steps).values({
    organizationId: stepColumn('organizationId'),
    conversationId: stepColumn('conversationId'),
    position: stepColumn('position'),
    kind: stepColumn('kind'),
    content: stepColumn('content'),
    toolName: stepColumn('toolName'),
    toolInput: stepColumn('toolInput'),
    toolOutput: stepColumn('toolOutput'),
    ok: stepColumn('ok'),
    durationMs: stepColumn('durationMs'),
    createdAt: stepColumn('createdAt'),
    idempotencyKey: stepColumn('idempotencyKey'),
  }),
);

/** Appends one step of any kind (a statement built once, db/prepared.ts); the columns the row leaves out are null. */
export const appendStep = (tx: ExecutionsDatabase, row: StepRow) =>
  appendedStep(tx, {
    content: null,
    toolName: null,
    toolInput: null,
    toolOutput: null,
    ok: null,
    durationMs: null,
    idempotencyKey: null,
    ...row,
  });

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
