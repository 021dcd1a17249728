/**
 * Every word the module's pages show, as a table a host can replace:
 * `createExecutionsAdmin({ db, messages: ptBR })`. English (en.ts, the spec's labels) is the
 * default; Brazilian Portuguese (pt-BR.ts) ships with it. A table is complete or it does not
 * type-check; to change a few words, spread one: `{ ...ptBR, weeklyReview: '…' }`.
 *
 * Functions take what they put in their text. A count comes twice: as a number, which chooses the
 * plural, and as the locale writes it ("1,234" or "1.234"), which is what to show. Dates come
 * written dd/MM/yyyy (the spec's format in English and Portuguese alike).
 *
 * The CSV export does not use the table: its header row and cells stay English, for the programs
 * that read it.
 */
import type { ExecutionStatus, ScheduleKind } from '../db/schema.js';
import type { ActionMessages, ActivityMessages, BulkMessages } from './action-messages.js';

/** A count in words: `n` chooses the form, `count` is n as the locale writes it. */
export type Counted = (n: number, count: string) => string;

/** A count followed by its noun, singular for one: "1 run", "1,234 runs". */
export const plural =
  (one: string, many: string): Counted =>
  (n, count) =>
    `${count} ${n === 1 ? one : many}`;

/** A run's list row named in words: the schedule and when it started. */
export type OfRun = (schedule: string, startedAt: string) => string;

/** Why a list filter's input was not applied; the message is shown by the field. */
export interface FieldErrorMessages {
  agentInvalid: string;
  /** An agent id that is not the organization's (another's, or a deleted bookmark's). */
  agentNotFound: string;
  statusInvalid: string;
  startDateInvalid: string;
  endDateInvalid: string;
  datesOutOfOrder: string;
  failureInvalid: string;
  /** A search term without three letters or digits together. */
  searchTooShort: string;
  /** A search term with a control character, or too long. */
  searchInvalid: string;
}

export type FieldErrorKey = keyof FieldErrorMessages;

/** The conversation fields a page may cut short, each with a download of the whole. */
export type WholeField = 'prompt' | 'input' | 'response' | 'errorMessage' | 'title';

/** Why a saved view's name or query was refused; shown by the field. */
export interface SavedViewErrors {
  nameMissing: string;
  nameTooLong: (max: number) => string;
  /** Control characters (NUL, line breaks…) in a name. */
  nameInvalid: string;
  duplicate: (name: string) => string;
  limit: (max: number) => string;
  queryTooLong: string;
}

/** The saved views in the list's header, their forms and the refused-form page. */
export interface SavedViewMessages {
  heading: string;
  none: string;
  /** After a view shared by someone else: "shared by Ana", or `shared` when the name is unknown. */
  sharedBy: (owner: string) => string;
  shared: string;
  manage: string;
  name: string;
  nameHint: (max: number) => string;
  share: string;
  save: string;
  /** A rename field's label: "New name for <view>". */
  newName: (name: string) => string;
  rename: string;
  /** A delete button, "Delete" with the view's name visually hidden after it. */
  delete: string;
  errorSummary: string;
  errors: SavedViewErrors;
  notFound: string;
  /** The page a request without a valid form token gets (403). */
  refusedTitle: string;
  refused: string;
  backToList: string;
}

export interface Messages {
  /** BCP 47 tag: the document's `lang`, and how numbers and month names are written. */
  locale: string;

  // The document and the page titles.
  skipLink: string;
  /** The list's heading, its table's caption, and the heading of the error pages. */
  executions: string;
  /**
   * The list's title: "Executions" on page 1 of every run; else with the filters in words (as
   * in the caption) and the page: "Executions (status Failed, page 2 of 14)". Latin-1, as list
   * pages are (test/routes.test.ts): no dash.
   */
  listTitle: (filters: string | null, page: number, pageCount: number | null) => string;
  /** The other pages' titles: "Failures by tool and error – Executions". */
  pageTitle: (title: string) => string;
  signInRequired: string;
  signInHint: string;
  /** A page or results region that failed: the database is unavailable or overloaded. */
  unavailable: string;
  /** A page or results region that failed for any other reason. */
  loadFailed: string;
  tryAgain: string;

