/**
 * What a screen reader would hear from a live page: every live region (role=status, alert, log,
 * aria-live) watched by a MutationObserver over two minutes of the demo scheduler starting and
 * finishing runs while the page polls every second. No announcement without a user action; then
 * one user action ("show" the new runs) makes exactly one.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
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

    it('announces nothing on polls, and once after the user shows the new runs', async () => {
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
