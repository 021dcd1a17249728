/** A conversation's steps as stored, as the write API reads them back. */
import { steps, type StepKind } from './schema.js';

export interface ConversationStep {
  position: number;
  kind: StepKind;
  content: string | null;
  toolName: string | null;
  toolInput: unknown;
  toolOutput: unknown;
  ok: boolean | null;
  durationMs: number | null;
  createdAt: Date;
}

export const stepColumns = {
  position: steps.position,
  kind: steps.kind,
  content: steps.content,
  toolName: steps.toolName,
  toolInput: steps.toolInput,
  toolOutput: steps.toolOutput,
  ok: steps.ok,
  durationMs: steps.durationMs,
  createdAt: steps.createdAt,
};