  // The list's header and filters.
  weeklyReview: string;
  filtersLabel: string;
  /** The search field's label and hint: what it looks in. */
  search: string;
  searchHint: string;
  /** The option that also searches the conversations of the last `days` days' runs. */
  searchConversations: (days: number) => string;
  /** What it searches, heard with it. */
  searchConversationsHint: (days: number) => string;
  agent: string;
  allAgents: string;
  /** A deleted agent, in place of its name. */
  agentRemoved: string;
  status: string;
  allStatuses: string;
  statuses: Record<ExecutionStatus, string>;
  startDate: string;
  endDate: string;
  spikesOnly: string;
  /** The label of a failure filter applied from the digest. */
  failure: string;
  apply: string;
  clearFilters: string;
  /** The button that shows and hides the filters on a small screen, followed by `appliedCount`. */
  filters: string;
  /** "(2 applied)": how many filters the list has applied. Never called with 0. */
  appliedCount: Counted;
  selectedFilters: string;
  /** Read before an applied filter's words ("Status: Failed") in its link that removes it. */
  removeFilter: string;
  /** Read before a field's message by screen readers, its separator included. */
  errorPrefix: string;
  fieldErrors: FieldErrorMessages;

  // The filters in words, in the caption and the digest: "status Failed, from 01/11/2026".
  agentFilter: (agent: string) => string;
  statusFilter: (status: string) => string;
  fromFilter: (date: string) => string;
  toFilter: (date: string) => string;
  spikesFilter: string;
  failureFilter: (failure: string) => string;
  /** The search term in the caption's words: 'containing "timeout"'. */
  searchFilter: (term: string) => string;
  /** The same with the conversations searched too: 'containing "timeout", in conversations too'. */
  searchConversationsFilter: (term: string) => string;
  /** The term as "Selected filters" lists it with the conversations searched too. */
  searchConversationsApplied: (term: string) => string;
  /** A failure named by its first failed tool and its error: "google_calendar — 401 expired credential". */
  failureName: (tool: string, error: string) => string;
  noToolFailed: string;
  noErrorMessage: string;

  // The activity chart.
  /** The disclosure the chart opens from, closed until the user opens it. */
  activityChart: string;
  /** "Runs per day, 01/11/2026 to 29/11/2026". */
  chartTitle: (unit: 'day' | 'week' | 'month' | 'year', from: string, to: string) => string;
  /** Read after the title: ": 1,234 runs; the most, 80, in 12/11/2026. The list below gives each one." */
  chartSummary: (runs: number, count: string, most: string, busiest: string) => string;
  /** A week's bar, by its Monday. */
  weekOf: (date: string) => string;
  runs: Counted;
  /** One status's share of a bar: "30 Completed". */
  statusRuns: (status: string, count: string) => string;
  showFigures: string;

