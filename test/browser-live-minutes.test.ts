/**
 * A live page over minutes, in Chromium, both logs side by side (they mostly wait, and each has a
 * server and a browser of its own; side by side, each test asserts with its own `expect`):
 *
 * - What a screen reader would hear: every live region (role=status, alert, log, aria-live)
 *   watched by a MutationObserver over two minutes of the demo scheduler starting and finishing
 *   runs while the page polls every second. No announcement without a user action; then one user
 *   action ("show" the new runs) makes exactly one.
 * - What live polling costs a tab left open on the unfiltered list: a minute of the demo scheduler
 *   at its own pace (a run every 8–15 s) with the default 10 s poll, bytes as transferred (headers
 *   included) in each direction. Figures in docs/performance.md.
 */
import type { Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { createDemoApp } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID, seedDemo } from '../src/demo/seed.js';
import { startSimulatedScheduler, type SimulatedScheduler } from '../src/demo/simulator.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const WATCHED_MS = 120_000;

/** Logs each change to a live region's text, as an assistive technology would announce it. */
const listenLikeAScreenReader = (page: Page) =>
  page.evaluate(() => {
    const log: string[] = [];
    Object.assign(window, { xaAnnouncements: log });
    const live = '[role="status"], [role="alert"], [role="log"], [aria-live]:not([aria-live="off"])';
    new MutationObserver((records) => {
      const regions = new Set<Element>();
      for (const record of records) {
        const node = record.target instanceof Element ? record.target : record.target.parentElement;
        const region = node?.closest(live);
        if (region) regions.add(region);
        // A live region added whole is announced too.
        for (const added of record.addedNodes) {
          if (added instanceof Element && added.matches(live)) regions.add(added);
        }
      }
      for (const region of regions) log.push(region.textContent?.trim() ?? '');
    }).observe(document.body, { childList: true, characterData: true, subtree: true });
  });
const announcements = (page: Page) => page.evaluate(() => (window as unknown as { xaAnnouncements: string[] }).xaAnnouncements);

/** A 304 is a few hundred bytes of headers; a change, a few cells and the poller. */
const DOWN_BYTES_PER_MINUTE = 8 * 1024;

describe.concurrent('a live page over minutes', () => {
  describe.skipIf(browserSkipReason !== null)(
    `live regions over two minutes of live runs${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
    () => {
      let scheduler: SimulatedScheduler | undefined;
      const served = serveInChromium(async (db) => {
        await seedDemo(db, { runs: 60 });
        // A run every 1.6–3 s, each played out in a few seconds: many changes while the page polls.
        scheduler = startSimulatedScheduler(db, DEMO_ORGANIZATION_ID, { timeScale: 0.2, onError: () => {} });
        return createTestHost(db, '/admin/executions', { refreshSeconds: 1 }).fetch;
      });

      it('announces nothing on polls, and once after the user shows the new runs', async ({ expect }) => {
        const context = await served.browser.newContext({ extraHTTPHeaders: { [ORG_HEADER]: DEMO_ORGANIZATION_ID } });
        const page = await context.newPage();
        const polls: number[] = [];
        page.on('response', (r) => {
          if (r.request().headers()['x-executions-refresh'] === 'true') polls.push(r.status());
        });
        try {
          await page.goto(`${served.origin}/admin/executions`);
          await listenLikeAScreenReader(page);
          await page.waitForTimeout(WATCHED_MS);
          const changed = polls.filter((s) => s === 200).length;
          console.log(`two minutes live: ${polls.length} polls, ${changed} with changes`);
          // The scheduler did change what the page shows, many times.
          expect(changed).toBeGreaterThan(10);
          expect(await announcements(page)).toEqual([]);

          await page.locator('#xa-new-runs a').click();
          await expect.poll(() => announcements(page)).toHaveLength(1);
          expect((await announcements(page))[0]).toMatch(/executions total/);
          // Polls go on after the user's action, and stay silent.
          await page.waitForTimeout(3000);
          expect(await announcements(page)).toHaveLength(1);
        } finally {
          await context.close();
          await scheduler?.stop();
        }
      }, 180_000);
    },
  );

  describe.skipIf(browserSkipReason !== null)(
    `live polling bandwidth${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
    () => {
      let scheduler: SimulatedScheduler | undefined;
      const served = serveInChromium(async (db) => {
        await seedDemo(db, { runs: 200 });
        scheduler = startSimulatedScheduler(db, DEMO_ORGANIZATION_ID, { onError: () => {} });
        return createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }).fetch;
      });

      it(`costs at most ${DOWN_BYTES_PER_MINUTE / 1024} KB a minute on the unfiltered list`, async ({ expect }) => {
        const context = await served.browser.newContext();
        const page = await context.newPage();
        const polls: Promise<{ status: number; down: number; up: number }>[] = [];
        // Off once the minute is over: a poll finishing later would be read from a closed page, a
        // rejection no one awaits (seen in a fresh-clone CI run).
        let measuring = true;
        page.on('requestfinished', (request) => {
          if (!measuring || request.headers()['x-executions-refresh'] !== 'true') return;
          polls.push(
            Promise.all([request.sizes(), request.response()]).then(([sizes, response]) => ({
              status: response?.status() ?? 0,
              down: sizes.responseHeadersSize + sizes.responseBodySize,
              up: sizes.requestHeadersSize + sizes.requestBodySize,
            })),
          );
        });
        try {
          await page.goto(`${served.origin}/admin/executions`);
          await page.waitForTimeout(60_000);
          measuring = false;
          const done = await Promise.all(polls);
          const sum = (key: 'down' | 'up') => done.reduce((n, p) => n + p[key], 0);
          console.log(
            `live polling, one minute: ${done.length} polls (${done.filter((p) => p.status === 200).length} with changes), ` +
              `${sum('down')} bytes down, ${sum('up')} bytes up`,
          );
          expect(done.length).toBeGreaterThanOrEqual(5);
          expect(sum('down')).toBeLessThanOrEqual(DOWN_BYTES_PER_MINUTE);
        } finally {
          await context.close();
          await scheduler?.stop();
        }
      }, 120_000);
    },
  );
});
