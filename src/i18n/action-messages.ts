/**
 * The words of actions on runs (the host's `actions` option): a run's buttons and history, bulk
 * jobs, and the Activity view. Part of the table in messages.ts.
 */
import type { Counted, OfRun } from './messages.js';

/** Bulk jobs: the list's buttons, the confirmation, and the job's page. */
export interface BulkMessages {
  runAgainAll: string;
  cancelAll: string;
  /** The buttons that act on the runs ticked in the list, and each row's tick box's name. */
  runAgainSelected: string;
  cancelSelected: string;
  select: OfRun;
  /** The confirmation's text for ticked runs; `runs` chooses the form. */
  selectedText: Counted;
  noneSelected: string;
  /** More runs posted than a list's page holds: a forged form. */
  tooManySelected: Counted;
  /** The confirmation's title: the action, and how many runs (`runs` chooses the form, `count` writes it). */
  confirmTitle: (action: string, runs: number, count: string) => string;
  /** The filters in words, or allRuns when none is set. */
  confirmText: (runs: number, count: string, filters: string) => string;
  allRuns: string;
  confirm: string;
  noRuns: string;
  busyTitle: string;
  busy: string;
  openJob: string;
  jobTitle: (action: string) => string;
  /** The bar's text equivalent: `runs` (the total) chooses the form. */
  progress: (done: string, runs: number, total: string) => string;
  etaMinutes: Counted;
  etaUnderMinute: string;
  statusLabel: string;
  statuses: { queued: string; running: string; cancelled: string; done: string };
  skipped: string;
  failed: string;
  failures: string;
  refresh: string;
  cancelJob: string;
  jobNotFound: string;
}

/** Actions on runs (the host's `actions` option): their buttons, confirmation and history. */
export interface ActionMessages {
  runAgain: string;
  cancel: string;
  /** The button's full name in a list row: "Run again: <schedule>, <start>". */
  runAgainOf: OfRun;
  cancelOf: OfRun;
  /** The error a cancelled run ends with, naming who cancelled it. */
  cancelledBy: (user: string) => string;
  /** The run's page: "Run again of" a link to the run it repeats, "Ran again as" each it made. */
  runAgainOfLabel: string;
  ranAgainAs: string;
  /** The links' texts: to the run this one repeats, and to a run made from it (when it was asked for). */
  openRepeated: string;
  openMade: (at: string) => string;
  history: string;
  /** A history entry: "Cancel by Ana", with its outcome after it. */
  entry: (action: string, user: string) => string;
  succeeded: string;
  /** Skipped: cancel of a run already finished, run again of one not finished. */
  skippedFinished: string;
  skippedNotFinished: string;
  /** Failed, with what the host's scheduler said. */
  failed: (reason: string) => string;
  /** The confirmation's title and its words by outcome. */
  bannerTitle: string;
  bannerImportant: string;
  cancelDone: string;
  runAgainDone: string;
  notAllowedTitle: string;
  notAllowed: string;
  /** A GET at a form's address. */
  useTheForm: string;
}

/** The Activity view: the actions taken on runs, with the list's filters (the host's `actions` option). */
export interface ActivityMessages {
  /** The view's heading, and the list's link to it. */
  title: string;
  /** What the view lists: every action, or those on runs the filters (in words) keep. */
  scope: (filters: string | null) => string;
  caption: (page: number) => string;
  when: string;
  who: string;
  action: string;
  run: string;
  outcome: string;
  job: string;
  /** A run's link: its agent, its schedule (the conversation's title) and its start. */
  runName: (agent: string, schedule: string, startedAt: string) => string;
  /** In place of a run retention has removed. */
  runRemoved: string;
  /** The link to the bulk job an action was taken by, named by the job id's beginning. */
  jobName: (id: string) => string;
  /** Heard in place of the dash of an action taken on one run, not by a bulk job. */
  notFromJob: string;
  outcomes: { succeeded: string; skipped: string; failed: string };
  none: string;
  noMatches: string;
  /** After the "Clear filters" link, when no action matches. */
  clearToSeeAll: string;
}
