/**
 * Sortable columns in Chromium, JavaScript on and off: a header sorts the list by its column,
 * most first, and again the other way; `aria-sort` says which, on that header alone; a filter
 * keeps the order, and so does the Next arrow; focus stays on the header clicked; axe finds
 * nothing in each state.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeProblems } from './support/axe.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { insertFixture, ORG_A } from './support/fixture.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const LIST = '/admin/executions';

/** Each row's credits as shown, null where they are not calculated: "1,234.50" → 1234.5. */
const shownCredits = async (page: Page) =>
  (await page.locator('#xa-results tbody td.xa-numeric').allTextContents()).map((text) => {
    const figure = /^[\d,]+(\.\d+)?/.exec(text.trim());
    return figure ? Number(figure[0].replaceAll(',', '')) : null;
  });

const ariaSorts = (page: Page) =>
  page.locator('#xa-results thead th').evaluateAll((ths) => ths.map((th) => th.getAttribute('aria-sort')));

/** Figures in the order asked for, those missing last. */
function inOrder(credits: (number | null)[], descending: boolean) {
  const missing = credits.indexOf(null);
  const known = (missing === -1 ? credits : credits.slice(0, missing)) as number[];
  expect(credits.slice(known.length).every((c) => c === null)).toBe(true);
  expect(known).toEqual([...known].sort((a, b) => (descending ? b - a : a - b)));
}

describe.skipIf(browserSkipReason !== null)(
  `sortable columns in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => {
      await insertFixture(db);
      return createTestHost(db).fetch;
    });

    for (const javaScriptEnabled of [true, false]) {
      it(`sorts by a header both ways, kept by filters and paging (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const context = await served.browser.newContext({ extraHTTPHeaders: { [ORG_HEADER]: ORG_A } });
        if (!javaScriptEnabled) await context.route('**/assets/*.js', (route) => route.abort());
        try {
          const page = await context.newPage();
          await page.goto(served.origin + LIST);
          expect(await page.evaluate(() => 'htmx' in window)).toBe(javaScriptEnabled);
          // Newest first: the Date/Time header says so.
          expect(await ariaSorts(page)).toEqual([null, null, 'descending', null, null, null, null]);

          await page.locator('thead a', { hasText: 'Credits' }).click();
          await page.waitForURL(/[?&]sort=-credits/);
          await expect.poll(() => ariaSorts(page)).toEqual([null, null, null, null, null, 'descending', null]);
          inOrder(await shownCredits(page), true);
          if (javaScriptEnabled) expect(await page.evaluate(() => document.activeElement?.id)).toBe('xa-sort-credits');
          expect(await axeProblems(page)).toEqual([]);

          await page.locator('thead a', { hasText: 'Credits' }).click();
          await page.waitForURL(/[?&]sort=credits/);
          await expect.poll(() => ariaSorts(page)).toEqual([null, null, null, null, null, 'ascending', null]);
          inOrder(await shownCredits(page), false);
          expect(await axeProblems(page)).toEqual([]);

          // Next reads on from the page's last run in that order.
          const first = await shownCredits(page);
          await page.locator('#xa-page-next').click();
          await page.waitForURL(/page=2/);
          expect(new URL(page.url()).searchParams.get('sort')).toBe('credits');
          await expect.poll(() => page.locator('#xa-caption').textContent()).toContain('fewest credits first, page 2');
          inOrder([...first, ...(await shownCredits(page))], false);
          expect(await axeProblems(page)).toEqual([]);

          // A filter keeps the order.
          await page.selectOption('#xa-status', 'completed');
          if (!javaScriptEnabled) await page.getByRole('button', { name: 'Apply' }).click();
          await page.waitForURL(/status=completed/);
          expect(new URL(page.url()).searchParams.get('sort')).toBe('credits');
          await expect.poll(() => ariaSorts(page)).toEqual([null, null, null, null, null, 'ascending', null]);
          inOrder(await shownCredits(page), false);
        } finally {
          await context.close();
        }
      }, 60_000);
    }
  },
);