  // The results table.
  /** The caption as read: "Executions, filtered by status Failed, newest first, page 1 of 3". */
  tableCaption: (filters: string | null, order: string, page: number, pageCount: number | null) => string;
  /** The list's order in the caption, by the sort parameter's value ("-credits": "most credits first"). */
  sortOrders: Record<'-date' | 'date' | '-credits' | 'credits' | '-duration' | 'duration', string>;
  schedule: string;
  dateTime: string;
  credits: string;
  /** A run's column (finished − started) and a tool call's, on the conversation page's timeline. */
  duration: string;
  actions: string;
  /** Shown while a filter or page change is on its way; the stylesheet adds the ellipsis. */
  loading: string;
  /** The dash of credits not calculated yet, for screen readers. */
  notCalculated: string;
  /** The dash of a duration whose stored finish comes before its start, for screen readers. */
  durationUnknown: string;
  showError: OfRun;
  error: string;
  /** A Failed run's revealed error: the tool whose call failed first. */
  failedToolNote: (tool: string) => string;
  showFullError: string;
  /** Read after "Show the full error": ": Daily digest, 10/03/2026 12:30:05". */
  fullErrorContext: OfRun;
  /** "Credit spike: 4.5× usual". */
  creditSpike: (ratio: string) => string;
  /** Above the list read from a read replica that is behind: how far, as "1 min 12 s". */
  replicaBehind: (age: string) => string;
  /** "Running long (usually 3 min)". */
  runningLong: (usual: string) => string;
  /** A span of days; shorter ones are written in s, min and h. */
  days: Counted;
  viewConversation: string;
  /** The eye link's name, its start in full: "View conversation: Daily digest, 10/03/2026 12:30:05 UTC−03:00". */
  conversationLink: OfRun;
  /** A run's time when another of the page shares its schedule and second: "10/03/2026 12:30:05, run 3f2a9c1b". */
  sameSecond: (startedAt: string, run: string) => string;
  /**
   * Said once beside the times it speaks for: "Times in Eastern Time, UTC−05:00"; the zone is
   * null when Intl knows it by its offset alone.
   */
  timesIn: (zone: string | null, offset: string) => string;
  noMatches: string;
  /** After the "Clear filters" link, when nothing matches. */
  clearToSeeAll: string;
  noExecutionsYet: string;
  /** "45 executions total". */
  executionsTotal: Counted;
  /** A search's total past the bound it counts to: "More than 10,000 executions". */
  executionsMoreThan: Counted;
  /** A search's total that was not counted to the end: "At least 2,345 executions". */
  executionsAtLeast: Counted;
  /**
   * Conversations were not all searched in the time a request has: those of runs older (or, paging
   * back, newer) than `time` were not, and the page may lack some of their runs.
   */
  conversationSearchCut: (time: string, older: boolean) => string;
  /** "1,234.5 credits". */
  creditsTotal: Counted;
  downloadCsv: string;
  pagination: string;
  firstPage: string;
  previousPage: string;
  nextPage: string;
  lastPage: string;
  /** "Page 3 of 14"; "Page 3" while the total is not counted (a search matching more than the bound). */
  pageOf: (page: number, pageCount: number | null) => string;
  /** The live-refresh toggle's name; its pressed state says whether updates are paused. */
  pauseLiveUpdates: string;
  /** Above the table when runs arrived since it was read: "3 new runs — show". */
  newRuns: Counted;

  // The failure digest.
  failureDigest: string;
  backToExecutions: string;
  /** What the digest counts: "Failed runs filtered by agent Sales.", or every failed run. */
  digestScope: (filters: string | null) => string;
  noFailedRuns: string;
  digestCaption: string;
  firstFailedTool: string;
  runsColumn: string;
  agentsColumn: string;
  agents: Counted;
  /** Read after a group's "14 runs" link: "failed at google_calendar — 401 expired credential". */
  failedAt: (failure: string) => string;
  /** Under a digest that shows only its `limit` largest groups. */
  digestTruncated: (limit: number) => string;

  // The conversation page.
  started: string;
  finished: string;
  notFinished: string;
  scheduleKinds: Record<ScheduleKind, string>;
  timeline: string;
  /** The timeline chart's caption: "Tool calls over time: 5 calls in 1 min 12 s". */
  toolCallsChart: (calls: number, count: string, span: string) => string;
  /** Under the caption of a run with more calls than the chart draws. */
  slowestShown: (shown: string, total: string) => string;
  /** The chart's column headers: the tool, and when its call started after the run did. */
  tool: string;
  startedAfter: string;
  /** The bars' column header, read in place of its axis: "Time, from 0 ms to 1 min 12 s". */
  timeAxis: (from: string, to: string) => string;
  scheduledCall: string;
  finalResponse: string;
  toolCall: (tool: string) => string;
  /** A tool call recorded without a tool name. */
  unknownTool: string;
  ok: string;
  inputSent: string;
  responseReceived: string;
  /** The names of a tool call's scrollable input and response: "Input sent to google_calendar". */
  inputOf: (tool: string) => string;
  responseOf: (tool: string) => string;
  /** A tool input or output recorded as null. */
  nothing: string;
  noErrorRecorded: string;
  /** Sizes under a kilobyte; larger ones are written in KB, MB and GB. */
  bytes: Counted;
  /** Under a field cut short: "Showing the first 16.4 KB of 10.5 MB." */
  cutNotice: (shown: string, size: string) => string;
  /** "Download the full response (10.5 MB)". */
  downloadWhole: Record<WholeField, (size: string) => string>;
  conversationNotFound: string;
  conversationNotFoundHint: string;
  savedViews: SavedViewMessages;
  activity: ActivityMessages;
  runActions: ActionMessages;
  bulk: BulkMessages;
}
