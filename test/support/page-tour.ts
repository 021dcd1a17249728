/**
 * Every kind of page and fragment the module renders, requested through its routes at a fixed
 * instant: the list (rows, pages, filters, field errors, empty, every chart unit), its htmx
 * fragment and poll, the failure digest, conversations (one with fields cut short), not found, 401,
 * 500 and 503 — for tests that must see every message of a table at least once.
 */
import { vi } from 'vitest';
import { createJob } from '../../src/actions/job-repository.js';
import type { ExecutionsDatabase } from '../../src/db/database.js';
import { openMigratedPglite } from './migrated-pglite.js';
import { and, eq } from 'drizzle-orm';
import {
  agents,
  bulkJobs,
  conversations,
  executions,
  organizations,
  runActions,
  savedViews,
  schedules,
  steps,
} from '../../src/db/schema.js';
import { VIEWS_PER_USER } from '../../src/db/saved-views.js';
import { formSigner } from '../../src/http/csrf.js';
import { DIGEST_LIMIT } from '../../src/digest/failure-digest.js';
import type { ExecutionsAdminOptions } from '../../src/http/executions-admin.js';
import { REFRESH_HEADER } from '../../src/list/live-refresh.js';
import { TIMELINE_BARS } from '../../src/conversation/timeline.js';
import { startExecution } from '../../src/write/recorder.js';
import { AGENT, BASE_TIME, fixtureRuns, insertFixture, ORG_A, scheduleIdOf } from './fixture.js';
import { createTestHost, htmxHeaders, ORG_HEADER } from './test-host.js';

/** Half an hour after the fixture's newest run: the pages' "now". */
export const TOUR_NOW = new Date(BASE_TIME.getTime() + 30 * 60_000);

const id = (n: number) => `00000000-0000-4000-8fff-${n.toString(16).padStart(12, '0')}`;

/**
 * A run running long, a credit spike, a failed run whose texts are too long for the page, and a
 * run ten years old, so that the chart shows years, months, weeks or days as the filters ask.
 */
export const TOUR_RUNS = { runningLong: id(1), spike: id(2), long: id(3), ancient: id(4) };
const conversationOf = (run: string) => run.replace('-8fff-', '-8ffe-');
const LONG = 'A long line of text, repeated. '.repeat(700);

async function insertTourRuns(db: ExecutionsDatabase): Promise<void> {
  const at = (minutes: number) => new Date(BASE_TIME.getTime() + minutes * 60_000);
  const runs = [
    { id: TOUR_RUNS.runningLong, status: 'active' as const, startedAt: at(10), usualDurationMs: 60_000 },
    { id: TOUR_RUNS.spike, status: 'completed' as const, startedAt: at(5), credits: 1234.5, usualCredits: 100 },
    { id: TOUR_RUNS.long, status: 'failed' as const, startedAt: at(-50 * 60), errorMessage: LONG },
    { id: TOUR_RUNS.ancient, status: 'completed' as const, startedAt: new Date('2016-01-04T12:00:00Z'), credits: 2 },
  ];
  await db.insert(conversations).values(
    runs.map((r) => ({
      organizationId: ORG_A,
      id: conversationOf(r.id),
      agentId: AGENT.sales,
      channel: 'schedule' as const,
      title: 'Daily sales digest',
      createdAt: r.startedAt,
    })),
  );
  await db.insert(executions).values(
    runs.map((r) => ({
      organizationId: ORG_A,
      conversationId: conversationOf(r.id),
      agentId: AGENT.sales,
      scheduleId: scheduleIdOf(AGENT.sales),
      finishedAt: r.status === 'active' ? null : new Date(r.startedAt.getTime() + 1_500_000),
      usualCredits: null,
      usualDurationMs: null,
      ...r,
    })),
  );
  const step = (run: string, position: number, fields: Partial<typeof steps.$inferInsert>) => ({
    organizationId: ORG_A,
    conversationId: conversationOf(run),
    position,
    kind: 'tool_call' as const,
    createdAt: at(position),
    ...fields,
  });
  await db.insert(steps).values([
    step(TOUR_RUNS.spike, 0, { kind: 'scheduled_call', content: 'Summarise the day.' }),
    step(TOUR_RUNS.spike, 1, {
      toolName: 'crm.search',
      toolInput: { q: 'deals' },
      toolOutput: null,
      ok: true,
      durationMs: 1_234_567,
    }),
    step(TOUR_RUNS.spike, 2, { kind: 'final_response', content: 'Posted the digest.' }),
    step(TOUR_RUNS.long, 0, { kind: 'scheduled_call', content: LONG }),
    step(TOUR_RUNS.long, 1, { toolName: 'crm.export', toolInput: { text: LONG }, toolOutput: LONG, ok: false, durationMs: 90 }),
    // A tool call whose duration was not recorded (the write API requires one; SQL need not).
    step(TOUR_RUNS.long, 2, { toolName: 'crm.retry', toolInput: {}, toolOutput: {}, ok: true, durationMs: null }),
    step(TOUR_RUNS.long, 3, { kind: 'error', content: null }),
    // More tool calls than the timeline draws, a second apart.
    ...Array.from({ length: TIMELINE_BARS + 1 }, (_, i) =>
      step(TOUR_RUNS.runningLong, i, {
        toolName: `inventory.check_${i}`,
        toolInput: {},
        toolOutput: {},
        ok: true,
        durationMs: (i % 7) * 100,
        createdAt: new Date(at(10).getTime() + (i + 1) * 1000),
      }),
    ),
  ]);
}

