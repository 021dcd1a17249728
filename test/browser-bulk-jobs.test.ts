/**
 * Bulk jobs in Chromium, in the demo host with its simulated scheduler carrying them out, JavaScript
 * on and off: two runs selected in the list's rows, "Run again selected", then, from the whole list,
 * "Run again all matching these filters"; each confirmation states the count; confirmed, the job's
 * page shows its bar and ends Done — by htmx's polling with JavaScript, by its Refresh link
 * without. axe finds nothing on the list with its tick boxes, the confirmation, the progress and the
 * report; no CSP violation, console error or dialog.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoApp, DEMO_MOUNT_PATH } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { startSimulatedScheduler, type SimulatedScheduler } from '../src/demo/simulator.js';
import { axeProblems } from './support/axe.js';
import { browserSkipReason, DEMO_DATA, refreshJobUntilDone, serveInChromium } from './support/browser.js';
import { watchedContext } from './support/page-watch.js';

describe.skipIf(browserSkipReason !== null)(
  `bulk jobs in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let scheduler: SimulatedScheduler | undefined;
    const served = serveInChromium(
      async (db) => {
        scheduler = startSimulatedScheduler(db, DEMO_ORGANIZATION_ID, { timeScale: 100 });
        return createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }, scheduler).fetch;
      },
      { demo: { ...DEMO_DATA, runs: 60 } },
    );
    afterAll(() => scheduler?.stop());

    for (const javaScriptEnabled of [true, false]) {
      it(`runs again selected runs, then every run, through confirmed jobs (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const watched = await watchedContext(served.browser, { javaScriptEnabled });
        watched.context.setDefaultTimeout(20_000);
        const page = await watched.newPage();
        const noAxeProblems = async (p: Page) => {
          if (javaScriptEnabled) expect(await axeProblems(p)).toEqual([]);
        };
        const done = page.locator('#xa-job dd', { hasText: 'Done' });
        const untilDone = async () => {
          if (javaScriptEnabled) {
            // htmx polls the job's region until it is done.
            await done.waitFor();
          } else {
            await refreshJobUntilDone(page);
          }
        };
        try {
          await page.goto(`${served.origin}${DEMO_MOUNT_PATH}`);
          const boxes = page.getByRole('checkbox', { name: /^Select .+, / });
          expect(await boxes.count()).toBe(20);
          // None selected: nothing to confirm.
          await page.click('#xa-selected button:text-is("Run again selected")');
          expect(await page.locator('.xa p').first().textContent()).toMatch(/^No runs are selected/);
          expect(await page.locator('button:text-is("Confirm and start")').count()).toBe(0);
          await noAxeProblems(page);
          await page.goBack();
          const swaps: string[] = [];
          page.on('request', (r) => {
            // Live polls aside: they swap cells, never the region.
            if (r.headers()['hx-request'] && !r.headers()['x-executions-refresh']) swaps.push(r.url());
          });
          await boxes.nth(0).check();
          await boxes.nth(2).check();
          // A tick is no filter change: the region is not fetched again, and the ticks stay.
          await page.waitForTimeout(600);
          expect(swaps).toEqual([]);
          expect([await boxes.nth(0).isChecked(), await boxes.nth(2).isChecked()]).toEqual([true, true]);
          await noAxeProblems(page);
          await page.click('#xa-selected button:text-is("Run again selected")');
          await page.waitForURL(/\/bulk\/run-again$/);
          expect(await page.locator('h1').textContent()).toBe('Run again: 2 runs');
          await noAxeProblems(page);
          await page.click('button:text-is("Confirm and start")');
          await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
          await untilDone();
          expect(await page.locator('#xa-job-progress').textContent()).toBe('2 of 2 runs done');

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
          expect(await done.count()).toBe(0);
          await noAxeProblems(page);
          await untilDone();
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
