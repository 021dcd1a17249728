/**
 * Small screens and the fold, in Chromium, with JavaScript on and off: at 1280×800 ten rows show
 * before any scrolling (the activity chart waits behind a disclosure that remembers the user's
 * choice); at 375 px the filters wait behind "Filters (N applied)" (the MoJ filter pattern), the
 * applied ones listed outside it, each removed in one click; swaps keep list and count in step
 * under htmx 4 and a host's htmx 2.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { browserSkipReason, DEMO_DATA, serveInChromium } from './support/browser.js';
import { htmxHosts, listOf, type HostName } from './support/htmx-hosts.js';
import { ORG_HEADER } from './support/test-host.js';
import { watchedContext } from './support/page-watch.js';

const MODULE = listOf('htmx 4, served by the module');
const HOSTS: HostName[] = ['htmx 4, served by the module', 'htmx 2.0.x, loaded by the host'];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 667 };

/** Rows drawn whole within the first screen, the page not scrolled. */
const rowsOnFirstScreen = (page: Page) =>
  page.locator('tbody tr').evaluateAll((rows) =>
    rows.filter((row) => {
      const box = row.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
    }),
  );

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const appliedTexts = (page: Page) => page.locator('#xa-applied a').allTextContents();
const toggleText = (page: Page) => page.locator('#xa-filters-toggle').evaluate((b) => b.textContent?.replace(/\s+/g, ' ').trim());

