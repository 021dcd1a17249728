import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Hono, type Context } from 'hono';
import { openDatabase, type OpenDatabase } from '../src/db/database.js';
import { OverloadedError } from '../src/http/admission.js';
import type { ErrorStatus } from '../src/http/report-error.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { AGENT, fixtureRuns, HUB_CONVERSATION, insertFixture, ORG_A, ORG_B_CONVERSATION, XSS } from './support/fixture.js';
import { ptBR } from '../src/i18n/pt-BR.js';
import { html } from 'hono/html';
import { jsxRenderer } from 'hono/jsx-renderer';
import { createExecutionsAdmin, type ExecutionsAdminEnv } from '../src/http/executions-admin.js';
import { createTestHost, htmxHeaders, ORG_HEADER, parseDocument, text } from './support/test-host.js';

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `routes on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let app: ReturnType<typeof createTestHost>;

      beforeAll(async () => {
        database = await target.open();
        await insertFixture(database.db);
        app = createTestHost(database.db);
      });
      afterAll(() => database?.dispose());

      const get = (path: string, headers: Record<string, string> = {}) =>
        app.request(path, { headers: { [ORG_HEADER]: ORG_A, ...headers } });
      const getDocument = async (path: string, headers: Record<string, string> = {}) => {
        const res = await get(path, headers);
        expect(res.status).toBe(200);
        return parseDocument(await res.text());
      };
      const rowsOf = (doc: Document) => [...doc.querySelectorAll('tbody tr')];
      const cells = (row: Element) => [...row.querySelectorAll('td')];

      describe('organization', () => {
        it('answers 401 when the host has signed no organization in — never all organizations', async () => {
          const res = await app.request('/admin/executions');
          expect(res.status).toBe(401);
          const body = await res.text();
          expect(body).toContain('Sign in required');
          expect(body).not.toContain('Daily sales digest');
          expect((await app.request(`/admin/executions/conversations/${fixtureRuns()[0]!.conversationId}`)).status).toBe(401);
        });

        it('ignores an organization named in the URL', async () => {
          const doc = await getDocument('/admin/executions?organization=org-b&organization_id=org-b&org=org-b');
          expect(doc.body.textContent).not.toContain('Org B');
        });
      });

      describe('the list page', () => {
        it('shows the spec’s columns in order, and Duration (issue #19) before Credits, as scoped headers under a caption', async () => {
          const doc = await getDocument('/admin/executions');
          const headers = [...doc.querySelectorAll('thead th')];
          expect(headers.map(text)).toEqual(['Agent', 'Schedule', 'Date/Time', 'Status', 'Duration', 'Credits', 'Actions']);
          expect(headers.every((th) => th.getAttribute('scope') === 'col')).toBe(true);
          expect(text(doc.querySelector('caption'))).toMatch(/^Executions/);
          expect(text(doc.querySelector('h1'))).toBe('Executions');
        });

        it('gives every element a unique id', async () => {
          for (const path of [
            '/admin/executions?status=failed',
            `/admin/executions/conversations/${fixtureRuns()[1]!.conversationId}`,
          ]) {
            const ids = [...(await getDocument(path)).querySelectorAll('[id]')].map((el) => el.id);
            expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
          }
        });

        it('labels the filters exactly as the spec does, with their defaults', async () => {
          const doc = await getDocument('/admin/executions');
          const label = (forId: string) => text(doc.querySelector(`label[for="${forId}"]`));
          expect(label('xa-agent')).toBe('Agent');
          expect(label('xa-status')).toBe('Status');
          expect(label('xa-startDate')).toBe('Start date');
          expect(label('xa-endDate')).toBe('End date');
          const options = (id: string) => [...doc.querySelectorAll(`#${id} option`)].map(text);
          expect(options('xa-status')).toEqual(['All statuses', 'Active', 'Completed', 'Pending', 'Failed']);
          expect(options('xa-agent')[0]).toBe('All agents');
          // Live agents by name; deleted ones not one by one, but together as "Agent removed", last.
          expect(options('xa-agent')).toEqual(['All agents', 'Sales Assistant', XSS.agentName, 'Agent removed']);
          expect(doc.querySelector('#xa-startDate')?.getAttribute('type')).toBe('date');
          expect(doc.querySelector('#xa-endDate')?.getAttribute('type')).toBe('date');
          expect(text(doc.querySelector('form button[type="submit"]'))).toBe('Apply');
          expect(doc.querySelector('form')?.getAttribute('method')).toBe('get');
        });

        it('shows 20 rows, newest first, with the spec’s formats', async () => {
          const doc = await getDocument('/admin/executions');
          const rows = rowsOf(doc);
          expect(rows).toHaveLength(20);
          const runs = fixtureRuns();
          // Run 0 starts 2026-03-10 15:30 UTC: 12:30 in São Paulo.
          const first = cells(rows[0]!);
          expect(text(first[0])).toBe('Sales Assistant');
          expect(text(first[1])).toBe('Daily sales digest');
          expect(text(first[2])).toBe('10/03/2026 12:30');
          expect(first[2]?.querySelector('time')?.getAttribute('datetime')).toBe('2026-03-10T15:30:00Z');
          for (const [i, row] of rows.entries()) {
            expect(text(cells(row)[2])).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
            const tag = cells(row)[3]?.querySelector('.xa-tag');
            const expected = {
              active: ['Active', 'green'],
              completed: ['Completed', 'blue'],
              pending: ['Pending', 'yellow'],
              failed: ['Failed', 'red'],
            }[runs[i]!.status];
            expect(text(tag)).toBe(expected[0]);
            expect(tag?.getAttribute('class')).toContain(`xa-tag--${expected[1]}`);
          }
        });

        it('greys out a deleted agent as "Agent removed"', async () => {
          const doc = await getDocument('/admin/executions');
          const removed = cells(rowsOf(doc)[2]!)[0]!;
          expect(text(removed)).toBe('Agent removed');
          expect(removed.querySelector('.xa-removed')).not.toBeNull();
          expect(doc.body.textContent).not.toContain('Old Bot');
        });

        it('shows credits, or — when not yet calculated', async () => {
          const rows = rowsOf(await getDocument('/admin/executions'));
          const credits = (i: number) => cells(rows[i]!)[5]!;
          expect(credits(0).querySelector('[aria-hidden="true"]')?.textContent).toBe('—');
          expect(text(credits(1))).toBe('1.5');
          expect(text(credits(2))).toBe('3');
        });

        it('offers the full error of a Failed run behind an alert button, and none when there is no message', async () => {
          const rows = rowsOf(await getDocument('/admin/executions'));
          const status = (i: number) => cells(rows[i]!)[3]!;
          const button = status(1).querySelector('button');
          const popover = status(1).querySelector('[popover]');
          expect(button?.getAttribute('popovertarget')).toBe(popover?.getAttribute('id'));
          expect(popover?.textContent).toContain(XSS.error);
          // Run 5 failed without a message; run 0 did not fail.
          expect(status(5).querySelector('button')).toBeNull();
          expect(status(0).querySelector('button')).toBeNull();
        });

        it('says once, outside the swapped region, which zone its times are in; each eye link gives its start in full', async () => {
          const doc = await getDocument('/admin/executions');
          const said = [...doc.querySelectorAll('.xa-times-in')];
          expect(said.map(text)).toEqual(['Times in Brasilia Standard Time, UTC\u221203:00']);
          expect(said[0]!.closest('#xa-results')).toBeNull();
          const first = rowsOf(doc)[0]!;
          expect(text(cells(first)[2])).toBe('10/03/2026 12:30');
          expect(text(cells(first)[6])).toBe('View conversation: Daily sales digest, 10/03/2026 12:30:00 UTC\u221203:00');
          // A fragment leaves it alone: it is not the filters'.
          const fragment = await (await get('/admin/executions?status=failed', htmxHeaders)).text();
          expect(fragment).not.toContain('xa-times-in');
        });

        it('reads a zone the host gives that Intl does not know as UTC, and says so', async () => {
          for (const timeZone of ['Mars/Olympus_Mons', '<b>America/Sao_Paulo</b>', '']) {
            const host = createTestHost(database.db, '/admin/executions', { organization: () => ({ id: ORG_A, timeZone }) });
            const res = await host.request('/admin/executions');
            expect(res.status).toBe(200);
            const html = await res.text();
            expect(html).not.toContain('<b>America');
            const doc = parseDocument(html);
            // The zone recorded for the organization, São Paulo's, is valid: it stands in.
            expect(text(doc.querySelector('.xa-times-in')), timeZone).toBe('Times in Brasilia Standard Time, UTC\u221203:00');
          }
          const unknown = createTestHost(database.db, '/admin/executions', {
            organization: () => ({ id: 'org-unknown-to-the-module', timeZone: 'Mars/Olympus_Mons' }),
          });
          const doc = parseDocument(await (await unknown.request('/admin/executions')).text());
          expect(text(doc.querySelector('.xa-times-in'))).toBe('Times in Coordinated Universal Time, UTC+00:00');
        });

        it('gives each eye link a unique accessible name and keeps the filters for the way back', async () => {
          const doc = await getDocument('/admin/executions?status=failed');
          const links = rowsOf(doc).map((r) => cells(r)[6]!.querySelector('a')!);
          const names = links.map((a) => text(a));
          expect(new Set(names).size).toBe(names.length);
          expect(names[0]).toMatch(/^View conversation: /);
          // A failed run whose tool call failed opens at that call.
          expect(links[0]?.getAttribute('href')).toMatch(
            /^\/admin\/executions\/conversations\/[0-9a-f-]{36}\?status=failed(#xa-step-\d+)?$/,
          );
        });

        it('pages with a total on the left and current / total between the arrows', async () => {
          let doc = await getDocument('/admin/executions');
          const credits = fixtureRuns().reduce((n, r) => n + (r.credits ?? 0), 0);
          expect(text(doc.querySelector('.xa-total'))).toBe(`45 executions total · ${credits.toLocaleString('en-GB')} credits`);
          expect(doc.querySelector('nav[aria-label="Pagination"] [aria-hidden="true"]')?.textContent).toBe('1 / 3');
          expect(doc.querySelector('#xa-page-previous')).toBeNull();
          const CURSOR = /,[0-9a-f-]{36}$/;
          const next = new URL(doc.querySelector('#xa-page-next')?.getAttribute('href') ?? '', 'http://x');
          expect(next.pathname).toBe('/admin/executions');
          expect(next.searchParams.get('page')).toBe('2');
          expect(next.searchParams.get('after')).toMatch(CURSOR);

          doc = await getDocument('/admin/executions?page=3');
          expect(rowsOf(doc)).toHaveLength(5);
          expect(doc.querySelector('#xa-page-next')).toBeNull();
          // Previous carries a cursor too, except to page 1, which needs none.
          const previous = new URL(doc.querySelector('#xa-page-previous')?.getAttribute('href') ?? '', 'http://x');
          expect(previous.searchParams.get('page')).toBe('2');
          expect(previous.searchParams.get('before')).toMatch(CURSOR);
          doc = await getDocument('/admin/executions?page=2');
          expect(doc.querySelector('#xa-page-previous')?.getAttribute('href')).toBe('/admin/executions');
        });

        it('offers the first and the last page beside the arrows, each absent where it would lead nowhere', async () => {
          const href = (doc: Document, id: string) => doc.querySelector(`#${id}`)?.getAttribute('href') ?? null;
          // A filter that keeps every run, so the links must carry it.
          let doc = await getDocument('/admin/executions?start=2000-01-01');
          const runs = fixtureRuns();
          const pageCount = Math.ceil(runs.length / 20);
          expect(pageCount).toBeGreaterThan(1);
          expect(href(doc, 'xa-page-first')).toBeNull();
          expect(text(doc.querySelector('#xa-page-last'))).toBe('Last page');
          // The last page by number alone, filters kept: its rows are the oldest runs.
          expect(href(doc, 'xa-page-last')).toBe(`/admin/executions?start=2000-01-01&page=${pageCount}`);
          doc = await getDocument(href(doc, 'xa-page-last')!);
          const times = rowsOf(doc).map((r) => r.querySelector('time')?.getAttribute('datetime'));
          expect(times).toEqual(runs.slice((pageCount - 1) * 20).map((r) => r.startedAt.toISOString().replace('.000Z', 'Z')));
          expect(href(doc, 'xa-page-last')).toBeNull();
          expect(text(doc.querySelector('#xa-page-first'))).toBe('First page');
          expect(href(doc, 'xa-page-first')).toBe('/admin/executions?start=2000-01-01');
        });

        it('walks every page by the arrows, forward and back, with no row missed or repeated', async () => {
          const seen: string[] = [];
          let href: string | null | undefined = '/admin/executions';
          const pages: string[] = [];
          while (href) {
            pages.push(href);
            const doc = await getDocument(href);
            seen.push(...rowsOf(doc).map((r) => r.querySelector('time')?.getAttribute('datetime') ?? ''));
            href = doc.querySelector('#xa-page-next')?.getAttribute('href');
          }
          // As the page writes it: to the second.
          const expected = fixtureRuns().map((r) => r.startedAt.toISOString().replace('.000Z', 'Z'));
          expect(pages).toHaveLength(3);
          expect(seen).toEqual(expected);
          // And back from the last page, page by page, to the first.
          let back: string | null | undefined = pages.at(-1);
          const reversed: string[] = [];
          while (back) {
            const doc = await getDocument(back);
            reversed.unshift(...rowsOf(doc).map((r) => r.querySelector('time')?.getAttribute('datetime') ?? ''));
            back = doc.querySelector('#xa-page-previous')?.getAttribute('href');
          }
          expect(reversed).toEqual(expected);
        });

        it('never lists other channels’ runs or another organization’s', async () => {
          for (const page of [1, 2, 3]) {
            const body = await (await get(`/admin/executions?page=${page}`)).text();
            expect(body).not.toContain('must not appear');
            expect(body).not.toContain('Org B');
          }
        });

        it('says so, with a way out, when no execution matches', async () => {
          const doc = await getDocument('/admin/executions?start=2020-01-01&end=2020-01-01');
          expect(rowsOf(doc)).toHaveLength(0);
          expect(text(doc.querySelector('.xa-empty'))).toContain('No executions match these filters.');
          expect(doc.querySelector('.xa-empty a')?.getAttribute('href')).toBe('/admin/executions');
          expect(text(doc.querySelector('.xa-total'))).toBe('0 executions total · 0 credits');
        });

        it('says in the caption what the table holds, dates as the page writes them', async () => {
          const doc = await getDocument('/admin/executions?status=failed&start=2026-03-01&end=2026-03-10');
          // Read as one text (test/browser-names.test.ts hears it in Chromium); the word alone is shown.
          expect(text(doc.querySelector('caption .xa-visually-hidden'))).toBe(
            'Executions, filtered by status Failed, from 01/03/2026, to 10/03/2026, newest first, page 1 of 1',
          );
          expect(text(doc.querySelector('caption [aria-hidden="true"]'))).toBe('Executions');
        });

        it('titles the document by filters and page, on a full load and in a swap, in English and Portuguese', async () => {
          const titleOf = async (path: string, headers: Record<string, string> = {}) =>
            text((await getDocument(path, headers)).querySelector('title'));
          expect(await titleOf('/admin/executions')).toBe('Executions');
          expect(await titleOf('/admin/executions?page=2')).toBe('Executions – page 2 of 3');
          expect(await titleOf('/admin/executions?page=2', htmxHeaders)).toBe('Executions – page 2 of 3');
          expect(await titleOf('/admin/executions?status=failed', htmxHeaders)).toBe('Executions – status Failed');
          const portuguese = createTestHost(database.db, '/admin/executions', { messages: ptBR });
          const titleInPortuguese = async (path: string) =>
            text(
              parseDocument(await (await portuguese.request(path, { headers: { [ORG_HEADER]: ORG_A } })).text()).querySelector(
                'title',
              ),
            );
          expect(await titleInPortuguese('/admin/executions')).toBe('Execuções');
          expect(await titleInPortuguese('/admin/executions?page=2')).toBe('Execuções – página 2 de 3');
          expect(await titleInPortuguese('/admin/executions?status=failed')).toBe('Execuções – status Falhou');
        });

        it('keeps what a host’s jsxRenderer adds to the title in a swap’s <title>, and sends nothing else of it', async () => {
          const host = new Hono<ExecutionsAdminEnv>();
          host.use('*', async (c, next) => {
            c.set('organizationId', ORG_A);
            await next();
          });
          host.use(
            '*',
            jsxRenderer((props) => {
              const { children, title } = props as typeof props & { title: string };
              return html`<!doctype html>
                <html>
                  <head>
                    <title>${title} – Host</title>
                  </head>
                  <body>
                    ${children}
                  </body>
                </html>`;
            }),
          );
          host.route('/admin/executions', createExecutionsAdmin({ db: database.db }));
          const res = await host.request('/admin/executions?page=2', { headers: htmxHeaders });
          const body = await res.text();
          expect(body).not.toContain('<!doctype');
          expect(text(parseDocument(body).querySelector('title'))).toBe('Executions – page 2 of 3 – Host');
        });

        it('puts a start date after the end date right by the field, linked to it', async () => {
          const doc = await getDocument('/admin/executions?start=2026-03-10&end=2026-03-01');
          const input = doc.querySelector('#xa-startDate');
          const message = doc.getElementById(input?.getAttribute('aria-describedby') ?? '');
          expect(text(message)).toBe('Error: Start date must be the same as or before the end date');
          expect(input?.getAttribute('value')).toBe('2026-03-10');
          expect(doc.querySelector('#xa-endDate')?.getAttribute('value')).toBe('2026-03-01');
        });

        it('escapes hostile names, titles and errors', async () => {
          const body = await (await get('/admin/executions')).text();
          expect(body).not.toContain('<script>alert');
          expect(body).not.toContain('<img src=x');
          expect(body).not.toContain('href="javascript:');
          expect(body).toContain('&lt;script&gt;alert(&quot;agent&quot;)&lt;/script&gt;');
        });

        it.each([
          'page=-1',
          'page=0',
          'page=1e9',
          'page=NaN',
          'status=%00',
          'agent=%27%20or%201%3D1--',
          'start=2025-02-30',
          'end=9999-99-99',
          'status=failed&status=active',
          `agent=${'a'.repeat(5000)}`,
          'start=%F0%9F%92%A5',
          '%ZZ=1',
        ])('answers %s with a page, never a 5xx', async (search) => {
          const res = await get(`/admin/executions?${search}`);
          expect(res.status).toBe(200);
        });
      });

      describe('htmx', () => {
        it('gets only the results fragment, with the status line and field errors out of band', async () => {
          const res = await get('/admin/executions?status=failed&page=2', htmxHeaders);
          expect(res.status).toBe(200);
          const body = await res.text();
          expect(body).not.toContain('<html');
          expect(body).not.toContain('<form');
          const doc = parseDocument(`<body>${body}</body>`);
          expect(rowsOf(doc).length).toBeGreaterThan(0);
          expect(doc.querySelector('#xa-live-total')?.getAttribute('hx-swap-oob')).toBe('innerHTML');
          expect(text(doc.querySelector('#xa-live-total'))).toMatch(/^\d+ executions total · [\d,.]+ credits$/);
          // Nothing to say: one element empties every field's error slot.
          const clear = [...doc.querySelectorAll('[hx-swap-oob]')].filter((el) =>
            el.getAttribute('hx-swap-oob')!.includes('error'),
          );
          expect(clear.map((el) => [el.getAttribute('hx-swap-oob'), el.innerHTML])).toEqual([
            ['innerHTML:#xa-filters .xa-error-message', ''],
          ]);
          // Something to say: each slot, so the ones without a message are emptied too.
          const wrong = parseDocument(
            `<body>${await (await get('/admin/executions?start=2026-02-30', htmxHeaders)).text()}</body>`,
          );
          expect(wrong.querySelector('#xa-startDate-error')?.getAttribute('hx-swap-oob')).toBe('true');
          expect(text(wrong.querySelector('#xa-startDate-error'))).toMatch(/^Error: /);
          expect(wrong.querySelector('#xa-status-error')?.getAttribute('hx-swap-oob')).toBe('true');
        });

        it('pushes the canonical URL: defaults dropped, the page clamped', async () => {
          const res = await get('/admin/executions?agent=&status=&start=&end=&page=999', htmxHeaders);
          expect(res.headers.get('HX-Push-Url')).toBe('/admin/executions?page=3');
          const filtered = await get('/admin/executions?agent=&status=Failed&start=&end=', htmxHeaders);
          expect(filtered.headers.get('HX-Push-Url')).toBe('/admin/executions?status=failed');
        });

        it('says in Vary that the same URL has two representations', async () => {
          const res = await get('/admin/executions');
          expect(res.headers.get('Vary')).toContain('HX-Request');
          expect(res.headers.get('Vary')).toContain('HX-History-Restore-Request');
        });

        it('gives the whole page to a history restore and to a boosted host link', async () => {
          const requests: Record<string, string>[] = [
            { ...htmxHeaders, 'HX-History-Restore-Request': 'true' },
            { 'HX-Request': 'true', 'HX-Target': 'body', 'HX-Boosted': 'true' },
          ];
          for (const headers of requests) {
            const body = await (await get('/admin/executions', headers)).text();
            expect(body).toContain('<form');
            expect(body).toContain('<html');
          }
        });

        it('puts explicit htmx attributes on every element that makes a request (nothing inherited)', async () => {
          const doc = await getDocument('/admin/executions?page=2');
          const requesting = [...doc.querySelectorAll('[hx-get]')];
          // The form, the sortable headers, the first, previous, next and last arrows and, as page 2 shows Active runs, the live-refresh poller.
          expect(requesting.map((el) => el.id)).toEqual([
            'xa-filters',
            'xa-sort-date',
            'xa-sort-duration',
            'xa-sort-credits',
            'xa-page-first',
            'xa-page-previous',
            'xa-page-next',
            'xa-page-last',
            'xa-refresh',
          ]);
          for (const el of requesting) {
            expect(el.getAttribute('hx-target')).toBe('#xa-results');
            // A live poll's answer is out of band only: it swaps no region.
            expect(el.getAttribute('hx-swap')).toBe(el.id === 'xa-refresh' ? 'none' : 'innerHTML');
            // A poll must not add history entries.
            expect(el.getAttribute('hx-push-url')).toBe(el.id === 'xa-refresh' ? null : 'true');
          }
          expect(doc.querySelector('[hx-on]')).toBeNull();
          expect(doc.body.innerHTML).not.toMatch(/hx-[a-z-]+:inherited/);
        });
      });

      describe('live refresh', () => {
        const pollerOf = async (path: string) => (await getDocument(path)).querySelector('#xa-refresh');
        const pollHeaders = (poller: Element | null): Record<string, string> => ({
          ...htmxHeaders,
          ...(JSON.parse(poller?.getAttribute('hx-headers') ?? '{}') as Record<string, string>),
        });

        it('polls every 10 s while the page shows Active or Pending runs, and not otherwise', async () => {
          const poller = await pollerOf('/admin/executions?page=2');
          expect(poller?.getAttribute('hx-trigger')).toBe('every 10s');
          expect(poller?.getAttribute('hx-swap')).toBe('none');
          expect(poller?.getAttribute('hx-get')).toMatch(/^\/admin\/executions\?page=2&watch=/);
          expect(await pollerOf('/admin/executions?status=completed&end=2026-03-10')).toBeNull();
          expect(await pollerOf('/admin/executions?status=pending&end=2026-03-10')).not.toBeNull();
        });

        it('answers an unchanged poll 304, with nothing to swap and nothing pushed', async () => {
          const poller = await pollerOf('/admin/executions?page=2');
          const res = await get(poller!.getAttribute('hx-get')!, pollHeaders(poller));
          expect(res.status).toBe(304);
          expect(await res.text()).toBe('');
          expect(res.headers.get('HX-Reswap')).toBe('none');
          expect(res.headers.get('HX-Push-Url')).toBeNull();
        });

        it('answers a poll whose ETag differs with the poller alone: no rows or totals, nothing pushed', async () => {
          const poller = await pollerOf('/admin/executions');
          const headers = { ...pollHeaders(poller), 'If-None-Match': '"stale"' };
          const res = await get(poller!.getAttribute('hx-get')!, headers);
          expect(res.status).toBe(200);
          expect(res.headers.get('ETag')).toBe(JSON.parse(poller!.getAttribute('hx-headers')!)['If-None-Match']);
          expect(res.headers.get('HX-Push-Url')).toBeNull();
          const body = await res.text();
          expect(body).not.toContain('executions total');
          expect(parseDocument(body).querySelector('#xa-refresh')?.getAttribute('hx-get')).toBe(poller!.getAttribute('hx-get'));
        });

        it('scopes the ETag to the organization', async () => {
          const poller = await pollerOf('/admin/executions');
          const res = await app.request('/admin/executions', { headers: { ...pollHeaders(poller), [ORG_HEADER]: 'org-b' } });
          expect(res.status).toBe(200);
        });
      });

      describe('the conversation view', () => {
        const run1 = fixtureRuns()[1]!;

        it('shows the run and its timeline, tool calls expandable with escaped, pretty JSON', async () => {
          const res = await get(`/admin/executions/conversations/${run1.conversationId}?status=failed&page=2`);
          expect(res.status).toBe(200);
          const html = await res.text();
          expect(html).not.toContain('<script>alert');
          const doc = parseDocument(html);
          expect(text(doc.querySelector('h1'))).toBe(XSS.title);
          const details = [...doc.querySelectorAll('details')];
          expect(details).toHaveLength(2);
          expect(text(details[1]!.querySelector('summary'))).toContain('Tool call: google_calendar.list_events');
          expect(text(details[1]!.querySelector('summary'))).toContain('Error');
          const [input, output] = [...details[1]!.querySelectorAll('pre')].map((p) => p.textContent);
          expect(details[1]?.textContent).toContain('Input sent');
          expect(details[1]?.textContent).toContain('Response received');
          expect(output).toBe(JSON.stringify(XSS.toolOutput, null, 2));
          expect(input).toContain('"calendarId": "primary"');
          expect(doc.querySelector('.xa-back-link')?.getAttribute('href')).toBe('/admin/executions?status=failed&page=2');
          expect(text(doc.querySelector('.xa-step--error'))).toContain(XSS.error);
        });

        it('gives the start to the second, in the zone it names, as a <time datetime>', async () => {
          const doc = await getDocument(`/admin/executions/conversations/${run1.conversationId}`);
          expect(text(doc.querySelector('.xa-times-in'))).toBe('Times in Brasilia Standard Time, UTC\u221203:00');
          const started = doc.querySelector('.xa-summary time');
          // Run 1 started 2026-03-10 14:30 UTC.
          expect(started?.getAttribute('datetime')).toBe('2026-03-10T14:30:00Z');
          expect(text(started)).toBe('10/03/2026 11:30:00');
        });

        it.each([
          ['another organization’s', ORG_B_CONVERSATION],
          ['a Hub conversation', HUB_CONVERSATION],
          ['a malformed id', 'not-a-uuid'],
          ['an unknown id', '00000000-0000-4000-8000-00000000dead'],
        ])('is a 404 for %s, and so is each of its downloads', async (_, id) => {
          for (const part of ['', '/title', '/error', '/steps/0/content']) {
            const res = await get(`/admin/executions/conversations/${id}${part}`);
            expect(res.status, part).toBe(404);
            const body = await res.text();
            expect(body).not.toContain('Org B secret');
            expect(body).not.toContain('must not appear');
          }
        });
      });

      describe('mounting', () => {
        it('derives every link from the mount path, parameters included', async () => {
          const nested = createTestHost(database.db, '/orgs/:org/admin/executions');
          const res = await nested.request('/orgs/acme/admin/executions', { headers: { [ORG_HEADER]: ORG_A } });
          expect(res.status).toBe(200);
          const doc = parseDocument(await res.text());
          expect(doc.querySelector('form')?.getAttribute('action')).toBe('/orgs/acme/admin/executions');
          expect(doc.querySelector('#xa-page-next')?.getAttribute('href')).toMatch(
            /^\/orgs\/acme\/admin\/executions\?page=2&after=/,
          );
          expect(doc.querySelector('tbody a')?.getAttribute('href')).toMatch(/^\/orgs\/acme\/admin\/executions\/conversations\//);
          const script = doc.querySelector('script[src]')?.getAttribute('src') ?? '';
          expect(script).toMatch(/^\/orgs\/acme\/admin\/executions\/assets\/executions\.[0-9a-f]{10}\.js$/);
          const asset = await nested.request(script);
          expect(asset.status).toBe(200);
          expect(asset.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
          expect(asset.headers.get('Content-Type')).toContain('text/javascript');
        });

        it('sends its address with a trailing slash to the list, query kept', async () => {
          const nested = createTestHost(database.db, '/orgs/:org/admin/executions');
          const res = await nested.request('/orgs/acme/admin/executions/?status=failed&page=2', {
            headers: { [ORG_HEADER]: ORG_A },
          });
          expect(res.status).toBe(308);
          expect(res.headers.get('Location')).toBe('/orgs/acme/admin/executions?status=failed&page=2');
          expect((await get('/admin/executions/')).headers.get('Location')).toBe('/admin/executions');
          // Mounted at the root, or not mounted at all, `/` is the list.
          expect((await createTestHost(database.db, '/').request('/', { headers: { [ORG_HEADER]: ORG_A } })).status).toBe(200);
        });

        it('inlines its stylesheet and loads one deferred script', async () => {
          const doc = await getDocument('/admin/executions');
          expect(doc.querySelector('link[rel="stylesheet"]')).toBeNull();
          expect(doc.querySelector('style')?.textContent).toContain('.xa-tag--red{');
          const scripts = [...doc.querySelectorAll('script')];
          expect(scripts).toHaveLength(1);
          expect(scripts[0]?.hasAttribute('defer')).toBe(true);
        });

        it('serves its own pinned htmx, with its enhancements, compressed as the client accepts', async () => {
          const src = (await getDocument('/admin/executions')).querySelector('script')?.getAttribute('src') ?? '';
          const plain = await get(src);
          const body = await plain.text();
          // The pinned version, whole: a large body is not worth printing on failure.
          expect(body.includes('version="4.0.1"')).toBe(true);
          expect(body.includes("'htmx:after:settle'")).toBe(true);
          for (const encoding of ['br', 'gzip'] as const) {
            const res = await get(src, { 'Accept-Encoding': `${encoding}, identity;q=0.5` });
            expect(res.headers.get('Content-Encoding')).toBe(encoding);
            const raw = Buffer.from(await res.arrayBuffer());
            const decoded = encoding === 'br' ? brotliDecompressSync(raw) : gunzipSync(raw);
            expect(decoded.toString()).toBe(body);
            expect(raw.length).toBeLessThan(body.length / 2);
          }
        });

        it('leaves htmx out when the host loads its own', async () => {
          const app = createTestHost(database.db, '/admin/executions', { serveHtmx: false });
          const page = parseDocument(await (await app.request('/admin/executions', { headers: { [ORG_HEADER]: ORG_A } })).text());
          const res = await app.request(page.querySelector('script')?.getAttribute('src') ?? '');
          const body = await res.text();
          expect(body.includes('version="4.0.1"')).toBe(false);
          expect(body.includes("'htmx:after:settle'")).toBe(true);
        });

        it('compresses pages and fragments', async () => {
          for (const headers of [{}, htmxHeaders]) {
            const res = await get('/admin/executions', { ...headers, 'Accept-Encoding': 'gzip' });
            expect(res.headers.get('Content-Encoding')).toBe('gzip');
            expect(res.headers.get('Vary')).toContain('Accept-Encoding');
            expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toContain('executions total');
          }
        });

        it('lists a filtered agent by name in the select', async () => {
          const doc = await getDocument(`/admin/executions?agent=${AGENT.sales}`);
          expect(text(doc.querySelector('#xa-agent option[selected]'))).toBe('Sales Assistant');
        });
      });
    },
  );
}