/**
 * An organization with more kinds of failure than the digest shows, all of one schedule in one
 * second (in UTC): its list names each run by its id.
 */
const MANY_FAILURES = 'org-many-failures';

async function insertManyFailures(db: ExecutionsDatabase): Promise<void> {
  const agentId = id(100);
  const scheduleId = id(101);
  await db.insert(organizations).values({ organizationId: MANY_FAILURES, name: 'Many failures', timeZone: 'UTC' });
  await db.insert(agents).values({ organizationId: MANY_FAILURES, id: agentId, name: 'Flaky agent' });
  await db.insert(schedules).values({
    organizationId: MANY_FAILURES,
    id: scheduleId,
    agentId,
    name: 'Hourly',
    kind: 'trigger',
    expression: 'crm.updated',
  });
  // Signatures replace numbers: each kind of failure is named by letters.
  const names = Array.from({ length: DIGEST_LIMIT + 1 }, (_, i) => String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26)));
  await db.insert(conversations).values(
    names.map((_, i) => ({
      organizationId: MANY_FAILURES,
      id: conversationOf(id(200 + i)),
      agentId,
      channel: 'schedule' as const,
      title: 'Hourly',
      createdAt: BASE_TIME,
    })),
  );
  await db.insert(executions).values(
    names.map((name, i) => ({
      organizationId: MANY_FAILURES,
      id: id(200 + i),
      conversationId: conversationOf(id(200 + i)),
      agentId,
      scheduleId,
      status: 'failed' as const,
      startedAt: BASE_TIME,
      finishedAt: BASE_TIME,
      errorMessage: `Service ${name} refused`,
    })),
  );
}

const USER_HEADER = 'x-test-user';

/** Ana's view, shared; one Bo shared; one shared by a user the host gave no name; a user at the limit. */
async function insertSavedViews(db: ExecutionsDatabase): Promise<void> {
  const view = (n: number, userId: string, name: string, query: string, ownerName: string | null = null) => ({
    organizationId: ORG_A,
    id: id(100 + n),
    userId,
    ownerName,
    name,
    query,
    shared: true,
  });
  await db
    .insert(savedViews)
    .values([
      view(0, 'ana', 'Vista Ana', 'status=failed'),
      view(1, 'bo', 'Vista Bo', 'spikes=1', 'Bo'),
      view(2, 'cy', 'Vista Cy', `agent=${AGENT.sales}`),
      ...Array.from({ length: VIEWS_PER_USER }, (_, i) => ({ ...view(3 + i, 'full', `Vista ${i}`, ''), shared: false })),
    ]);
}

