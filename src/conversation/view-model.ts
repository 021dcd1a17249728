/** The conversation view's plain data: one scheduled run, its header and its timeline. */
import type { Messages, WholeField } from '../i18n/messages.js';
import { formatDuration, numberFormat, shorten } from '../lib/format.js';
import { statusBadge, type StatusBadge } from '../list/status.js';
import { withQuery, type ExecutionQuery } from '../list/query.js';
import { PAGE_TITLE_LENGTH } from '../list/run-columns.js';
import { durationView, timesIn, type DurationView } from '../list/view-model.js';
import { formatDateTime, isoSecond, localSecond } from '../lib/time-zone.js';
import type { BoundedConversation, BoundedStep, JsonHead, TextHead } from './bounded-repository.js';
import { formatBytes, jsonHead, PageBudget, textHead, type Head } from './bounds.js';
import { chartCost, timelineView, type TimelineView } from './timeline.js';

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

/** A moment as the page shows it, to the second, and as its `<time datetime>` gives it. */
export interface MomentView {
  text: string;
  iso: string;
}

export interface ConversationView {
  title: string;
  /** The words the view shows, in the host's language. */
  messages: Messages;
  /** "Times in Eastern Time, UTC−04:00": the zone, and its offset as the run started. */
  timesIn: string;
  backHref: string;
  agentName: string | null;
  schedule: string;
  /** A link to the whole title, when the page shows only its beginning. */
  scheduleDownload: { href: string; link: string } | null;
  scheduleDetail: string;
  status: StatusBadge;
  startedAt: MomentView;
  finishedAt: MomentView | null;
  credits: string | null;
  error: ShownText | null;
  /** The tool whose call failed first, if one did. */
  failedTool: string | null;
  /** "1 min 12 s", the dash while the run has not finished. */
  duration: DurationView;
  /** Each tool call as a bar on a time axis; null when the run made none. */
  chart: TimelineView | null;
  steps: StepView[];
}

/** Where a field is downloaded whole, and which field it is. */
interface Download {
  href: string;
  field: WholeField;
  messages: Messages;
}

function shown(head: Head, bytes: number, budget: PageBudget, { href, field, messages: m }: Download): ShownText {
  budget.spend(head.cost);
  if (head.coveredBytes >= bytes) return { text: head.text, cut: null };
  const size = formatBytes(bytes, m);
  return {
    text: head.text,
    cut: { notice: m.cutNotice(formatBytes(head.coveredBytes, m), size), href, link: m.downloadWhole[field](size) },
  };
}

function showText(field: TextHead, budget: PageBudget, download: Download): ShownText {
  return shown(textHead(field.head, budget.allowance()), field.bytes, budget, download);
}

/**
 * Pretty-printed JSON, laid out from the stored text itself (jsonHead) rather than from a parsed
 * value: JavaScript would round 12345678901234567890, write 1.0 as 1 and move integer-like keys
 * first, and the page would then show, and search in conversations find, other than what was stored.
 * A plain-text payload (a service that did not answer JSON) as it came; null as nothing.
 */
function showJson(field: JsonHead | null, budget: PageBudget, download: Download): ShownText {
  if (field === null || field.type === 'null') return { text: download.messages.nothing, cut: null };
  if (field.type === 'string') return showText(field, budget, download);
  return shown(jsonHead(field.head, budget.allowance()), field.bytes, budget, download);
}

/** What the steps share: the page's budget, where their downloads go, when and in which words. */
interface StepContext {
  budget: PageBudget;
  /** The conversation's path. */
  href: string;
  timeZone: string;
  failedStep: number | null;
  messages: Messages;
}

function stepView(step: BoundedStep, { budget, href, timeZone, failedStep, messages: m }: StepContext): StepView {
  const id = `xa-step-${step.position}`;
  const at = formatDateTime(step.createdAt, timeZone);
  const download = (part: string, field: WholeField) => ({ href: `${href}/steps/${step.position}/${part}`, field, messages: m });
  if (step.kind === 'tool_call') {
    return {
      kind: 'tool_call',
      id,
      toolName: step.toolName ?? m.unknownTool,
      ok: step.ok !== false,
      open: step.position === failedStep,
      duration: step.durationMs === null ? null : formatDuration(step.durationMs, m),
      input: showJson(step.toolInput, budget, download('input', 'input')),
      output: showJson(step.toolOutput, budget, download('output', 'response')),
      at,
    };
  }
  const missing = step.kind === 'error' ? m.noErrorRecorded : '';
  const field = step.kind === 'scheduled_call' ? 'prompt' : step.kind === 'error' ? 'errorMessage' : 'response';
  const content = step.content ? showText(step.content, budget, download('content', field)) : { text: missing, cut: null };
  return { kind: step.kind, id, content, at };
}

const moment = (instant: Date, timeZone: string): MomentView => ({
  text: localSecond(instant, timeZone).text,
  iso: isoSecond(instant),
});

export function buildConversationView(
  conversation: BoundedConversation,
  listPath: string,
  query: ExecutionQuery,
  timeZone: string,
  m: Messages,
): ConversationView {
  // The page's fields share one budget, in the order they appear: the error above the timeline.
  const budget = new PageBudget();
  const href = `${listPath}/conversations/${conversation.conversationId}`;
  const error =
    conversation.errorMessage &&
    showText(conversation.errorMessage, budget, { href: `${href}/error`, field: 'errorMessage', messages: m });
  // The chart comes between them and costs the page as its rows do.
  const chart = timelineView(conversation.steps, conversation, m);
  budget.spend(chart === null ? 0 : chartCost(chart));
  const steps: StepContext = { budget, href, timeZone, failedStep: conversation.failedStep, messages: m };
  const schedule = shorten(conversation.scheduleTitle, PAGE_TITLE_LENGTH);
  return {
    title: m.pageTitle(schedule.text),
    messages: m,
    timesIn: timesIn(conversation.startedAt, timeZone, m),
    backHref: withQuery(listPath, query),
    agentName: conversation.agentName,
    schedule: schedule.text,
    // The whole title's size is known without reading it (octet_length reads the TOAST header).
    scheduleDownload: schedule.cut
      ? { href: `${href}/title`, link: m.downloadWhole.title(formatBytes(conversation.scheduleTitleBytes, m)) }
      : null,
    scheduleDetail: `${m.scheduleKinds[conversation.schedule.kind]}: ${conversation.schedule.expression}`,
    status: statusBadge(conversation.status, m),
    startedAt: moment(conversation.startedAt, timeZone),
    finishedAt: conversation.finishedAt ? moment(conversation.finishedAt, timeZone) : null,
    credits: conversation.credits === null ? null : numberFormat(m.locale).credits(conversation.credits),
    error,
    failedTool: conversation.failedTool,
    duration: durationView(conversation, m),
    chart,
    steps: conversation.steps.map((s) => stepView(s, steps)),
  };
}