describe('when the database fails', () => {
  it('answers with a message, in the page or in the results region — never a stack trace', async () => {
    const database = await openDatabase({});
    await database.migrate();
    await insertFixture(database.db);
    const app = createTestHost(database.db);
    await database.close();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const page = await app.request('/admin/executions', { headers: { [ORG_HEADER]: ORG_A } });
      expect(page.status).toBe(500);
      const body = await page.text();
      expect(body).toContain('Executions could not be loaded.');
      expect(body).toContain('<html');
      const fragment = await app.request('/admin/executions', { headers: { [ORG_HEADER]: ORG_A, ...htmxHeaders } });
      expect(fragment.status).toBe(500);
      const fragmentBody = await fragment.text();
      expect(fragmentBody).toContain('Executions could not be loaded.');
      expect(fragmentBody).not.toContain('<html');
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});

describe("the host's onError", () => {
  /** Closed at once: every read fails with an error that is not the database being unavailable. */
  let closed: OpenDatabase;
  let open: OpenDatabase;
  beforeAll(async () => {
    closed = await openDatabase({});
    await closed.close();
    open = await openDatabase({});
    await open.migrate();
  });
  afterAll(() => open?.close());

  const request = (app: ReturnType<typeof createTestHost>, path = '/admin/executions?status=failed') =>
    app.request(path, { headers: { [ORG_HEADER]: ORG_A } });
  const recorder = () => {
    const calls: { error: Error; c: Context; status: ErrorStatus }[] = [];
    return { calls, onError: (error: Error, c: Context, status: ErrorStatus) => void calls.push({ error, c, status }) };
  };
  const quiet = () => vi.spyOn(console, 'error').mockImplementation(() => {});

  it('gets every error answered 500, with the request’s context; the response is still the module’s page', async () => {
    const { calls, onError } = recorder();
    const logged = quiet();
    try {
      const res = await request(createTestHost(closed.db, '/admin/executions', { onError }));
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('Executions could not be loaded.');
      expect(calls).toHaveLength(1);
      const [{ error, c, status }] = calls as [(typeof calls)[number]];
      expect(status).toBe(500);
      expect(error).toBeInstanceOf(Error);
      expect(new URL(c.req.url).searchParams.get('status')).toBe('failed');
      expect(c.get('organizationId')).toBe(ORG_A);
      // The host's hook replaces the default log.
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('gets errors answered 503 too, with their status', async () => {
    const { calls, onError } = recorder();
    const app = createTestHost(open.db, '/admin/executions', { onError, admission: { lists: { concurrent: 0, queued: 0 } } });
    const res = await request(app);
    expect(res.status).toBe(503);
    expect(calls.map(({ error, status }) => [error.constructor, status])).toEqual([[OverloadedError, 503]]);
  });

  it('throwing or rejecting, changes nothing in the response, and is logged', async () => {
    const logged = quiet();
    try {
      for (const onError of [
        () => {
          throw new Error('tracker down');
        },
        () => Promise.reject(new Error('tracker down')),
      ]) {
        logged.mockClear();
        const res = await request(createTestHost(closed.db, '/admin/executions', { onError }));
        expect(res.status).toBe(500);
        expect(await res.text()).toContain('Executions could not be loaded.');
        await expect
          .poll(() => logged.mock.calls)
          .toEqual([['executions-admin: onError failed:', expect.objectContaining({ message: 'tracker down' })]]);
      }
    } finally {
      logged.mockRestore();
    }
  });

  it('defaults to console.error', async () => {
    const logged = quiet();
    try {
      expect((await request(createTestHost(closed.db))).status).toBe(500);
      expect(logged.mock.calls).toEqual([['executions-admin:', expect.any(Error)]]);
    } finally {
      logged.mockRestore();
    }
  });
});