describe.skipIf(browserSkipReason !== null)(
  `small screens and the fold in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => htmxHosts(db).fetch, { demo: DEMO_DATA });

    const open = async (path: string, options: BrowserContextOptions) => {
      const watched = await watchedContext(served.browser, {
        extraHTTPHeaders: { [ORG_HEADER]: DEMO_ORGANIZATION_ID },
        ...options,
      });
      watched.context.setDefaultTimeout(10_000);
      const page = await watched.newPage();
      await page.goto(served.origin + path);
      if (options.javaScriptEnabled !== false) await page.waitForFunction(() => 'htmx' in window);
      return { watched, page };
    };

    for (const javaScriptEnabled of [true, false]) {
      const js = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';

      it(`shows ten rows on a 1280×800 screen before any scrolling, filtered or not, the chart closed (${js})`, async () => {
        const { watched, page } = await open(MODULE, { viewport: DESKTOP, javaScriptEnabled });
        try {
          for (const search of ['', '?status=failed&start=2026-11-01']) {
            await page.goto(served.origin + MODULE + search);
            expect((await rowsOnFirstScreen(page)).length, search).toBeGreaterThanOrEqual(10);
            expect(await page.locator('#xa-chart').evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
            expect(await page.locator('#xa-chart > summary').isVisible()).toBe(true);
            expect(await page.locator('.xa-activity__chart').isVisible()).toBe(false);
          }
          // The disclosure opens without JavaScript too, on the chart of the filtered runs.
          await page.click('#xa-chart > summary');
          await expect.poll(() => page.locator('.xa-activity__chart').isVisible()).toBe(true);
          expect(await page.locator('.xa-activity__title').textContent()).toContain('01/11/2026');
          expect(await page.locator('.xa-legend').isVisible()).toBe(true);
          // The filters as they were: one row of controls on the grey panel, nothing folded away.
          expect(await page.locator('#xa-filters').isVisible()).toBe(true);
          expect(await page.locator('#xa-filters-toggle').isVisible()).toBe(false);
          expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        } finally {
          await watched.context.close();
        }
      });

      it(`lists the applied filters at 375 px, each removed in one click, the others kept (${js})`, async () => {
        const { watched, page } = await open(`${MODULE}?status=failed&spikes=1`, { viewport: PHONE, javaScriptEnabled });
        try {
          expect(await appliedTexts(page)).toEqual([
            'Remove this filter Status: Failed',
            'Remove this filter Credit spikes only',
          ]);
          // Collapsed behind the button with JavaScript; in view without it, and no button.
          expect(await page.locator('#xa-filters').isVisible()).toBe(!javaScriptEnabled);
          expect(await page.locator('#xa-filters-toggle').isVisible()).toBe(javaScriptEnabled);
          await page.locator('#xa-applied a', { hasText: 'Credit spikes only' }).click();
          await page.waitForURL((url) => url.search === '?status=failed');
          expect(await appliedTexts(page)).toEqual(['Remove this filter Status: Failed']);
          expect(await page.locator('#xa-status').inputValue()).toBe('failed');
          expect(await page.locator('#xa-spikes').isChecked()).toBe(false);
          expect(await page.locator('tbody .xa-tag').allTextContents()).toEqual(Array(20).fill('Failed'));
          await page.locator('#xa-applied a').click();
          await page.waitForURL((url) => url.search === '' && url.pathname === MODULE);
          expect(await page.locator('#xa-applied a').count()).toBe(0);
          expect(await page.locator('.xa-applied').isVisible()).toBe(false);
          if (javaScriptEnabled) expect(await toggleText(page)).toBe('Filters');
          expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        } finally {
          await watched.context.close();
        }
      });
    }

    it('keeps each date of a range removable alone, by its own link', async () => {
      const { watched, page } = await open(`${MODULE}?start=2026-11-01&end=2026-11-15`, { viewport: PHONE });
      try {
        expect(await appliedTexts(page)).toEqual([
          'Remove this filter Start date: 01/11/2026',
          'Remove this filter End date: 15/11/2026',
        ]);
        const hrefs = await page.locator('#xa-applied a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        expect(hrefs).toEqual([`${MODULE}?end=2026-11-15`, `${MODULE}?start=2026-11-01`]);
      } finally {
        await watched.context.close();
      }
    });

    for (const host of HOSTS) {
      it(`remembers the chart opened, across reloads, pages and swaps, until closed (${host})`, async () => {
        const list = listOf(host);
        const { watched, page } = await open(list, { viewport: DESKTOP });
        const isOpen = () => page.locator('#xa-chart').evaluate((d: HTMLDetailsElement) => d.open);
        try {
          await page.click('#xa-chart > summary');
          expect(await isOpen()).toBe(true);
          await page.reload();
          await page.waitForFunction(() => 'htmx' in window);
          await expect.poll(isOpen).toBe(true);
          // A filter swap refills the chart and leaves the disclosure open.
          const figures = await page.locator('.xa-activity__list').textContent();
          await page.selectOption('#xa-status', 'failed');
          await page.waitForURL(/status=failed/);
          await expect.poll(() => page.locator('.xa-activity__list').textContent()).not.toBe(figures);
          expect(await isOpen()).toBe(true);
          // Another page of the module, then back by a link.
          await page.click('#xa-digest');
          await page.waitForURL(/failures/);
          await page.goto(served.origin + list);
          await expect.poll(isOpen).toBe(true);
          await page.click('#xa-chart > summary');
          expect(await isOpen()).toBe(false);
          await page.reload();
          await page.waitForFunction(() => 'htmx' in window);
          // Given time to be opened wrongly.
          await page.waitForTimeout(200);
          expect(await isOpen()).toBe(false);
          expect((await rowsOnFirstScreen(page)).length).toBeGreaterThanOrEqual(10);
          expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        } finally {
          await watched.context.close();
        }
      });

      it(`folds the filters behind "Filters (N applied)" at 375 px, by keyboard, the count kept in step by swaps (${host})`, async () => {
        const { watched, page } = await open(`${listOf(host)}?status=failed&spikes=1`, { viewport: PHONE });
        const toggle = page.locator('#xa-filters-toggle');
        try {
          expect(await toggleText(page)).toBe('Filters (2 applied)');
          expect(await toggle.getAttribute('aria-expanded')).toBe('false');
          expect(await toggle.getAttribute('aria-controls')).toBe('xa-filters');
          expect(await page.locator('#xa-filters').isVisible()).toBe(false);
          // The first screen holds the button and the applied filters, not the form.
          expect(
            await page
              .locator('#xa-applied a')
              .last()
              .evaluate((a) => a.getBoundingClientRect().bottom),
          ).toBeLessThan(PHONE.height);

          // Reached by Tab from the header, opened with Enter: focus stays, and Tab goes on into the form.
          await page.focus('#xa-weekly-review');
          await page.keyboard.press('Tab');
          expect(await focusedId(page)).toBe('xa-filters-toggle');
          await page.keyboard.press('Enter');
          expect(await toggle.getAttribute('aria-expanded')).toBe('true');
          expect(await page.locator('#xa-filters').isVisible()).toBe(true);
          expect(await focusedId(page)).toBe('xa-filters-toggle');
          await page.keyboard.press('Tab');
          expect(await focusedId(page)).toBe('xa-search'); // the first field: search

          // A swap changes the applied list and the count with the results.
          await page.selectOption('#xa-status', 'completed');
          await page.waitForURL(/status=completed/);
          await expect
            .poll(() => appliedTexts(page))
            .toEqual(['Remove this filter Status: Completed', 'Remove this filter Credit spikes only']);
          await page.locator('#xa-spikes').uncheck();
          await page.waitForURL((url) => !url.search.includes('spikes'));
          await expect.poll(() => toggleText(page)).toBe('Filters (1 applied)');
          expect(await appliedTexts(page)).toEqual(['Remove this filter Status: Completed']);
          await page.selectOption('#xa-status', '');
          await page.waitForURL((url) => url.search === '');
          await expect.poll(() => toggleText(page)).toBe('Filters');
          expect(await page.locator('.xa-applied').isVisible()).toBe(false);
          // The form stayed open through the swaps; Space closes it, focus on the button.
          expect(await page.locator('#xa-filters').isVisible()).toBe(true);
          await toggle.focus();
          await page.keyboard.press('Space');
          expect(await toggle.getAttribute('aria-expanded')).toBe('false');
          expect(await page.locator('#xa-filters').isVisible()).toBe(false);
          expect(await focusedId(page)).toBe('xa-filters-toggle');
          expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        } finally {
          await watched.context.close();
        }
      });
    }

    it('keeps the chart as the user set it through swaps where the browser refuses storage', async () => {
      const { watched, page } = await open(MODULE, { viewport: PHONE });
      try {
        await watched.context.addInitScript(() => {
          for (const name of ['localStorage', 'sessionStorage'])
            Object.defineProperty(window, name, {
              get() {
                throw new DOMException('The site’s data is blocked', 'SecurityError');
              },
            });
        });
        await page.reload();
        await page.waitForFunction(() => 'htmx' in window);
        await expect.poll(() => page.locator('#xa-filters-toggle').isVisible()).toBe(true);
        await page.click('#xa-chart > summary');
        await page.click('#xa-filters-toggle');
        const figures = await page.locator('.xa-activity__list').textContent();
        await page.selectOption('#xa-status', 'failed');
        await page.waitForURL(/status=failed/);
        await expect.poll(() => page.locator('.xa-activity__list').textContent()).not.toBe(figures);
        expect(await page.locator('#xa-chart').evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
        expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
      } finally {
        await watched.context.close();
      }
    });

    it('opens the filters at 375 px when a field has an error to show', async () => {
      const { watched, page } = await open(`${MODULE}?start=2026-02-30`, { viewport: PHONE });
      try {
        expect(await page.locator('#xa-filters-toggle').getAttribute('aria-expanded')).toBe('true');
        expect(await page.locator('#xa-startDate-error').isVisible()).toBe(true);
      } finally {
        await watched.context.close();
      }
    });
  },
);
