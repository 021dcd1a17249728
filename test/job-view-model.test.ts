/**
 * A bulk job's page data: the time left is read from the pace since a runner took the job, so time
 * spent queued (waiting for the runner, or for a crashed process's lease to run out) does not stretch it.
 */
import { describe, expect, it } from 'vitest';
import type { BulkJob } from '../src/actions/job-repository.js';
import { buildJobView } from '../src/actions/job-view-model.js';
import { en } from '../src/i18n/en.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000);

const job = (overrides: Partial<BulkJob>): BulkJob => ({
  id: '00000000-0000-4000-8000-000000000001',
  action: 'run_again',
  query: '',
  runIds: null,
  userId: 'u',
  userName: null,
  status: 'running',
  total: 100,
  succeeded: 50,
  skipped: 0,
  failed: 0,
  createdAt: minutesAgo(60),
  startedAt: minutesAgo(10),
  updatedAt: NOW,
  ...overrides,
});

const etaOf = (overrides: Partial<BulkJob>) =>
  buildJobView(job(overrides), [], { basePath: '/x', token: null, now: NOW, everySeconds: 2 }, en).eta;

describe('the time a bulk job has left', () => {
  it('counts from when a runner took the job, not from when it was queued', () => {
    // Half done in the ten minutes since it started: ten more, though it was queued an hour ago.
    expect(etaOf({})).toBe('About 10 minutes left');
    expect(etaOf({ succeeded: 99, skipped: 1 })).toBe('Less than a minute left');
  });

  it('is not shown before a runner took the job, nor once it stopped', () => {
    expect(etaOf({ status: 'queued', startedAt: null, succeeded: 0 })).toBeNull();
    expect(etaOf({ status: 'cancelled' })).toBeNull();
    expect(etaOf({ status: 'done', succeeded: 100 })).toBeNull();
  });
});
