/** The plain data of bulk jobs' pages: the list's buttons, the confirmation, and a job's progress and report. */
import type { RunActionKind } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';
import { numberFormat } from '../lib/format.js';
import type { BulkButtonsView } from '../list/row-actions.js';
import type { BulkJob } from './job-repository.js';

export type { BulkButtonsView } from '../list/row-actions.js';
import { ACTION_PATHS } from './view-model.js';

export interface ConfirmView {
  title: string;
  text: string;
  /** Null when no run matches: nothing to confirm. `runs`: the selected runs, null for all the query keeps. */
  form: { action: string; token: string; query: string; runs: string[] | null; label: string } | null;
  backHref: string;
  backText: string;
}

export interface JobView {
  title: string;
  status: { label: string; text: string };
  /** The bar: runs done of the whole, and in words. */
  done: number;
  total: number;
  progressText: string;
  eta: string | null;
  counts: { label: string; value: string }[];
  failuresTitle: string;
  failures: { href: string | null; text: string; reason: string }[];
  /** While the job is unfinished: where the page polls and links to refresh, and its cancel form. */
  live: { href: string; everySeconds: number; refreshText: string } | null;
  cancel: { action: string; token: string; label: string } | null;
  backHref: string;
  backText: string;
}

const actionLabel = (action: RunActionKind, m: Messages) => (action === 'cancel' ? m.runActions.cancel : m.runActions.runAgain);

export const bulkPath = (basePath: string, action: RunActionKind) => `${basePath}/bulk/${ACTION_PATHS[action]}`;
export const jobPath = (basePath: string, jobId: string) => `${basePath}/jobs/${jobId}`;

export function buildBulkButtons(
  basePath: string,
  actions: RunActionKind[],
  token: string,
  query: string,
  m: Messages,
): BulkButtonsView {
  return {
    token,
    query,
    buttons: actions.map((action) => ({
      action: bulkPath(basePath, action),
      label: action === 'cancel' ? m.bulk.cancelAll : m.bulk.runAgainAll,
    })),
    selected: actions.map((action) => ({
      action: bulkPath(basePath, action),
      label: action === 'cancel' ? m.bulk.cancelSelected : m.bulk.runAgainSelected,
    })),
  };
}

/**
 * The confirmation of a job on `count` runs: those selected in the list's rows (`form.runs`), or,
 * when it is null, every run the filters keep.
 */
export function buildConfirmView(
  basePath: string,
  action: RunActionKind,
  count: number,
  filters: string,
  form: { token: string; query: string; runs: string[] | null },
  m: Messages,
): ConfirmView {
  const n = numberFormat(m.locale).count(count);
  const selected = form.runs !== null;
  const text =
    count === 0
      ? selected
        ? m.bulk.noneSelected
        : m.bulk.noRuns
      : selected
        ? m.bulk.selectedText(count, n)
        : m.bulk.confirmText(count, n, filters || m.bulk.allRuns);
  return {
    title: m.bulk.confirmTitle(actionLabel(action, m), count, n),
    text,
    form: count === 0 ? null : { action: `${bulkPath(basePath, action)}/confirm`, ...form, label: m.bulk.confirm },
    backHref: form.query ? `${basePath}?${form.query}` : basePath,
    backText: m.backToExecutions,
  };
}

/**
 * Minutes left at the pace since a runner first took the job, so not counting the time it waited;
 * null before any run is done or once the job has stopped.
 */
function etaOf(job: BulkJob, done: number, now: Date, m: Messages): string | null {
  const elapsed = now.getTime() - (job.startedAt ?? now).getTime();
  if (job.status !== 'running' || done === 0 || elapsed <= 0) return null;
  const minutes = Math.floor(((job.total - done) * (elapsed / done)) / 60_000);
  return minutes < 1 ? m.bulk.etaUnderMinute : m.bulk.etaMinutes(minutes, numberFormat(m.locale).count(minutes));
}

export function buildJobView(
  job: BulkJob,
  failures: { conversationId: string | null; reason: string | null }[],
  context: { basePath: string; token: string | null; now: Date; everySeconds: number },
  m: Messages,
): JobView {
  const format = numberFormat(m.locale).count;
  const done = job.succeeded + job.skipped + job.failed;
  // Runs started between the count and the job's start may make it more than the count stated.
  const total = Math.max(job.total, done);
  const unfinished = job.status === 'queued' || job.status === 'running';
  const path = jobPath(context.basePath, job.id);
  return {
    title: m.bulk.jobTitle(actionLabel(job.action, m)),
    status: { label: m.bulk.statusLabel, text: m.bulk.statuses[job.status] },
    done,
    total,
    progressText: m.bulk.progress(format(done), total, format(total)),
    eta: etaOf(job, done, context.now, m),
    counts: [
      { label: m.runActions.succeeded, value: format(job.succeeded) },
      { label: m.bulk.skipped, value: format(job.skipped) },
      { label: m.bulk.failed, value: format(job.failed) },
    ],
    failuresTitle: m.bulk.failures,
    failures: failures.map((failure) => ({
      href: failure.conversationId && `${context.basePath}/conversations/${failure.conversationId}`,
      text: failure.conversationId ?? '—',
      reason: failure.reason ?? '—',
    })),
    live: unfinished ? { href: path, everySeconds: context.everySeconds, refreshText: m.bulk.refresh } : null,
    cancel: unfinished && context.token ? { action: `${path}/cancel`, token: context.token, label: m.bulk.cancelJob } : null,
    backHref: context.basePath,
    backText: m.backToExecutions,
  };
}
