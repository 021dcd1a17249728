/**
 * Actions on runs over HTTP, on PGlite and real Postgres: Run again and Cancel shown only to a
 * permitted user and only on runs they fit; each done through a POST that passes the CSRF check,
 * answered by a 303 to the run's page confirming it; a cancel ends the run Failed through the write
 * API (totals exact), a cancel sent twice is skipped and tells the host once; the host's errors are
 * recorded; every forged request (no user, not permitted, no or wrong token, another origin,
 * another organization's run, GET) is a 403 or 405 and changes nothing; hostile user names stay text.
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
} from '../src/write/recorder.js';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { createTestHost, ORG_HEADER, parseDocument, text } from './support/test-host.js';

const LIST = '/admin/executions';
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
    },
  );
}
