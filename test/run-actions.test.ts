/**
 * Actions on runs over HTTP, on PGlite and real Postgres: Run again and Cancel shown only to a
 * permitted user and only on runs they fit; each done through a POST that passes the CSRF check,
 * answered by a 303 to the run's page confirming it; a cancel ends the run Failed through the write
 * API (totals exact), a cancel sent twice is skipped and tells the host once; the host's errors are
 * recorded; every forged request (no user, not permitted, no or wrong token, another origin,
 * another organization's run, GET) is a 403 or 405 and changes nothing; hostile user names stay text.
 * The Activity view: only with the host's actions (404 without, no link from the list); the
 * organization's actions only; the list's filters narrow it to actions on the runs they keep;
 * unfiltered, actions on runs since pruned too; pages of 20 by keyset, newest first, each action
 * once however many share an instant; hostile text stays text; unusable query values are the list's
 * defaults, never a 500.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionDailyCounts, executions, runActions } from '../src/db/schema.js';
import type { ActedRun } from '../src/db/run-actions.js';
import type { ActionContext } from '../src/http/options.js';
import {
  markActive,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
  completeExecution,
  recordFinishedRuns,
} from '../src/write/recorder.js';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { createTestHost, ORG_HEADER, parseDocument, text } from './support/test-host.js';

const LIST = '/admin/executions';
const ACTIVITY = `${LIST}/activity`;
const HOSTILE = '<script>alert("x")</script>"\u202e';
const BASE = Date.UTC(2026, 10, 1, 9);
/** The confirmation's title and text. */
const banner = (doc: Document) =>
  `${text(doc.querySelector('.xa-banner__title'))} | ${text(doc.querySelector('.xa-banner__text'))}`;
const USER_HEADER = 'x-test-user';
const HOSTILE_NAME = '<img src=x onerror=alert(1)>\u0000\u202eZé';

async function schedule(db: ExecutionsDatabase, org: string) {
  const agentId = randomUUID();
  const scheduleId = randomUUID();
  await upsertOrganization(db, org, { name: org, timeZone: 'UTC' });
  await upsertAgent(db, org, { agentId, name: `Agent of ${org}` });
  await upsertSchedule(db, org, { scheduleId, agentId, name: `Digest of ${org}`, kind: 'cron', expression: '0 9 * * *' });
  return scheduleId;
}

