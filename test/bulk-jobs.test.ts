/**
 * Bulk jobs over HTTP, on PGlite and real Postgres: the list offers "all matching these filters" to
 * permitted users only; the confirmation states the exact count; confirmed, a job runs to its page's
 * report; forged posts are 403 and GETs 405; a second job of the organization is refused (409); a
 * job is another organization's to neither see nor cancel (404); a hostile posted query is read as
 * the list would read it. The runs selected in the list's rows make a job of those runs alone,
 * counted among the organization's; none selected, or more than a page could hold, starts nothing.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelJob, createJob, findJob } from '../src/actions/job-repository.js';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { recordFinishedRuns, upsertAgent, upsertOrganization, upsertSchedule } from '../src/write/recorder.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { select } from './support/select.js';
import { createTestHost, ORG_HEADER, parseDocument, text } from './support/test-host.js';

const LIST = '/admin/executions';
const USER_HEADER = 'x-test-user';

async function seed(db: ExecutionsDatabase, org: string, failed: number) {
  const agentId = randomUUID();
  const scheduleId = randomUUID();
  await upsertOrganization(db, org, { name: org, timeZone: 'UTC' });
  await upsertAgent(db, org, { agentId, name: `Agent of ${org}` });
  await upsertSchedule(db, org, { scheduleId, agentId, name: `Digest of ${org}`, kind: 'cron', expression: '0 9 * * *' });
  await recordFinishedRuns(
    db,
    org,
    Array.from({ length: failed + 2 }, (_, i) => ({
      key: randomUUID(),
      scheduleId,
      prompt: 'p',
      startedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000),
      toolCalls: [],
      outcome:
        i < failed ? { status: 'failed' as const, errorMessage: 'boom' } : { status: 'completed' as const, response: 'ok' },
      finishedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000 + 1000),
      credits: null,
    })),
  );
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `bulk jobs over HTTP on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let app: ReturnType<typeof createTestHost>;
      const told: string[] = [];

      beforeAll(async () => {
        database = await target.open();
        await seed(database.db, 'org-a', 7);
        await seed(database.db, 'org-b', 3);
        app = createTestHost(database.db, LIST, {
          user: (c) => {
            const id = c.req.header(USER_HEADER);
            return id ? { id, name: `Name of ${id}` } : null;
          },
          canAct: (c) => c.req.header(USER_HEADER) !== 'viewer',
          csrfSecret: 'test secret',
          actions: {
            async runAgain(run, ctx) {
              told.push(`${ctx.organizationId} ${run.executionId}`);
              if (told.length === 2) throw new Error('scheduler <down>');
            },
            async cancel() {},
          },
        });
      });
      afterAll(() => database?.dispose());

      const headers = (org: string, user: string) => ({ [ORG_HEADER]: org, ...(user ? { [USER_HEADER]: user } : {}) });
      const get = async (org: string, user: string, path: string) => {
        const res = await app.request(path, { headers: headers(org, user) });
        return { res, doc: parseDocument(await res.text()) };
      };
      const post = (
        org: string,
        user: string,
        path: string,
        fields: Record<string, string> | [string, string][],
        site = 'same-origin',
      ) =>
        app.request(path, {
          method: 'POST',
          headers: { ...headers(org, user), 'Sec-Fetch-Site': site, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        });
      const bulkForms = async (org: string, user: string, query: string) => {
        const { doc } = await get(org, user, `${LIST}?${query}`);
        return [...doc.querySelectorAll('form.xa-bulk')].map((form) => ({
          action: form.getAttribute('action'),
          csrf: form.querySelector('input[name="csrf"]')?.getAttribute('value') ?? '',
          query: form.querySelector('input[name="query"]')?.getAttribute('value') ?? '',
        }));
      };
      const waitForEnd = async (org: string, jobId: string) => {
        for (let i = 0; i < 200; i++) {
          const job = await findJob(database.db, org, jobId);
          if (job && job.status !== 'running' && job.status !== 'queued') return job;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error('the job did not end');
      };

      it('offers bulk actions to permitted users only, confirms the exact count, runs the job to its report', async () => {
        expect(await bulkForms('org-a', 'viewer', 'status=failed')).toEqual([]);
        expect(await bulkForms('org-a', '', 'status=failed')).toEqual([]);
        const forms = await bulkForms('org-a', 'ana', 'status=failed');
        expect(forms.map((f) => f.action)).toEqual([`${LIST}/bulk/run-again`, `${LIST}/bulk/cancel`]);
        const runAgain = forms[0]!;
        expect(runAgain.query).toBe('status=failed');

        const confirm = await post('org-a', 'ana', runAgain.action!, { csrf: runAgain.csrf, query: runAgain.query });
        expect(confirm.status).toBe(200);
        const page = parseDocument(await confirm.text());
        expect(text(page.querySelector('h1'))).toBe('Run again: 7 runs');
        expect(text(page.querySelector('.xa p'))).toContain('Failed');
        const form = page.querySelector(`form[action="${LIST}/bulk/run-again/confirm"]`)!;
        const started = await post('org-a', 'ana', form.getAttribute('action')!, {
          csrf: form.querySelector('input[name="csrf"]')!.getAttribute('value')!,
          query: form.querySelector('input[name="query"]')!.getAttribute('value')!,
        });
        expect(started.status).toBe(303);
        const jobPath = started.headers.get('location')!;
        const jobId = jobPath.split('/').at(-1)!;
        expect(jobPath).toBe(`${LIST}/jobs/${jobId}`);
        expect(await waitForEnd('org-a', jobId)).toMatchObject({ status: 'done', succeeded: 6, failed: 1, total: 7 });

        const report = await get('org-a', 'ana', jobPath);
        const bar = report.doc.querySelector('[role="progressbar"]')!;
        expect([bar.getAttribute('aria-valuenow'), bar.getAttribute('aria-valuemax')]).toEqual(['7', '7']);
        expect(text(report.doc.querySelector('#xa-job-progress'))).toBe('7 of 7 runs done');
        expect(report.doc.querySelector('#xa-job li')?.textContent).toContain('scheduler <down>');
        // Finished: no poll, no Refresh link, no Cancel.
        expect(report.doc.querySelector('[hx-trigger]')).toBeNull();
        expect(report.doc.querySelector(`form[action="${jobPath}/cancel"]`)).toBeNull();

        // Another organization's job is not found, to see or to cancel.
        expect((await get('org-b', 'ana', jobPath)).res.status).toBe(404);
        const orgB = (await bulkForms('org-b', 'ana', ''))[0]!;
        expect((await post('org-b', 'ana', `${jobPath}/cancel`, { csrf: orgB.csrf })).status).toBe(404);
      });

      it('refuses forged posts and GETs, and a second job of the organization', async () => {
        const [runAgain] = await bulkForms('org-a', 'ana', '');
        const fields = { csrf: runAgain!.csrf, query: '' };
        const confirmPath = `${LIST}/bulk/run-again/confirm`;
        expect((await post('org-a', 'ana', confirmPath, { ...fields, csrf: 'forged' })).status).toBe(403);
        expect((await post('org-a', 'ana', confirmPath, fields, 'cross-site')).status).toBe(403);
        expect((await post('org-a', 'viewer', confirmPath, fields)).status).toBe(403);
        expect((await post('org-b', 'ana', confirmPath, fields)).status).toBe(403);
        expect((await get('org-a', 'ana', confirmPath)).res.status).toBe(405);

        // A job of the organization not finished (queued here): the second is refused, linking to it.
        const first = await createJob(database.db, 'org-a', {
          action: 'cancel',
          query: '',
          userId: 'bo',
          userName: null,
          total: 0,
        });
        const firstId = 'job' in first ? first.job.id : '';
        const second = await post('org-a', 'ana', confirmPath, fields);
        expect(second.status).toBe(409);
        const refused = parseDocument(await second.text());
        expect(refused.querySelector(`a[href="${LIST}/jobs/${firstId}"]`)).not.toBeNull();
        // Another organization's is its own.
        expect(await cancelJob(database.db, 'org-b', firstId)).toBe(false);
        expect(await cancelJob(database.db, 'org-a', firstId)).toBe(true);
      });

      it('reads a hostile posted query as the list would', async () => {
        const [runAgain] = await bulkForms('org-b', 'ana', '');
        const res = await post('org-b', 'ana', `${LIST}/bulk/run-again`, {
          csrf: runAgain!.csrf,
          query: `status=failed&agent=' or 1=1--&page=-1&after=<script>&status=completed`,
        });
        expect(res.status).toBe(200);
        const doc = parseDocument(await res.text());
        expect(text(doc.querySelector('h1'))).toBe('Run again: 3 runs');
        expect(doc.querySelector('input[name="query"]')?.getAttribute('value')).toBe('status=failed');
      });

      it('acts on the runs selected in the rows, of the organization only', async () => {
        const runsOf = async (org: string) =>
          (
            await select(
              database.db,
              sql`select id::text as id from executions_admin.xa_executions
                   where organization_id = ${org} and schedule_id is not null order by started_at desc`,
            )
          ).map((r) => String(r.id));
        const [first, second] = await runsOf('org-b');
        const { doc } = await get('org-b', 'ana', LIST);
        const boxes = [...doc.querySelectorAll('input[type="checkbox"][name="run"]')];
        expect(boxes.map((box) => box.getAttribute('value'))).toEqual(await runsOf('org-b'));
        expect(boxes.every((box) => box.getAttribute('form') === 'xa-selected')).toBe(true);
        const form = doc.querySelector('form#xa-selected')!;
        expect([...form.querySelectorAll('button')].map((b) => [b.getAttribute('formaction'), text(b)])).toEqual([
          [`${LIST}/bulk/run-again`, 'Run again selected'],
          [`${LIST}/bulk/cancel`, 'Cancel selected'],
        ]);
        const csrf = form.querySelector('input[name="csrf"]')!.getAttribute('value')!;
        const fields = (runs: string[]): [string, string][] => [
          ['csrf', csrf],
          ['query', 'status=failed'],
          ['scope', 'selected'],
          ...runs.map((run): [string, string] => ['run', run]),
        ];

        // Twice the same run, junk, and a run of another organization: two runs, the organization's.
        const [foreign] = await runsOf('org-a');
        const confirm = await post('org-b', 'ana', `${LIST}/bulk/run-again`, fields([first!, second!, first!, 'x', foreign!]));
        expect(confirm.status).toBe(200);
        const page = parseDocument(await confirm.text());
        expect(text(page.querySelector('h1'))).toBe('Run again: 2 runs');
        expect(text(page.querySelector('.xa p'))).toBe(
          'This acts on the 2 runs you selected. Runs it cannot act on are skipped.',
        );
        const confirmForm = page.querySelector(`form[action="${LIST}/bulk/run-again/confirm"]`)!;
        const posted = [...confirmForm.querySelectorAll('input[type="hidden"]')].map((input): [string, string] => [
          input.getAttribute('name')!,
          input.getAttribute('value')!,
        ]);
        const toldBefore = told.length;
        const started = await post('org-b', 'ana', confirmForm.getAttribute('action')!, posted);
        expect(started.status).toBe(303);
        const jobId = started.headers.get('location')!.split('/').at(-1)!;
        expect(await waitForEnd('org-b', jobId)).toMatchObject({ status: 'done', total: 2, succeeded: 2 });
        expect(told.slice(toldBefore).sort()).toEqual([`org-b ${first}`, `org-b ${second}`].sort());

        // None selected: nothing to confirm, not every run the filters keep.
        const none = parseDocument(await (await post('org-b', 'ana', `${LIST}/bulk/run-again`, fields([]))).text());
        expect(text(none.querySelector('.xa p'))).toMatch(/^No runs are selected/);
        expect(none.querySelector('form')).toBeNull();
        const many = Array.from({ length: 101 }, () => randomUUID());
        expect((await post('org-b', 'ana', `${LIST}/bulk/run-again`, fields(many))).status).toBe(400);
        expect((await post('org-b', 'ana', `${LIST}/bulk/run-again/confirm`, fields(many))).status).toBe(400);
      });
    },
  );
}
