/** The plain data of actions on a run: its buttons, the confirmation after one, its history and links. */
import type { ActionEntry } from '../db/run-actions.js';
import type { RunActionKind } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';
import { isoSecond, localSecond } from '../lib/time-zone.js';
import { toSearchParams, type ExecutionQuery } from '../list/query.js';
import type { ActionButtonView, ActionFormFields } from '../list/row-actions.js';

export type { ActionButtonView, ActionFormFields } from '../list/row-actions.js';

/** The path segment of each action's form, after the run's conversation path. */
export const ACTION_PATHS: Record<RunActionKind, string> = { run_again: 'run-again', cancel: 'cancel' };

export interface ActionHistoryEntry {
  at: { text: string; iso: string };
  text: string;
  outcome: string;
  /** The run a run again made, when it is of this organization. */
  madeHref: string | null;
}

export interface BannerView {
  success: boolean;
  title: string;
  text: string;
  link: { href: string; text: string } | null;
}

export interface RunActionsView {
  messages: Messages;
  form: ActionFormFields | null;
  buttons: ActionButtonView[];
  banner: BannerView | null;
  /** The run this one repeats, and the runs made from it. */
  repeatOf: { href: string; text: string } | null;
  ranAgainAs: { href: string; text: string }[];
  history: ActionHistoryEntry[];
}

/** The button of `action` on the run at `runPath`; `named` gives its full name (a list row). */
export function actionButton(
  action: RunActionKind,
  runPath: string,
  m: Messages,
  named?: { schedule: string; at: string },
): ActionButtonView {
  const a = m.runActions;
  return {
    action: `${runPath}/${ACTION_PATHS[action]}`,
    label: action === 'cancel' ? a.cancel : a.runAgain,
    name: named ? (action === 'cancel' ? a.cancelOf : a.runAgainOf)(named.schedule, named.at) : null,
  };
}

/** The hidden fields of forms shown on a page of `query`. */
export const formFields = (token: string, query: ExecutionQuery): ActionFormFields => ({
  token,
  back: toSearchParams({ ...query, cursor: null }).toString(),
});

function outcomeText(entry: ActionEntry, m: Messages): string {
  const a = m.runActions;
  if (entry.outcome === 'succeeded') return a.succeeded;
  if (entry.outcome === 'failed') return a.failed(entry.reason ?? '—');
  return entry.action === 'cancel' ? a.skippedFinished : a.skippedNotFinished;
}

/** The run's actions, links and the confirmation of `done` (the action just taken, by its id). */
export function buildRunActionsView(
  read: { entries: ActionEntry[]; repeatOf: string | null },
  input: {
    listPath: string;
    search: string;
    timeZone: string;
    form: ActionFormFields | null;
    buttons: ActionButtonView[];
    done: string | null;
    messages: Messages;
  },
): RunActionsView {
  const { listPath, search, timeZone, messages: m } = input;
  const a = m.runActions;
  const href = (conversationId: string) => `${listPath}/conversations/${conversationId}${search ? `?${search}` : ''}`;
  const at = (entry: ActionEntry) => ({ text: localSecond(entry.at, timeZone).text, iso: isoSecond(entry.at) });
  const made = (entry: ActionEntry, conversationId: string) => ({ href: href(conversationId), text: a.openMade(at(entry).text) });
  const history = read.entries.map((entry) => ({
    at: at(entry),
    text: a.entry(entry.action === 'cancel' ? a.cancel : a.runAgain, entry.userName ?? entry.userId),
    outcome: outcomeText(entry, m),
    madeHref: entry.newConversationId && href(entry.newConversationId),
  }));
  const doneEntry = read.entries.find((e) => e.id === input.done);
  const banner: BannerView | null = doneEntry
    ? {
        success: doneEntry.outcome === 'succeeded',
        title: doneEntry.outcome === 'succeeded' ? a.bannerTitle : a.bannerImportant,
        text:
          doneEntry.outcome === 'succeeded'
            ? doneEntry.action === 'cancel'
              ? a.cancelDone
              : a.runAgainDone
            : outcomeText(doneEntry, m),
        link: doneEntry.newConversationId ? made(doneEntry, doneEntry.newConversationId) : null,
      }
    : null;
  return {
    messages: m,
    form: input.form,
    buttons: input.buttons,
    banner,
    repeatOf: read.repeatOf === null ? null : { href: href(read.repeatOf), text: a.openRepeated },
    ranAgainAs: read.entries.flatMap((e) => (e.newConversationId ? [made(e, e.newConversationId)] : [])),
    history,
  };
}