/** An organization's runs, `completed` of them Completed and the rest Failed, with its agent named `agentName`. */
async function seed(db: ExecutionsDatabase, org: string, agentName: string, completed: number, failed: number) {
  const agentId = randomUUID();
  const scheduleId = randomUUID();
  await upsertOrganization(db, org, { name: org, timeZone: 'America/Sao_Paulo' });
  await upsertAgent(db, org, { agentId, name: agentName });
  await upsertSchedule(db, org, { scheduleId, agentId, name: `${agentName} digest`, kind: 'cron', expression: '0 9 * * *' });
  const runs = await recordFinishedRuns(
    db,
    org,
    Array.from({ length: completed + failed }, (_, i) => ({
      key: randomUUID(),
      scheduleId,
      prompt: 'p',
      startedAt: new Date(BASE + i * 60_000),
      toolCalls: [],
      outcome:
        i < completed ? { status: 'completed' as const, response: 'ok' } : { status: 'failed' as const, errorMessage: 'boom' },
      finishedAt: new Date(BASE + i * 60_000 + 1000),
      credits: null,
    })),
  );
  return { agentId, runs };
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `run actions on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let app: ReturnType<typeof createTestHost>;
      let schedules: Record<string, string>;
      const told: { action: string; run: ActedRun; ctx: ActionContext }[] = [];
      let failNextCancel = false;

      beforeAll(async () => {
        database = await target.open();
        schedules = { 'org-a': await schedule(database.db, 'org-a'), 'org-b': await schedule(database.db, 'org-b') };
        app = createTestHost(database.db, LIST, {
          user: (c) => {
            const id = c.req.header(USER_HEADER);
            return id ? { id, name: id === 'hostile' ? HOSTILE_NAME : `Name of ${id}` } : null;
          },
          canAct: (c) => c.req.header(USER_HEADER) !== 'viewer',
          csrfSecret: 'test secret',
          actions: {
            async runAgain(run, ctx) {
              told.push({ action: 'run_again', run, ctx });
              return startExecution(database.db, ctx.organizationId, {
                key: ctx.key,
                scheduleId: run.scheduleId,
                prompt: 'again',
              });
            },
            async cancel(run, ctx) {
              told.push({ action: 'cancel', run, ctx });
              if (failNextCancel) {
                failNextCancel = false;
                throw new Error('queue <unreachable>');
              }
            },
          },
        });
      });
      afterAll(() => database?.dispose());

      const start = async (org: string, status: 'pending' | 'active' | 'completed') => {
        const run = await startExecution(database.db, org, { key: randomUUID(), scheduleId: schedules[org]!, prompt: 'p' });
        if (status !== 'pending') await markActive(database.db, org, run.executionId);
        if (status === 'completed') await completeExecution(database.db, org, run.executionId, { key: 'done', response: 'ok' });
        return run;
      };
      const headers = (org: string, user: string) => ({ [ORG_HEADER]: org, ...(user ? { [USER_HEADER]: user } : {}) });
      const page = async (org: string, user: string, path: string) => {
        const res = await app.request(path, { headers: headers(org, user) });
        return { res, doc: parseDocument(await res.text()) };
      };
      const runPage = (conversationId: string) => `${LIST}/conversations/${conversationId}`;
      const tokenOf = async (org: string, user: string) =>
        (await page(org, user, LIST)).doc.querySelector('form.xa-action input[name="csrf"]')?.getAttribute('value') ?? '';
      const post = async (
        org: string,
        user: string,
        path: string,
        fields: { csrf?: string; back?: string } = {},
        site = 'same-origin',
      ) => {
        const csrf = fields.csrf ?? (await tokenOf(org, user || 'ana'));
        return app.request(path, {
          method: 'POST',
          headers: { ...headers(org, user), 'Sec-Fetch-Site': site, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf, back: fields.back ?? 'status=active' }).toString(),
        });
      };
      const statusOf = async (org: string, id: string) =>
        (
          await database.db
            .select({ status: executions.status, error: executions.errorMessage })
            .from(executions)
            .where(and(eq(executions.organizationId, org), eq(executions.id, id)))
        )[0];
      const trail = async (org: string, id: string) =>
        database.db
          .select()
          .from(runActions)
          .where(and(eq(runActions.organizationId, org), eq(runActions.executionId, id)));

      it('shows Cancel on Pending and Active runs, Run again on finished ones, to permitted users only', async () => {
        const pending = await start('org-a', 'pending');
        const done = await start('org-a', 'completed');
        const buttons = async (user: string, path: string) =>
          [...(await page('org-a', user, path)).doc.querySelectorAll('form.xa-action')].map((f) => f.getAttribute('action'));
        expect(await buttons('ana', runPage(pending.conversationId))).toEqual([`${runPage(pending.conversationId)}/cancel`]);
        expect(await buttons('ana', runPage(done.conversationId))).toEqual([`${runPage(done.conversationId)}/run-again`]);
        expect(await buttons('viewer', runPage(pending.conversationId))).toEqual([]);
        expect(await buttons('', runPage(pending.conversationId))).toEqual([]);
        const rows = await buttons('ana', LIST);
        expect(rows).toContain(`${runPage(pending.conversationId)}/cancel`);
        expect(rows).toContain(`${runPage(done.conversationId)}/run-again`);
        expect(await buttons('viewer', LIST)).toEqual([]);
        // A row's button is named by its run, so two are never alike to a screen reader.
        const names = [...(await page('org-a', 'ana', LIST)).doc.querySelectorAll('form.xa-action button')].map((b) =>
          b.getAttribute('aria-label'),
        );
        expect(new Set(names).size).toBe(names.length);
        // Without actions, nothing changes on the page.
        const bare = createTestHost(database.db, LIST, { user: () => ({ id: 'ana' }), canAct: () => true });
        const res = await bare.request(runPage(pending.conversationId), { headers: { [ORG_HEADER]: 'org-a' } });
        expect(await res.text()).not.toMatch(/class="xa-action"|xa-history"|xa-banner"/);
      });

      it('refuses every forged request with 403 (405 for GET), acting on nothing', async () => {
        const run = await start('org-a', 'active');
        const cancel = `${runPage(run.conversationId)}/cancel`;
        const other = await start('org-b', 'active');
        const before = told.length;
        expect((await post('org-a', '', cancel)).status).toBe(403);
        expect((await post('org-a', 'viewer', cancel)).status).toBe(403);
        expect((await post('org-a', 'ana', cancel, { csrf: 'forged' })).status).toBe(403);
        expect((await post('org-a', 'ana', cancel, { csrf: '' })).status).toBe(403);
        expect((await post('org-a', 'ana', cancel, { csrf: await tokenOf('org-a', 'bob') })).status).toBe(403);
        expect((await post('org-a', 'ana', cancel, { csrf: await tokenOf('org-b', 'ana') })).status).toBe(403);
        expect((await post('org-a', 'ana', cancel, {}, 'cross-site')).status).toBe(403);
        // Another organization's run, with a valid token of this one: refused, and it runs on.
        expect((await post('org-a', 'ana', `${runPage(other.conversationId)}/cancel`)).status).toBe(403);
        expect((await post('org-a', 'ana', `${LIST}/conversations/not-a-uuid/cancel`)).status).toBe(403);
        const get = await app.request(cancel, { headers: headers('org-a', 'ana') });
        expect(get.status).toBe(405);
        expect(get.headers.get('Allow')).toBe('POST');
        expect(told.length).toBe(before);
        expect((await statusOf('org-a', run.executionId))?.status).toBe('active');
        expect((await statusOf('org-b', other.executionId))?.status).toBe('active');
        expect(await trail('org-a', run.executionId)).toEqual([]);
      });

      it('cancels through the write API, confirms it, and skips a cancel sent twice', async () => {
        const run = await start('org-a', 'active');
        const cancel = `${runPage(run.conversationId)}/cancel`;
        const before = told.length;
        const first = await post('org-a', 'hostile', cancel);
        expect(first.status).toBe(303);
        const location = first.headers.get('Location')!;
        expect(location).toMatch(new RegExp(`^${runPage(run.conversationId)}\\?status=active&done=`));
        const second = await post('org-a', 'hostile', cancel);
        expect(second.status).toBe(303);
        expect(told.length - before).toBe(1);
        expect(await statusOf('org-a', run.executionId)).toEqual({
          status: 'failed',
          error: 'Cancelled by <img src=x onerror=alert(1)>Zé',
        });
        const outcomes = (await trail('org-a', run.executionId)).map((r) => r.outcome).sort();
        expect(outcomes).toEqual(['skipped', 'succeeded']);
        // The totals are the runs', exact: the count tables followed the cancel.
        const [counted] = await database.db
          .select({ failed: sql<string>`coalesce(sum(${executionDailyCounts.runs}), 0)::text` })
          .from(executionDailyCounts)
          .where(and(eq(executionDailyCounts.organizationId, 'org-a'), eq(executionDailyCounts.status, 'failed')));
        const [real] = await database.db
          .select({ n: sql<string>`count(*)::text` })
          .from(executions)
          .where(and(eq(executions.organizationId, 'org-a'), eq(executions.status, 'failed')));
        expect(counted?.failed).toBe(real?.n);
        const { doc } = await page('org-a', 'ana', location);
        expect(banner(doc)).toBe('Success | The run was cancelled.');
        expect(doc.querySelector('.xa-banner')?.getAttribute('role')).toBe('alert');
        const history = [...doc.querySelectorAll('.xa-history li')].map(text);
        expect(history).toHaveLength(2);
        expect(history[0]).toMatch(/Cancel by <img src=x onerror=alert\(1\)>Zé — Skipped: the run had already finished$/);
        expect(doc.querySelector('.xa-history img')).toBeNull();
        // The CSV gives each run's newest action, in English, its hostile name a cell like any other.
        const csv = await (await app.request(`${LIST}/export.csv`, { headers: headers('org-a', 'ana') })).text();
        const lines = csv.split('\r\n');
        expect(lines[0]).toMatch(/,Duration \(s\),Last action$/);
        expect(lines.find((l) => l.includes(run.executionId))).toMatch(/,Cancel by <img src=x onerror=alert\(1\)>Zé: skipped$/);
        // The back link returns to the list as it was.
        expect(doc.querySelector('.xa-back-link')?.getAttribute('href')).toBe(`${LIST}?status=active`);
      });

      it('acts once when two cancels of one run race', async () => {
        const run = await start('org-a', 'active');
        const cancel = `${runPage(run.conversationId)}/cancel`;
        const before = told.length;
        const csrf = await tokenOf('org-a', 'ana');
        const answers = await Promise.all([
          post('org-a', 'ana', cancel, { csrf }),
          post('org-a', 'bob', cancel, { csrf: await tokenOf('org-a', 'bob') }),
        ]);
        expect(answers.map((r) => r.status)).toEqual([303, 303]);
        expect(told.length - before).toBe(1);
        expect((await trail('org-a', run.executionId)).map((r) => r.outcome).sort()).toEqual(['skipped', 'succeeded']);
      });

      it('records the host’s failure to cancel: the run stays Failed, the page says why', async () => {
        const run = await start('org-a', 'pending');
        failNextCancel = true;
        const res = await post('org-a', 'ana', `${runPage(run.conversationId)}/cancel`);
        expect((await statusOf('org-a', run.executionId))?.status).toBe('failed');
        const { doc } = await page('org-a', 'ana', res.headers.get('Location')!);
        expect(banner(doc)).toBe('Important | Failed: queue <unreachable>');
        expect(doc.querySelector('.xa-banner')?.getAttribute('role')).toBe('region');
      });

      it('runs again through the host, linking both runs both ways', async () => {
        const run = await start('org-a', 'completed');
        const res = await post('org-a', 'ana', `${runPage(run.conversationId)}/run-again`);
        expect(res.status).toBe(303);
        const call = told.at(-1)!;
        expect(call.action).toBe('run_again');
        expect(call.run.executionId).toBe(run.executionId);
        expect(call.ctx.user.id).toBe('ana');
        const [made] = await trail('org-a', run.executionId);
        expect(made?.outcome).toBe('succeeded');
        const newRun = (
          await database.db
            .select()
            .from(executions)
            .where(and(eq(executions.organizationId, 'org-a'), eq(executions.id, made!.newExecutionId!)))
        )[0]!;
        const { doc } = await page('org-a', 'ana', res.headers.get('Location')!);
        expect(banner(doc)).toMatch(/^Success \| The run was started again\. Open the new run, asked for at /);
        expect(doc.querySelector('.xa-banner a')?.getAttribute('href')).toBe(`${runPage(newRun.conversationId)}?status=active`);
        const again = await page('org-a', 'viewer', runPage(newRun.conversationId));
        expect(again.doc.querySelector('dd a[href^="/admin/executions/conversations/"]')?.getAttribute('href')).toBe(
          runPage(run.conversationId),
        );
        // Run again of a run not finished is skipped; of a run of another organization, refused.
        const active = await start('org-a', 'active');
        const n = told.length;
        await post('org-a', 'ana', `${runPage(active.conversationId)}/run-again`);
        expect(told.length).toBe(n);
        expect((await trail('org-a', active.executionId)).map((r) => r.outcome)).toEqual(['skipped']);
      });

      // The Activity view, in organizations of its own: the actions above are org-a's.
      describe('the Activity view', () => {
        let app: ReturnType<typeof createTestHost>;
        let orgA: Awaited<ReturnType<typeof seed>>;
        const jobId = randomUUID();

        beforeAll(async () => {
          orgA = await seed(database.db, 'activity-a', HOSTILE, 3, 3);
          const orgB = await seed(database.db, 'activity-b', 'Agent of activity-b', 2, 0);
          // Org A: 27 actions on its runs — three at each instant, so the keyset's ties go by id —
          // the last with a hostile user and reason, one by a bulk job; one on a run since pruned.
          // Org B: actions by users whose names must never show for org A.
          const at = (i: number) => new Date(BASE + 3_600_000 + Math.floor(i / 3) * 1000);
          await database.db.insert(runActions).values([
            ...Array.from({ length: 27 }, (_, i) => ({
              organizationId: 'activity-a',
              executionId: orgA.runs[i % 6]!.executionId,
              action: i % 2 === 0 ? ('run_again' as const) : ('cancel' as const),
              userId: `user-${i}`,
              userName: i === 26 ? HOSTILE : null,
              outcome: i === 26 ? ('failed' as const) : ('skipped' as const),
              reason: i === 26 ? HOSTILE : null,
              jobId: i === 25 ? jobId : null,
              at: at(i),
            })),
            {
              organizationId: 'activity-a',
              executionId: randomUUID(),
              action: 'cancel',
              userId: 'pruned',
              outcome: 'succeeded',
              at: at(40),
            },
            ...orgB.runs.map((run) => ({
              organizationId: 'activity-b',
              executionId: run.executionId,
              action: 'run_again' as const,
              userId: 'activity-b-user',
              userName: 'Secret of activity-b',
              outcome: 'succeeded' as const,
              at: at(50),
            })),
          ]);
          app = createTestHost(database.db, LIST, { actions: { runAgain: async () => {}, cancel: async () => {} } });
        });

        const get = async (path: string, org = 'activity-a', host = app) => {
          const res = await host.request(path, { headers: { [ORG_HEADER]: org } });
          const body = await res.text();
          return { res, body, doc: parseDocument(body) };
        };
        /** Every page from `path` on, by its Next links: each row's Who, and the pages' count. */
        const walk = async (path: string, org = 'activity-a', other = 'activity-b') => {
          const who: string[] = [];
          let pages = 0;
          for (let next: string | null = path; next !== null && pages < 10; pages++) {
            const { res, doc, body } = await get(next, org);
            expect(res.status).toBe(200);
            expect(body).not.toContain(other);
            const rows = [...doc.querySelectorAll('tbody tr')];
            expect(rows.length).toBeLessThanOrEqual(20);
            who.push(...rows.map((row) => text(row.querySelectorAll('td')[1])));
            next = doc.querySelector('a[rel="next"]')?.getAttribute('href')?.replaceAll('&amp;', '&') ?? null;
          }
          return { who, pages };
        };

        it('exists only with the host’s actions, linked from the list with its filters', async () => {
          const bare = createTestHost(database.db, LIST, {});
          expect((await get(ACTIVITY, 'activity-a', bare)).res.status).toBe(404);
          expect((await get(`${LIST}?status=failed`, 'activity-a', bare)).doc.querySelector('#xa-activity-link')).toBeNull();
          const list = await get(`${LIST}?status=failed&sort=-credits&page=2`);
          expect(list.doc.querySelector('#xa-activity-link')?.getAttribute('href')).toBe(`${ACTIVITY}?status=failed`);
          const { doc } = await get(`${ACTIVITY}?status=failed`);
          expect(doc.querySelector('a.xa-back-link')?.getAttribute('href')).toBe(`${LIST}?status=failed`);
          expect(doc.querySelector('form[method="get"] select[name="status"] option[selected]')?.getAttribute('value')).toBe(
            'failed',
          );
          expect([...doc.querySelectorAll('th[scope="col"]')].map(text)).toEqual([
            'When',
            'Who',
            'Action',
            'Run',
            'Outcome',
            'Bulk job',
          ]);
        });

        it('lists every action of the organization once, newest first, 20 a page, pruned runs’ too', async () => {
          const { who, pages } = await walk(ACTIVITY);
          expect(pages).toBe(2);
          // Newest first: the pruned run's action, then 26, 25, … 0 (ties broken by id, each once).
          expect(who[0]).toBe('pruned');
          expect(new Set(who).size).toBe(who.length);
          expect(who.sort()).toEqual(['pruned', HOSTILE, ...Array.from({ length: 26 }, (_, i) => `user-${i}`)].sort());
          const first = await get(ACTIVITY);
          expect(text(first.doc.querySelector('tbody tr td:nth-child(4)'))).toBe('Run removed');
          // From the second page, Previous is the first again.
          const next = first.doc.querySelector('a[rel="next"]')!.getAttribute('href')!.replaceAll('&amp;', '&');
          expect(next).toMatch(/^\/admin\/executions\/activity\?page=2&after=/);
          const previous = (await get(next)).doc.querySelector('a[rel="prev"]')?.getAttribute('href');
          expect(previous).toBe(ACTIVITY);
          // Org B sees its own only.
          expect((await walk(ACTIVITY, 'activity-b', 'user-')).who).toEqual(['Secret of activity-b', 'Secret of activity-b']);
        });

        it('narrows to the actions on runs the list’s filters keep, pruned runs’ left out', async () => {
          // Runs 0–2 are Completed: actions i with i % 6 < 3.
          const completed = (await walk(`${ACTIVITY}?status=completed`)).who;
          expect(completed.sort()).toEqual(
            Array.from({ length: 27 }, (_, i) => i)
              .filter((i) => i % 6 < 3)
              .map((i) => (i === 26 ? HOSTILE : `user-${i}`))
              .sort(),
          );
          const failed = await walk(`${ACTIVITY}?status=failed&agent=${orgA.agentId}`);
          expect(failed.who).toHaveLength(27 - completed.length);
          expect(failed.who).not.toContain('pruned');
          // A paged filtered view keeps its filters in its links.
          const { doc } = await get(`${ACTIVITY}?status=failed`);
          expect(doc.querySelector('a[rel="next"]')).toBeNull();
          expect(doc.querySelector('tbody a[href*="/conversations/"]')?.getAttribute('href')).toMatch(/\?status=failed$/);
          const empty = await get(`${ACTIVITY}?start=2001-01-01&end=2001-01-02`);
          expect([...empty.doc.querySelectorAll('.xa-empty p')].map(text)).toEqual([
            'No action was taken on runs matching these filters.',
            'Clear filters to see every action.',
          ]);
        });

        it('keeps hostile text as text, and links each action to its run and its job', async () => {
          const { body, doc } = await get(ACTIVITY);
          expect(body).not.toContain('<script>alert');
          const row = [...doc.querySelectorAll('tbody tr')].find((tr) => text(tr.querySelectorAll('td')[1]) === HOSTILE)!;
          const cells = [...row.querySelectorAll('td')];
          expect(text(cells[4])).toBe(`Failed ${HOSTILE}`);
          // The names isolated, as <bdi> would: a right-to-left mark in one turns nothing else round.
          expect(text(cells[3]).replace(/[\u2068\u2069]/g, '')).toContain(`${HOSTILE}: ${HOSTILE} digest, started`);
          expect(cells[3]!.querySelector('a')?.getAttribute('href')).toBe(
            `${LIST}/conversations/${orgA.runs[2]!.conversationId}`,
          );
          expect(text(cells[0])).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d$/);
          const job = doc.querySelector(`a[href="${LIST}/jobs/${jobId}"]`);
          expect(text(job)).toBe(`Job ${jobId.slice(0, 8)}`);
        });

        it('reads unusable query values as the list does: its defaults, with the field’s message', async () => {
          const { res, doc } = await get(
            `${ACTIVITY}?status=nope&agent=${randomUUID()}&start=2026-02-30&page=-4&after=<script>&before=${'9'.repeat(500)}`,
          );
          expect(res.status).toBe(200);
          expect(doc.querySelectorAll('tbody tr')).toHaveLength(20);
          expect(text(doc.querySelector('#xa-status-error'))).not.toBe('');
          const stale = await get(`${ACTIVITY}?page=7&after=2001-01-01T00:00:00.000000Z,${randomUUID()}`);
          expect(text(stale.doc.querySelector('.xa-pagination__current [aria-hidden]'))).toBe('1');
        });
      });
    },
  );
}
