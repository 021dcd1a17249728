/**
 * Actions on runs in Chromium, in the demo host with its simulated scheduler carrying them out,
 * JavaScript on and off: from the list's row, Run again a completed run; the run's page confirms
 * it and links to the new run, whose page says which run it repeats; Cancel that new run (Pending)
 * and see it Failed, "Cancelled by" the demo's user, in its History. axe finds nothing in each new
 * state; no CSP violation, console error or dialog.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoApp, DEMO_MOUNT_PATH, DEMO_USER } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { startSimulatedScheduler, type SimulatedScheduler } from '../src/demo/simulator.js';
import { axeProblems } from './support/axe.js';
import { browserSkipReason, DEMO_DATA, serveInChromium } from './support/browser.js';
import { watchedContext } from './support/page-watch.js';

describe.skipIf(browserSkipReason !== null)(
  `run actions in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let scheduler: SimulatedScheduler | undefined;
    const served = serveInChromium(
      async (db) => {
        // Slowed a hundredfold: nothing fires by itself during the test, and a run started again stays Pending.
        scheduler = startSimulatedScheduler(db, DEMO_ORGANIZATION_ID, { timeScale: 100 });
        return createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }, scheduler).fetch;
      },
      { demo: { ...DEMO_DATA, runs: 200 } },
    );
    // Registered after the server's: runs before it, so the scheduler stops before the database closes.
    afterAll(() => scheduler?.stop());

    for (const javaScriptEnabled of [true, false]) {
      it(`runs a completed run again from its row, then cancels the new run (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const watched = await watchedContext(served.browser, { javaScriptEnabled });
        watched.context.setDefaultTimeout(10_000);
        const page = await watched.newPage();
        // axe runs as a script in the page: with JavaScript off, the same markup was checked with it on.
        const noAxeProblems = async (p: Page) => {
          if (javaScriptEnabled) expect(await axeProblems(p)).toEqual([]);
        };
        try {
          await page.goto(`${served.origin}${DEMO_MOUNT_PATH}?status=completed`);
          await noAxeProblems(page);
          const runAgain = page.locator('form.xa-action button').first();
          expect(await runAgain.textContent()).toBe('Run again');
          expect(await runAgain.getAttribute('aria-label')).toMatch(/^Run again: /);
          await runAgain.click();

          await page.waitForURL(/\/conversations\/[^/?]+\?status=completed&done=/);
          expect(await page.locator('.xa-banner__title').textContent()).toBe('Success');
          expect(await page.locator('.xa-banner__text').textContent()).toMatch(/^The run was started again\. Open the new run/);
          expect(await page.locator('.xa-history li').first().textContent()).toContain(
            `Run again by ${DEMO_USER.name} — Succeeded`,
          );
          await noAxeProblems(page);

          await page.click('.xa-banner__text a');
          await page.waitForURL(/\/conversations\/[^/?]+\?status=completed$/);
          expect(await page.locator('.xa-summary .xa-tag').first().textContent()).toBe('Pending');
          expect(await page.locator('dd a', { hasText: 'Open the run it repeats' }).count()).toBe(1);
          await noAxeProblems(page);
          await page.click('.xa-actions button:text-is("Cancel")');

          await page.waitForURL(/done=/);
          expect(await page.locator('.xa-banner__text').textContent()).toBe('The run was cancelled.');
          expect(await page.locator('.xa-summary .xa-tag').first().textContent()).toBe('Failed');
          expect(await page.locator('.xa-summary').first().textContent()).toContain(`Cancelled by ${DEMO_USER.name}`);
          expect(await page.locator('.xa-actions').count()).toBe(1);
          expect(await page.locator('.xa-actions button').textContent()).toBe('Run again');
          await noAxeProblems(page);
          expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        } finally {
          await watched.context.close();
        }
      }, 60_000);
    }

    it('lists the action in Activity, opened from the list, filtered by status (JavaScript on, then off)', async () => {
      for (const javaScriptEnabled of [true, false]) {
        const watched = await watchedContext(served.browser, { javaScriptEnabled });
        watched.context.setDefaultTimeout(10_000);
        const page = await watched.newPage();
        const rowsOf = (p: Page) => p.locator('tbody tr');
        try {
          await page.goto(`${served.origin}${DEMO_MOUNT_PATH}?status=completed`);
          // An action of its own (with JavaScript, the first time): the case needs no other to have run.
          if (javaScriptEnabled) {
            await page.locator('form.xa-action button').first().click();
            await page.waitForURL(/done=/);
            await page.goto(`${served.origin}${DEMO_MOUNT_PATH}?status=completed`);
          }
          await page.click('#xa-activity-link');
          await page.waitForURL(/\/activity\?status=completed$/);
          expect(await page.locator('h1').textContent()).toBe('Activity');
          const first = rowsOf(page).first().locator('td');
          expect(await first.nth(1).textContent()).toBe(DEMO_USER.name);
          expect(await first.nth(2).textContent()).toBe('Run again');
          expect(await first.nth(4).textContent()).toBe('Succeeded');
          expect(await first.nth(3).locator('a').getAttribute('href')).toMatch(
            /\/conversations\/[0-9a-f-]{36}\?status=completed$/,
          );
          if (javaScriptEnabled) expect(await axeProblems(page)).toEqual([]);

          // Filtered by Failed: the run again of a Completed run is gone; every Cancel made it Failed.
          await page.selectOption('#xa-status', 'failed');
          await page.click('button:text-is("Apply")');
          // The form's own submission, empty fields and all, as the list's without JavaScript.
          await page.waitForURL(/\/activity\?.*&status=failed&/);
          const actions = await rowsOf(page).locator('td:nth-child(3)').allTextContents();
          expect(actions.filter((action) => action !== 'Cancel')).toEqual([]);
          expect(await page.locator('a.xa-back-link').getAttribute('href')).toBe(`${DEMO_MOUNT_PATH}?status=failed`);
          if (javaScriptEnabled) expect(await axeProblems(page)).toEqual([]);
          expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        } finally {
          await watched.context.close();
        }
      }
    }, 60_000);
  },
);
