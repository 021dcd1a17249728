/**
 * Live polls at the route: an unchanged page is a 304; a change sends only the changed cells of
 * the rows shown (out of band, a few hundred bytes), never the rows' order, totals or status
 * region; runs that arrived since are offered in a notice, not inserted; the poll's own
 * parameters are hostile input, and every read is the signed-in organization's.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executions } from '../src/db/schema.js';
import { failExecution, startExecution } from '../src/write/recorder.js';
import { en } from '../src/i18n/en.js';
import { ptBR } from '../src/i18n/pt-BR.js';
import { NEW_RUNS_LIMIT, newRunsView } from '../src/list/live-refresh.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { AGENT, BASE_TIME, fixtureRuns, insertFixture, ORG_A, scheduleIdOf } from './support/fixture.js';
import { createTestHost, htmxHeaders, ORG_HEADER, parseDocument } from './support/test-host.js';

const LIST = '/admin/executions';

describe('live polls', () => {
  let database: TestDatabase;
  let app: ReturnType<typeof createTestHost>;

  beforeAll(async () => {
    database = await databaseTargets[0]!.open();
    await insertFixture(database.db);
    app = createTestHost(database.db);
  });
  afterAll(() => database?.dispose());

  const get = (path: string, headers: Record<string, string> = {}, organization = ORG_A) =>
    app.request(path, { headers: { [ORG_HEADER]: organization, ...headers } });
  /** The poller as a page (or a poll's answer) carries it: where it polls and what it sends. */
  const pollerIn = (html: string) => {
    const poller = parseDocument(html).querySelector('#xa-refresh');
    if (!poller) return null;
    return {
      href: poller.getAttribute('hx-get')!,
      headers: { ...htmxHeaders, ...(JSON.parse(poller.getAttribute('hx-headers')!) as Record<string, string>) },
    };
  };
  const pollerOf = async (path: string) => pollerIn(await (await get(path)).text());
  const poll = async (poller: { href: string; headers: Record<string, string> }, organization = ORG_A) => {
    const res = await get(poller.href, poller.headers, organization);
    return { res, body: await res.text() };
  };
  const setStatus = (id: string, status: 'completed' | 'active', startedAt: Date) =>
    database.db
      .update(executions)
      .set({ status, finishedAt: status === 'completed' ? new Date(startedAt.getTime() + 60_000) : null })
      .where(and(eq(executions.organizationId, ORG_A), eq(executions.id, id)));

  it('polls page 1 for changes and new runs, another page only while a row on it can change', async () => {
    const first = await pollerOf(LIST);
    expect(first?.href).toMatch(/^\/admin\/executions\?watch=[\w-]+&since=/);
    // Dates that end before today: no new run can arrive, nothing on the page changes.
    expect(await pollerOf(`${LIST}?status=completed&end=2026-03-10`)).toBeNull();
    const page2 = await pollerOf(`${LIST}?page=2`);
    expect(page2?.href).not.toContain('since=');
  });

  it('answers a poll that finds nothing changed 304, with nothing to swap', async () => {
    for (const path of [LIST, `${LIST}?page=2`, `${LIST}?status=pending`]) {
      const { res, body } = await poll((await pollerOf(path))!);
      expect(res.status, path).toBe(304);
      expect(body).toBe('');
      expect(res.headers.get('HX-Reswap')).toBe('none');
      expect(res.headers.get('HX-Push-Url')).toBeNull();
    }
  });

  it('sends only the changed row’s cells after a status change: no rows, totals or status region, within 1 KB', async () => {
    const run = fixtureRuns()[2]!;
    expect(run.status).toBe('active');
    const poller = (await pollerOf(LIST))!;
    await setStatus(run.id, 'completed', run.startedAt);
    try {
      const { res, body } = await poll(poller);
      expect(res.status).toBe(200);
      console.log(`poll after one status change: ${Buffer.byteLength(body)} bytes`);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(1024);
      const doc = parseDocument(body);
      const swapped = [...doc.querySelectorAll('[hx-swap-oob]')];
      expect(swapped.map((e) => e.getAttribute('hx-swap-oob'))).toEqual([
        `outerHTML:#xa-row-${run.id} .xa-status`,
        `innerHTML:#xa-row-${run.id} .xa-duration`,
        'true',
      ]);
      expect(swapped[0]!.textContent).toBe('Completed');
      // The dash ("Not finished") gives way to the run's duration, finished a minute after it started.
      expect(swapped[1]!.textContent).toBe('1 min');
      expect(swapped[2]!.id).toBe('xa-refresh');
      expect(doc.querySelector('tr, #xa-live-total, #xa-new-runs')).toBeNull();
      expect(body).not.toContain('executions total');
      // The answer's state is the page's now: polled again, unchanged.
      expect((await poll(pollerIn(body)!)).res.status).toBe(304);
    } finally {
      await setStatus(run.id, 'active', run.startedAt);
    }
  });

  it('offers runs that arrived since as "N new runs — show" rather than inserting them', async () => {
    const poller = (await pollerOf(LIST))!;
    const started = await startExecution(database.db, ORG_A, {
      key: 'live-poll-new-run',
      scheduleId: scheduleIdOf(AGENT.sales),
      prompt: 'Arrived while the page was open',
    });
    try {
      const { res, body } = await poll(poller);
      expect(res.status).toBe(200);
      const doc = parseDocument(body);
      const show = doc.querySelector('#xa-new-runs[hx-swap-oob] a');
      expect(show?.textContent).toBe('1 new run — show');
      // A plain link without JavaScript, the region read again with it.
      expect(show?.getAttribute('href')).toBe(LIST);
      expect(show?.getAttribute('hx-get')).toBe(LIST);
      expect(show?.getAttribute('hx-target')).toBe('#xa-results');
      expect(doc.querySelector('tr')).toBeNull();
      expect(body).not.toContain(started.executionId);
      // Counted, not inserted: the next poll finds the same and is a 304.
      expect((await poll(pollerIn(body)!)).res.status).toBe(304);
      // The user's own "show" brings it in, and the status region with it.
      const shown = parseDocument(await (await get(LIST, htmxHeaders)).text());
      expect(shown.querySelector(`#xa-row-${started.executionId}`)).not.toBeNull();
      expect(shown.querySelector('#xa-live-total')?.getAttribute('hx-swap-oob')).toBe('innerHTML');
    } finally {
      await database.db.delete(executions).where(eq(executions.id, started.executionId));
    }
  });

  it('names runs of one schedule in one second apart in its answer, as the page does', async () => {
    const at = BASE_TIME.getTime() + 60_000;
    const runs = await Promise.all(
      [0, 300].map((ms, i) =>
        startExecution(database.db, ORG_A, {
          key: `live-poll-same-second-${i}`,
          scheduleId: scheduleIdOf(AGENT.sales),
          prompt: 'Started twice at once',
          startedAt: new Date(at + ms),
        }),
      ),
    );
    try {
      const poller = (await pollerOf(LIST))!;
      await failExecution(database.db, ORG_A, runs[0]!.executionId, { key: 'fail', errorMessage: 'Timed out' });
      const { body } = await poll(poller);
      // The poll reads the watched rows alone: the other run of that second is one of them.
      const name = `Show error: Daily sales digest, 10/03/2026 12:31:00, run ${runs[0]!.executionId.slice(0, 8)}`;
      const toggle = parseDocument(body).querySelector(`#xa-error-toggle-${runs[0]!.executionId}`);
      expect(toggle?.getAttribute('aria-label')).toBe(name);
      const shown = [...parseDocument(await (await get(LIST)).text()).querySelectorAll('.xa-error-toggle')];
      expect(shown.map((button) => button.getAttribute('aria-label'))).toContain(name);
    } finally {
      for (const run of runs) await database.db.delete(executions).where(eq(executions.id, run.executionId));
    }
  });

  it('words the notice in both plural forms, and a count at its bound as "100+"', () => {
    expect(newRunsView(0, LIST, en)).toBeNull();
    expect(newRunsView(1, LIST, en)?.text).toBe('1 new run — show');
    expect(newRunsView(3, LIST, ptBR)?.text).toBe('3 novas execuções — mostrar');
    expect(newRunsView(NEW_RUNS_LIMIT, LIST, en)?.text).toBe('100+ new runs — show');
  });

  it('stops polling once no row on the page can change: poller and notice removed', async () => {
    const page2 = fixtureRuns().slice(20, 40);
    const changing = page2.filter((r) => r.status === 'active' || r.status === 'pending');
    const poller = (await pollerOf(`${LIST}?page=2`))!;
    for (const r of changing) await setStatus(r.id, 'completed', r.startedAt);
    try {
      const { res, body } = await poll(poller);
      expect(res.status).toBe(200);
      const doc = parseDocument(body);
      expect(doc.querySelector('#xa-refresh')?.getAttribute('hx-swap-oob')).toBe('delete');
      expect(doc.querySelector('#xa-live')?.getAttribute('hx-swap-oob')).toBe('delete');
      expect(doc.querySelectorAll('.xa-status[hx-swap-oob]')).toHaveLength(changing.length);
    } finally {
      for (const r of changing) await setStatus(r.id, r.status as 'active', r.startedAt);
    }
  });

  it('takes hostile poll parameters as absent, never a 500, and reads only the organization’s runs', async () => {
    const own = (await pollerOf(LIST))!;
    const watch = new URL(own.href, 'http://x').searchParams.get('watch')!;
    const cases = [
      'watch=%00%27;drop',
      `watch=${'A'.repeat(34 * 500)}`,
      `watch=${watch.repeat(3)}`,
      `watch=${watch.slice(0, 40)}`,
      'since=2026-02-30T00:00:00Z,00000000-0000-4000-8003-000000000002',
      'since=not-a-cursor',
      'new=-1',
      'new=1e400',
      'new=99999999999999999999',
      'watch[]=1&since[]=2&new[]=3',
    ];
    for (const query of cases) {
      const res = await get(`${LIST}?${query}`, { ...own.headers });
      expect(res.status, query).toBeLessThan(500);
      const body = await res.text();
      expect(body, query).not.toContain('Org B');
    }
    // At most a page of rows is read, however many the poll names.
    const stale = (id: string) => `${Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url')}${'A'.repeat(16)}`;
    const many = fixtureRuns()
      .slice(0, 25)
      .map((r) => stale(r.id))
      .join('');
    const bounded = await get(`${LIST}?watch=${many}`, own.headers);
    expect(parseDocument(await bounded.text()).querySelectorAll('.xa-status[hx-swap-oob]')).toHaveLength(20);
    // Another organization naming these rows, their keys stale so any row read would be sent, gets none.
    for (const path of [own.href, `${LIST}?watch=${many}`]) {
      const other = await get(path, own.headers, 'org-b');
      expect(other.status).toBe(200);
      expect(await other.text()).not.toContain('xa-row-');
    }
  });
});
