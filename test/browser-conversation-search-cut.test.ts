/**
 * A search "also in conversations" whose time runs out, in Chromium, JavaScript on and off: with
 * `conversationSearchMs: 0` one chunk of runs is read, and a term only the oldest run's step holds
 * is not reached. The page says so where it can be seen — from which run on conversations were not
 * searched — and its total is a lower bound ("At least 0 executions"). The status region, the
 * live region a swap updates, says the total and the notice: a screen reader hears why the total
 * is "at least" after a search, and reads the notice before the results. axe finds nothing.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.js';
import { formatDateTime } from '../src/lib/time-zone.js';
import { SCAN_CHUNK } from '../src/list/conversation-search.js';
import { axeProblems } from './support/axe.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { insertManyRuns, startOfRun } from './support/many-runs.js';
import { watchedContext } from './support/page-watch.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const LIST = '/admin/executions';
const ORG = 'cut-browser-org';
/** More runs than one chunk, a minute apart: all inside the search's bound of days (CONVERSATION_SEARCH_DAYS). */
const RUNS = SCAN_CHUNK + 50;
const TERM = 'zqoldestonly';
const MINUTE = 60_000;

describe.skipIf(browserSkipReason !== null)(
  `a conversation search cut short in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const newest = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE);
    const served = serveInChromium(async (db) => {
      await insertManyRuns(db, ORG, { runs: RUNS, newest, marked: { [RUNS - 1]: TERM } });
      return createTestHost(db, LIST, { conversationSearchMs: 0 }).fetch;
    });
    /** The last run the one chunk read, newest first: the search stopped there. */
    const notice = en.conversationSearchCut(formatDateTime(startOfRun(newest, SCAN_CHUNK - 1), 'UTC'), true);
    const total = en.executionsAtLeast(0, '0');

    for (const javaScriptEnabled of [true, false]) {
      it(`says where the search stopped and that the total is a lower bound (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const watched = await watchedContext(served.browser, { extraHTTPHeaders: { [ORG_HEADER]: ORG } });
        if (!javaScriptEnabled) await watched.context.route('**/assets/*.js', (route) => route.abort());
        try {
          const page = await watched.newPage();
          await page.goto(served.origin + LIST);
          expect(await page.evaluate(() => 'htmx' in window)).toBe(javaScriptEnabled);
          const status = page.locator('#xa-live-total');
          // The live region as the page first rendered it: a swap must change its text, not replace it.
          await status.evaluate((el) => el.setAttribute('data-first', ''));
          await expect.poll(() => page.locator('.xa-total').textContent()).toContain(`${RUNS} executions total`);

          const search = page.getByLabel('Search', { exact: true });
          await search.fill(TERM);
          await page.getByRole('checkbox', { name: 'Also in conversations (last 7 days)', exact: true }).check();
          await search.press('Enter');
          await page.waitForURL(/[?&]conversations=1/);

          const cut = page.locator('#xa-conversations-cut');
          await expect.poll(() => cut.isVisible()).toBe(true);
          expect(await cut.textContent()).toBe(notice);
          expect(await page.locator('.xa-total').textContent()).toBe(total);
          expect(await page.locator('#xa-results tbody tr').count()).toBe(0);
          expect(await page.locator('.xa-empty').textContent()).toContain('No executions match');

          // Heard: the page's one status region (role status, polite) says the total and why it is a lower bound…
          expect(await page.getByRole('status').allTextContents()).toEqual([`${total}. ${notice}`]);
          // …and, with JavaScript, is the region the page loaded with, whose change a screen reader speaks.
          expect(await status.evaluate((el) => el.hasAttribute('data-first'))).toBe(javaScriptEnabled);
          // Read: the notice is in the results region, before what it qualifies, and not hidden from assistive technology.
          expect(
            await cut.evaluate((el) => {
              const empty = document.querySelector('#xa-results .xa-empty');
              return {
                inResults: el.closest('#xa-results') !== null,
                beforeResults: empty !== null && (el.compareDocumentPosition(empty) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
                hidden: el.closest('[aria-hidden="true"], [hidden]') !== null,
              };
            }),
          ).toEqual({ inResults: true, beforeResults: true, hidden: false });
          expect(await axeProblems(page)).toEqual([]);
          // Without JavaScript, the script refused here is the one error the console shows.
          const consoleErrors = watched.problems.consoleErrors.filter(
            (e) => javaScriptEnabled || !/^Failed to load resource/.test(e),
          );
          expect({ ...watched.problems, consoleErrors }).toEqual({
            cspViolations: [],
            consoleErrors: [],
            pageErrors: [],
            dialogs: [],
          });
        } finally {
          await watched.context.close();
        }
      }, 60_000);
    }
  },
);
