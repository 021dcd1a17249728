/**
 * A bulk job in Chromium, in the demo host with its simulated scheduler carrying it out, JavaScript
 * on and off: from the whole list, "Run again all matching these filters"; the confirmation
 * states the count; confirmed, the job's page shows its bar and ends Done — by htmx's polling with
 * JavaScript, by its Refresh link without. axe finds nothing on the confirmation, the progress and
 * the report; no CSP violation, console error or dialog.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoApp, DEMO_MOUNT_PATH } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID, seedDemo } from '../src/demo/seed.js';
import { startSimulatedScheduler, type SimulatedScheduler } from '../src/demo/simulator.js';
import { axeProblems } from './support/axe.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { watchedContext } from './support/page-watch.js';

describe.skipIf(browserSkipReason !== null)(
  `bulk jobs in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let scheduler: SimulatedScheduler | undefined;
    const served = serveInChromium(async (db) => {
      await seedDemo(db, { now: new Date('2026-11-20T12:00:00Z'), seed: 7, runs: 60 });
      scheduler = startSimulatedScheduler(db, DEMO_ORGANIZATION_ID, { timeScale: 100 });
      return createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }, scheduler).fetch;
    });
    afterAll(() => scheduler?.stop());

    for (const javaScriptEnabled of [true, false]) {
      it(`runs again every run through a confirmed job (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const watched = await watchedContext(served.browser, { javaScriptEnabled });
        watched.context.setDefaultTimeout(20_000);
        const page = await watched.newPage();
        const noAxeProblems = async (p: Page) => {
          if (javaScriptEnabled) expect(await axeProblems(p)).toEqual([]);
        };
        try {
          await page.goto(`${served.origin}${DEMO_MOUNT_PATH}`);
          await page.click('form.xa-bulk button:text-is("Run again all matching these filters")');
          await page.waitForURL(/\/bulk\/run-again$/);
          const title = (await page.locator('h1').textContent()) ?? '';
          const count = Number(/^Run again: (\d+) runs$/.exec(title)?.[1]);
          expect(count).toBeGreaterThan(0);
          expect(await page.locator('.xa p').first().textContent()).toContain('all runs');
          await noAxeProblems(page);
          await page.click('button:text-is("Confirm and start")');

          await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
          const bar = page.locator('[role="progressbar"]');
          expect(await bar.getAttribute('aria-valuemax')).toBe(String(count));
          // Still running: a batch at a time, at the runner's rate.
          expect(await page.locator('#xa-job dd', { hasText: 'Done' }).count()).toBe(0);
          await noAxeProblems(page);
          if (javaScriptEnabled) {
            // htmx polls the job's region until it is done.
            await page.locator('#xa-job dd', { hasText: 'Done' }).waitFor();
          } else {
            for (let i = 0; i < 40 && (await page.locator('#xa-job dd', { hasText: 'Done' }).count()) === 0; i++) {
              await page.waitForTimeout(500);
              const refresh = page.locator('a:text-is("Refresh")');
              if ((await refresh.count()) > 0) await refresh.click();
            }
          }
          expect(await bar.getAttribute('aria-valuenow')).toBe(String(count));
          expect(await page.locator('#xa-job-progress').textContent()).toBe(`${count} of ${count} runs done`);
          expect(await page.locator('button:text-is("Cancel job")').count()).toBe(0);
          await noAxeProblems(page);
          expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        } finally {
          await watched.context.close();
        }
      }, 90_000);
    }
  },
);
