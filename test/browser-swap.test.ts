/**
 * A swap as a user meets it in Chromium, in the demo's layout with htmx 4 and in a host layout
 * that loads htmx 2.0.x: a choice sends at once while typed dates wait for a pause, and the
 * document title names the filters and the page, with the host's suffix, after every swap.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createExecutionsAdmin, type ExecutionsAdminEnv } from '../src/http/executions-admin.js';
import { createDemoApp } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { AssetTags, type Layout } from '../views/shared/layout.js';
import { browserSkipReason, DEMO_DATA, serveInChromium } from './support/browser.js';

const require = createRequire(import.meta.url);
const HTMX_2 = readFileSync(require.resolve('htmx2/dist/htmx.min.js'));

/** A host that loads htmx 2 itself, in a layout with a title of its own making. */
const htmx2Layout: Layout = ({ title, lang, assets, children }) =>
  html`<!doctype html>
    <html lang="${lang}">
      <head>
        <title>${title} – Acme admin</title>
        <script src="/static/htmx2.js" defer></script>
        ${AssetTags({ assets })}
      </head>
      <body>
        <main>${children}</main>
      </body>
    </html>`;

const HOSTS = { 'htmx 4 (demo layout)': '/admin/executions', 'htmx 2 (host layout)': '/h2/executions' } as const;

/** Milliseconds from each change the user made to the list request it sent, in page order. */
async function recordChanges(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { changes: number[] };
    w.changes = [];
    document.addEventListener('change', () => w.changes.push(performance.now()), true);
  });
  return () =>
    page.evaluate(() => {
      const changes = (window as unknown as { changes: number[] }).changes;
      const sent = performance
        .getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname.endsWith('/executions'))
        .map((e) => e.startTime);
      return { changes, sent };
    });
}

describe.skipIf(browserSkipReason !== null)(
  `swaps in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(
      async (db) => {
        const app = new Hono<ExecutionsAdminEnv>();
        app.get('/static/htmx2.js', (c) => c.body(HTMX_2, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
        app.use('/h2/*', async (c, next) => {
          c.set('organizationId', DEMO_ORGANIZATION_ID);
          await next();
        });
        app.route('/h2/executions', createExecutionsAdmin({ db, layout: htmx2Layout, serveHtmx: false }));
        app.route('/', createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }));
        return app.fetch;
      },
      { demo: DEMO_DATA },
    );

    const open = async (path: string) => {
      const page = await served.browser.newPage();
      await page.goto(served.origin + path);
      await page.waitForFunction(() => 'htmx' in window);
      return page;
    };

    for (const [name, path] of Object.entries(HOSTS)) {
      it(`sends a select or checkbox change at once, and a typed date once, after a pause (${name})`, async () => {
        const page = await open(path);
        try {
          const timings = await recordChanges(page);
          await page.selectOption('#xa-status', 'failed');
          await page.waitForURL(/status=failed/);
          await page.check('#xa-spikes');
          await page.waitForURL(/spikes=1/);
          const choices = await timings();
          expect(choices.sent).toHaveLength(2);
          choices.sent.forEach((sent, i) => expect(sent - choices.changes[i]!).toBeLessThan(100));

          // Typed digit by digit, the date is a valid, different date after several keystrokes.
          await page.focus('#xa-startDate');
          // Chromium's en-US field: month, day, year.
          await page.keyboard.type('09012026', { delay: 60 });
          await page.waitForURL(/start=2026-09-01/);
          await page.waitForTimeout(600);
          const typed = await timings();
          expect(typed.changes.length).toBeGreaterThan(3);
          expect(typed.sent).toHaveLength(3);
          expect(typed.sent[2]! - typed.changes.at(-1)!).toBeGreaterThanOrEqual(300);
        } finally {
          await page.close();
        }
      });

      it(`titles the document with the filters and the page, the host's suffix kept, on loads and swaps (${name})`, async () => {
        const page = await open(path);
        try {
          expect(await page.title()).toBe('Executions – Acme admin');
          await page.selectOption('#xa-status', 'failed');
          await page.waitForURL(/status=failed/);
          const pages = (await page.locator('.xa-pagination__current [aria-hidden]').textContent())!.split(' / ')[1]!;
          expect(Number(pages)).toBeGreaterThan(2);
          await expect.poll(() => page.title()).toBe(`Executions – status Failed, page 1 of ${pages} – Acme admin`);
          await page.click('#xa-page-next');
          await page.waitForURL(/page=2/);
          await expect.poll(() => page.title()).toBe(`Executions – status Failed, page 2 of ${pages} – Acme admin`);
          await page.reload();
          expect(await page.title()).toBe(`Executions – status Failed, page 2 of ${pages} – Acme admin`);
          await page.click('#xa-page-previous');
          await page.waitForURL((url) => !url.search.includes('page='));
          await page.selectOption('#xa-status', '');
          await expect.poll(() => page.title()).toBe('Executions – Acme admin');
        } finally {
          await page.close();
        }
      });
    }
  },
);