export interface TourPage {
  name: string;
  status: number;
  body: string;
}

/** Requests every stop of the tour from the module made with `options`, at TOUR_NOW. */
export async function tourPages(options: Omit<ExecutionsAdminOptions, 'db'> = {}): Promise<TourPage[]> {
  const database = await openMigratedPglite();
  const broken = await openMigratedPglite();
  vi.useFakeTimers({ toFake: ['Date'], now: TOUR_NOW });
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    await insertFixture(database.db);
    await insertTourRuns(database.db);
    await insertManyFailures(database.db);
    const app = createTestHost(database.db, '/admin/executions', options);
    const overloaded = createTestHost(database.db, '/admin/executions', {
      ...options,
      admission: { lists: { concurrent: 0, queued: 0 } },
    });
    const failing = createTestHost(broken.db, '/admin/executions', options);
    await broken.close();
    const viewer = createTestHost(database.db, '/admin/executions', {
      ...options,
      user: (c) => ({ id: c.req.header(USER_HEADER) ?? 'ana' }),
      canShareViews: () => true,
      csrfSecret: 'tour',
    });
    await insertSavedViews(database.db);
    // A user who may act, through a host whose scheduler refuses when asked to.
    const actor = createTestHost(database.db, '/admin/executions', {
      ...options,
      user: () => ({ id: 'ana', name: 'Ana' }),
      canAct: () => true,
      csrfSecret: 'tour',
      actions: {
        runAgain: async (run, ctx) => {
          if (ctx.c?.req.header('x-refuse')) throw new Error('scheduler down');
          return startExecution(database.db, ctx.organizationId, { key: ctx.key, scheduleId: run.scheduleId, prompt: 'again' });
        },
        cancel: async () => {},
      },
    });

    const L = '/admin/executions';
    const run1 = fixtureRuns()[1]!.conversationId;
    const poll = { ...htmxHeaders, [REFRESH_HEADER]: 'true' };
    // A poller's state as a page that showed the running-long run before its flag, and runs up
    // to the spike (or to run 0), would send it: its cells and a new-runs notice come back.
    const stale = `${Buffer.from(TOUR_RUNS.runningLong.replaceAll('-', ''), 'hex').toString('base64url')}${'A'.repeat(12)}`;
    const since = (minutes: number, run: string) =>
      `${new Date(BASE_TIME.getTime() + minutes * 60_000).toISOString().replace('Z', '000Z')},${run}`;
    const stops: [string, typeof app, string, Record<string, string>?, string?][] = [
      ['list', app, L],
      ['list, page 2', app, `${L}?page=2`],
      ['list, last page', app, `${L}?page=3`],
      ['list, filtered', app, `${L}?agent=${AGENT.sales}&status=failed&start=2026-03-08&end=2026-03-10`],
      ['list, unusable filters', app, `${L}?agent=nope&status=deleted&start=2026-02-30&end=0002-01-01&tool=%01`],
      ['list, dates in the wrong order', app, `${L}?start=2026-03-10&end=2026-03-01`],
      ['list, another organization’s agent', app, `${L}?agent=${AGENT.orgB}`],
      ['list, a removed agent', app, `${L}?agent=${AGENT.removed}`],
      ['list, credit spikes', app, `${L}?spikes=1`],
      ['list, searched', app, `${L}?q=Digest&status=completed`],
      ['list, searched in conversations too', app, `${L}?q=Digest&conversations=1`],
      ['list, a search too short', app, `${L}?q=ab`],
      ['list, an unusable search', app, `${L}?q=line%0Abreak`],
      ['list, oldest first', app, `${L}?sort=date`],
      ['list, most credits first', app, `${L}?sort=-credits&status=completed`],
      ['list, fewest credits first, page 2', app, `${L}?sort=credits&page=2`],
      ['list, longest first', app, `${L}?sort=-duration`],
      ['list, shortest first, searched', app, `${L}?sort=duration&q=Digest`],
      [
        'list, one failure',
        app,
        `${L}?tool=google_calendar.list_events&error=</p><script>alert("error")</script><a href="javascript:alert(<n>)">x</a>`,
      ],
      ['list, one failure without a tool', app, `${L}?tool=&error=`],
      ['list, days', app, `${L}?start=2026-03-01`],
      ['list, weeks', app, `${L}?start=2025-12-01`],
      ['list, months', app, `${L}?start=2024-06-01`],
      ['list, nothing matches', app, `${L}?start=2001-01-01&end=2001-01-02`],
      ['list, nothing recorded', app, L, {}, 'org-without-runs'],
      ['list, runs of one schedule in one second', app, L, {}, MANY_FAILURES],
      ['fragment', app, `${L}?status=failed&page=2`, htmxHeaders],
      ['fragment with errors', app, `${L}?status=nope&start=2026-03-10&end=2026-03-01`, htmxHeaders],
      ['poll', app, `${L}?watch=${stale}&since=${since(5, TOUR_RUNS.spike)}`, poll],
      ['poll, new runs', app, `${L}?since=${since(0, fixtureRuns()[0]!.id)}`, poll],
      ['digest', app, `${L}/failures`],
      ['digest, filtered', app, `${L}/failures?agent=${AGENT.support}&status=failed&start=2026-03-01`],
      ['digest, unusable filters', app, `${L}/failures?agent=nope&end=2026-13-01`],
      ['digest, empty', app, `${L}/failures?start=2001-01-01&end=2001-01-02`],
      ['digest, more than it shows', app, `${L}/failures`, {}, MANY_FAILURES],
      ['conversation', app, `${L}/conversations/${run1}?status=failed&page=2`],
      ['conversation, completed', app, `${L}/conversations/${conversationOf(TOUR_RUNS.spike)}`],
      ['conversation, cut short', app, `${L}/conversations/${conversationOf(TOUR_RUNS.long)}`],
      ['conversation, active', app, `${L}/conversations/${conversationOf(TOUR_RUNS.runningLong)}`],
      ['conversation, a removed agent’s trigger', app, `${L}/conversations/${fixtureRuns()[2]!.conversationId}`],
      ['conversation not found', app, `${L}/conversations/00000000-0000-4000-8000-00000000dead`],
      ['download not found', app, `${L}/conversations/not-a-uuid/error`],
      ['signed out', app, L, {}, ''],
      ['failed', failing, L],
      ['failed, fragment', failing, L, htmxHeaders],
      ['unavailable', overloaded, L],
      ['unavailable, fragment', overloaded, L, htmxHeaders],
      ['unavailable, poll', overloaded, L, poll],
      ['CSV', app, `${L}/export.csv?status=failed`],
      ['list, saved views', viewer, `${L}?status=failed`],
      ['list, no saved views', viewer, L, {}, 'org-without-runs'],
    ];
    const pages: TourPage[] = [];
    for (const [name, host, path, headers = {}, organization = ORG_A] of stops) {
      const res = await host.request(path, { headers: { ...(organization ? { [ORG_HEADER]: organization } : {}), ...headers } });
      pages.push({ name, status: res.status, body: await res.text() });
    }
    const token = (user: string) => formSigner('tour').token(ORG_A, user);
    const forms: [string, string, Record<string, string>, string?][] = [
      ['saved view, name taken', '/views', { name: 'VISTA ana', query: 'status=failed' }],
      ['saved view, no name', '/views', { name: ' ', query: '' }],
      ['saved view, name too long', '/views', { name: 'x'.repeat(81), query: '' }],
      ['saved view, control characters', '/views', { name: 'a\u0000b', query: '' }],
      ['saved view, query too long', '/views', { name: 'Longa', query: 'x'.repeat(5000) }],
      ['saved view, one too many', '/views', { name: 'Uma', query: '' }, 'full'],
      ['saved view, not found', `/views/${id(99)}/delete`, { query: '' }],
      ['saved view, no token', '/views', { name: 'Forjada', query: '', csrf: '' }],
    ];
    for (const [name, path, fields, user = 'ana'] of forms) {
      const res = await viewer.request(`${L}${path}`, {
        method: 'POST',
        headers: { [ORG_HEADER]: ORG_A, [USER_HEADER]: user, 'Sec-Fetch-Site': 'same-origin' },
        body: new URLSearchParams({ csrf: token(user), ...fields }),
      });
      pages.push({ name, status: res.status, body: await res.text() });
    }
    // Actions on runs, each followed to the run's page that confirms it.
    let acted = 0;
    const act = async (name: string, run: string, action: string, more: Record<string, string> = {}) => {
      // A second apart, so that the history's order is the order they were taken in.
      vi.setSystemTime(TOUR_NOW.getTime() + ++acted * 1000);
      const res = await actor.request(`${L}/conversations/${conversationOf(run)}/${action}`, {
        method: 'POST',
        headers: { [ORG_HEADER]: ORG_A, 'Sec-Fetch-Site': 'same-origin', ...more },
        body: new URLSearchParams({ csrf: more.csrf ?? token('ana'), back: 'status=failed' }),
      });
      const location = res.headers.get('Location');
      const shown = location ? await actor.request(location, { headers: { [ORG_HEADER]: ORG_A } }) : res;
      const body = await shown.text();
      pages.push({ name, status: shown.status, body });
      return body;
    };
    pages.push({
      name: 'list, actions',
      status: 200,
      body: await (await actor.request(L, { headers: { [ORG_HEADER]: ORG_A } })).text(),
    });
    await act('action, run again skipped', TOUR_RUNS.runningLong, 'run-again');
    await act('action, cancelled', TOUR_RUNS.runningLong, 'cancel');
    await act('action, cancel skipped', TOUR_RUNS.runningLong, 'cancel');
    await act('action, run again refused', TOUR_RUNS.spike, 'run-again', { 'x-refuse': '1' });
    const ran = await act('action, ran again', TOUR_RUNS.spike, 'run-again');
    const made = /class="xa-banner__text">[^<]*<a href="([^"]+)"/.exec(ran)?.[1]?.replaceAll('&amp;', '&') ?? L;
    const repeat = await actor.request(made, { headers: { [ORG_HEADER]: ORG_A } });
    pages.push({ name: 'action, the run it made', status: repeat.status, body: await repeat.text() });
    // The run it made has an id of its own each time: named alike, the pages compare.
    const madeId = /conversations\/([0-9a-f-]{36})/.exec(made)?.[1] ?? '';
    for (const page of pages.slice(-2)) page.body = page.body.replaceAll(madeId, 'the-run-it-made');
    await act('action, forged', TOUR_RUNS.spike, 'cancel', { csrf: 'forged' });
    const get = await actor.request(`${L}/conversations/${conversationOf(TOUR_RUNS.spike)}/cancel`, {
      headers: { [ORG_HEADER]: ORG_A },
    });
    pages.push({ name: 'action, by GET', status: get.status, body: await get.text() });
    // Bulk jobs: the confirmations, a job waiting and one done (made here, not run: no runner in the
    // tour's frozen time), a second refused, one not found. Their ids are their own: named alike.
    const bulk = async (name: string, path: string, query: string, selected?: string[]) => {
      const fields = [
        ['csrf', token('ana')],
        ['query', query],
        ...(selected ? [['scope', 'selected'], ...selected.map((run) => ['run', run])] : []),
      ];
      const res = await actor.request(`${L}${path}`, {
        method: 'POST',
        headers: { [ORG_HEADER]: ORG_A, 'Sec-Fetch-Site': 'same-origin' },
        body: new URLSearchParams(fields),
      });
      pages.push({ name, status: res.status, body: await res.text() });
    };
    await bulk('bulk, confirm', '/bulk/run-again', `agent=${AGENT.sales}&status=failed`);
    await bulk('bulk, confirm all runs', '/bulk/run-again', '');
    await bulk('bulk, nothing to confirm', '/bulk/cancel', 'start=2001-01-01&end=2001-01-02');
    await bulk('bulk, confirm selected', '/bulk/run-again', 'status=failed', [TOUR_RUNS.spike, TOUR_RUNS.long]);
    await bulk('bulk, none selected', '/bulk/cancel', '', []);
    await bulk(
      'bulk, too many selected',
      '/bulk/cancel',
      '',
      Array.from({ length: 101 }, (_, i) => id(200 + i)),
    );
    // Each job then takes a fixed id: the pages link to them (the refusal names the running one).
    const job = async (total: number, fixed: string) => {
      const made = await createJob(database.db, ORG_A, {
        action: 'run_again',
        query: 'status=failed',
        userId: 'ana',
        userName: 'Ana',
        total,
      });
      if (!('job' in made)) throw new Error('the tour’s organization has a job already');
      await database.db
        .update(bulkJobs)
        .set({ id: fixed })
        .where(and(eq(bulkJobs.organizationId, ORG_A), eq(bulkJobs.id, made.job.id)));
      return fixed;
    };
    const done = await job(12, id(96));
    await database.db
      .update(bulkJobs)
      .set({ status: 'done', succeeded: 10, skipped: 1, failed: 1 })
      .where(and(eq(bulkJobs.organizationId, ORG_A), eq(bulkJobs.id, done)));
    const waiting = await job(12, id(97));
    await bulk('bulk, a job already running', '/bulk/run-again/confirm', 'status=failed');
    // Running for a while, 3 of its 12 done: an estimate of minutes, then of less than one.
    const running = (startedMsAgo: number) =>
      database.db
        .update(bulkJobs)
        .set({ status: 'running', succeeded: 3, startedAt: new Date(Date.now() - startedMsAgo) })
        .where(and(eq(bulkJobs.organizationId, ORG_A), eq(bulkJobs.id, waiting)));
    const stopsOfJobs: [string, string, Record<string, string>, number?][] = [
      ['bulk job, waiting', waiting, {}],
      ['bulk job, running', waiting, {}, 10 * 60_000],
      ['bulk job, running, fragment', waiting, htmxHeaders, 10_000],
      ['bulk job, done', done, {}],
      ['bulk job, not found', id(98), {}],
    ];
    for (const [name, jobId, headers, startedMsAgo] of stopsOfJobs) {
      if (startedMsAgo !== undefined) await running(startedMsAgo);
      const res = await actor.request(`${L}/jobs/${jobId}`, { headers: { [ORG_HEADER]: ORG_A, ...headers } });
      pages.push({ name, status: res.status, body: await res.text() });
    }
    for (const page of pages.slice(-5))
      page.body = page.body.replaceAll(waiting, 'the-job-waiting').replaceAll(done, 'the-job-done');
    // The Activity view: the actions above, one of the job done, and one on a run since pruned.
    const trailed = (minutes: number) => new Date(TOUR_NOW.getTime() - minutes * 60_000);
    await database.db.insert(runActions).values([
      {
        organizationId: ORG_A,
        executionId: fixtureRuns()[1]!.id,
        action: 'run_again',
        userId: 'ana',
        outcome: 'succeeded',
        at: trailed(1),
        jobId: done,
      },
      {
        organizationId: ORG_A,
        executionId: id(95),
        action: 'cancel',
        userId: 'bo',
        userName: 'Bo',
        outcome: 'skipped',
        at: trailed(2),
      },
    ]);
    const activityStops: [string, string, string?][] = [
      ['activity', `${L}/activity`],
      ['activity, filtered', `${L}/activity?status=failed&agent=${AGENT.sales}`],
      ['activity, unusable filters', `${L}/activity?agent=nope&status=deleted&page=3&after=nope`],
      ['activity, nothing matches', `${L}/activity?start=2001-01-01&end=2001-01-02`],
      ['activity, nothing yet', `${L}/activity`, 'org-without-runs'],
    ];
    for (const [name, path, organization = ORG_A] of activityStops) {
      const res = await actor.request(path, { headers: { [ORG_HEADER]: organization } });
      pages.push({ name, status: res.status, body: await res.text() });
    }
    return pages;
  } finally {
    logged.mockRestore();
    vi.useRealTimers();
    await database.close();
  }
}
