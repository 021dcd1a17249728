/** The conversation view's plain data: one scheduled run, its header and its timeline. */
import { formatCredits } from '../lib/format.js';
import { statusBadge, type StatusBadge } from '../list/status.js';
import { withQuery, type ExecutionQuery } from '../list/query.js';
import { formatDateTime } from '../lib/time-zone.js';
import type { BoundedConversation, BoundedStep, JsonHead, TextHead } from './bounded-repository.js';
import { formatBytes, jsonHead, pageCost, PageBudget, textHead, type Head } from './bounds.js';

/** A field as the page shows it: whole, or its beginning with a download of all of it. */
export interface ShownText {
  text: string;
  cut: { notice: string; href: string; link: string } | null;
}

export type StepView =
  | {
      kind: 'tool_call';
      id: string;
      toolName: string;
      ok: boolean;
      /** The run's first failed tool call is shown opened: the list's link jumps to it. */
      open: boolean;
      duration: string | null;
      input: ShownText;
      output: ShownText;
      at: string;
    }
  | { kind: 'scheduled_call' | 'final_response' | 'error'; id: string; content: ShownText; at: string };

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
  error: ShownText | null;
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

/** Where a field is downloaded whole, and what the page calls it. */
interface Download {
  href: string;
  name: string;
}

function shown(head: Head, bytes: number, budget: PageBudget, download: Download): ShownText {
  budget.spend(head.cost);
  if (head.coveredBytes >= bytes) return { text: head.text, cut: null };
  const size = formatBytes(bytes);
  return {
    text: head.text,
    cut: {
      notice: `Showing the first ${formatBytes(head.coveredBytes)} of ${size}.`,
      href: download.href,
      link: `Download the full ${download.name} (${size})`,
    },
  };
}

function showText(field: TextHead, budget: PageBudget, download: Download): ShownText {
  return shown(textHead(field.head, budget.allowance()), field.bytes, budget, download);
}

/** As formatPayload shows the stored value, when the page has room for it whole. */
function showJson(field: JsonHead | null, budget: PageBudget, download: Download): ShownText {
  if (field === null || field.type === 'null') return { text: formatPayload(null), cut: null };
  if (field.type === 'string') return showText(field, budget, download);
  const allowance = budget.allowance();
  if (Buffer.byteLength(field.head) === field.bytes) {
    const text = formatPayload(JSON.parse(field.head));
    const cost = pageCost(text);
    if (cost <= allowance) return shown({ text, cost, coveredBytes: field.bytes }, field.bytes, budget, download);
  }
  return shown(jsonHead(field.head, allowance), field.bytes, budget, download);
}

function stepView(step: BoundedStep, timeZone: string, failedStep: number | null, budget: PageBudget, href: string): StepView {
  const id = `xa-step-${step.position}`;
  const at = formatDateTime(step.createdAt, timeZone);
  const download = (part: string, name: string) => ({ href: `${href}/steps/${step.position}/${part}`, name });
  if (step.kind === 'tool_call') {
    return {
      kind: 'tool_call',
      id,
      toolName: step.toolName ?? 'Unknown tool',
      ok: step.ok !== false,
      open: step.position === failedStep,
      duration: formatDuration(step.durationMs),
      input: showJson(step.toolInput, budget, download('input', 'input')),
      output: showJson(step.toolOutput, budget, download('output', 'response')),
      at,
    };
  }
  const missing = step.kind === 'error' ? 'No error message was recorded.' : '';
  const name = step.kind === 'scheduled_call' ? 'prompt' : step.kind === 'error' ? 'error message' : 'response';
  const content = step.content ? showText(step.content, budget, download('content', name)) : { text: missing, cut: null };
  return { kind: step.kind, id, content, at };
}

export function buildConversationView(
  conversation: BoundedConversation,
  listPath: string,
  query: ExecutionQuery,
  timeZone: string,
): ConversationView {
  // The page's fields share one budget, in the order they appear: the error above the timeline.
  const budget = new PageBudget();
  const href = `${listPath}/conversations/${conversation.conversationId}`;
  const error =
    conversation.errorMessage && showText(conversation.errorMessage, budget, { href: `${href}/error`, name: 'error message' });
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
    error,
    failedTool: conversation.failedTool,
    steps: conversation.steps.map((s) => stepView(s, timeZone, conversation.failedStep, budget, href)),
  };
}
