/** The conversation view's plain data: one scheduled run, its header and its timeline. */
import { formatCredits } from '../lib/format.js';
import { statusBadge, type StatusBadge } from '../list/status.js';
import { withQuery, type ExecutionQuery } from '../list/query.js';
import type { ConversationStep } from '../db/steps.js';
import type { ExecutionConversation } from './repository.js';
import { formatDateTime } from '../lib/time-zone.js';

export type StepView =
  | {
      kind: 'tool_call';
      id: string;
      toolName: string;
      ok: boolean;
      /** The run's first failed tool call is shown opened: the list's link jumps to it. */
      open: boolean;
      duration: string | null;
      input: string;
      output: string;
      at: string;
    }
  | { kind: 'scheduled_call' | 'final_response' | 'error'; id: string; content: string; at: string };

export interface ConversationView {
  title: string;
  backHref: string;
  agentName: string | null;
  schedule: string;
  scheduleDetail: string;
  status: StatusBadge;
  startedAt: string;
  finishedAt: string | null;
  credits: string | null;
  error: string | null;
  /** The tool whose call failed first, if one did. */
  failedTool: string | null;
  steps: StepView[];
}

/** Pretty-printed JSON; a plain-text payload (a service that did not answer JSON) as it came. */
export function formatPayload(value: unknown): string {
  if (value === null || value === undefined) return '(nothing)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

export function formatDuration(ms: number | null): string | null {
  if (ms === null) return null;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const SCHEDULE_KINDS: Record<string, string> = { cron: 'Cron', interval: 'Interval', trigger: 'Trigger' };

function stepView(step: ConversationStep, timeZone: string, failedStep: number | null): StepView {
  const id = `xa-step-${step.position}`;
  const at = formatDateTime(step.createdAt, timeZone);
  if (step.kind === 'tool_call') {
    return {
      kind: 'tool_call',
      id,
      toolName: step.toolName ?? 'Unknown tool',
      ok: step.ok !== false,
      open: step.position === failedStep,
      duration: formatDuration(step.durationMs),
      input: formatPayload(step.toolInput),
      output: formatPayload(step.toolOutput),
      at,
    };
  }
  const missing = step.kind === 'error' ? 'No error message was recorded.' : '';
  return { kind: step.kind, id, content: step.content ?? missing, at };
}

export function buildConversationView(
  conversation: ExecutionConversation,
  listPath: string,
  query: ExecutionQuery,
  timeZone: string,
): ConversationView {
  return {
    title: `${conversation.scheduleTitle} – Executions`,
    backHref: withQuery(listPath, query),
    agentName: conversation.agentName,
    schedule: conversation.scheduleTitle,
    scheduleDetail: `${SCHEDULE_KINDS[conversation.schedule.kind] ?? conversation.schedule.kind}: ${conversation.schedule.expression}`,
    status: statusBadge(conversation.status),
    startedAt: formatDateTime(conversation.startedAt, timeZone),
    finishedAt: conversation.finishedAt ? formatDateTime(conversation.finishedAt, timeZone) : null,
    credits: conversation.credits === null ? null : formatCredits(conversation.credits),
    error: conversation.errorMessage,
    failedTool: conversation.failedTool,
    steps: conversation.steps.map((s) => stepView(s, timeZone, conversation.failedStep)),
  };
}
