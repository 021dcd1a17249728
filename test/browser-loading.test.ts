/**
 * The loading state in Chromium, with htmx 4 served by the module and htmx 2.0.x loaded by a host:
 * a filter or page swap marks the results aria-busy while it is in flight and shows "Loading…"
 * only once it has lasted 200 ms; a fast swap shows nothing; a failed or aborted one ends the
 * busy state too; a timed poll never marks it. Server delays are made with route interception.
 */
import type { APIResponse, Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { insertFixture, ORG_A } from './support/fixture.js';
import { htmxHosts, listOf, type HostName } from './support/htmx-hosts.js';
import { watchedContext } from './support/page-watch.js';
import { ORG_HEADER } from './support/test-host.js';

const NAMES: HostName[] = ['htmx 4, served by the module', 'htmx 2.0.x, loaded by the host'];

interface Frame {
  /** ms since the region became busy, or null while it is not. */
  busyFor: number | null;
  shown: boolean;
}

/**
 * Records, every frame, whether the region is busy (and since when) and whether the note shows;
 * called again, starts a new record.
 */
async function recordFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const recorded = (window as unknown as { xaFrames?: Frame[] }).xaFrames;
    if (recorded) {
      recorded.length = 0;
      return;
    }
    const region = document.getElementById('xa-results')!;
    const note = document.querySelector('.xa-loading__text')!;
    const frames: Frame[] = [];
    let since: number | null = null;
    // Becoming busy is timed as it happens, not at the next frame. Ending is seen at a frame: the
    // stylesheet's delay starts again only if a frame's style saw the region not busy (a request
    // that htmx replaces by the next within one frame leaves the note's transition running).
    new MutationObserver(() => {
      if (region.getAttribute('aria-busy') === 'true') since ??= performance.now();
    }).observe(region, { attributes: true, attributeFilter: ['aria-busy'] });
    const tick = () => {
      if (region.getAttribute('aria-busy') !== 'true') since = null;
      const box = note.getBoundingClientRect();
      const shown = note.checkVisibility({ visibilityProperty: true }) && box.width > 0 && box.height > 0;
      frames.push({ busyFor: since === null ? null : performance.now() - since, shown });
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    (window as unknown as { xaFrames: Frame[] }).xaFrames = frames;
  });
}
const frames = (page: Page) => page.evaluate(() => (window as unknown as { xaFrames: Frame[] }).xaFrames);
const busy = (page: Page) => page.evaluate(() => document.getElementById('xa-results')!.getAttribute('aria-busy'));

/** Holds the user's htmx requests (not polls) until `handle` lets them go. */
async function holdSwaps(page: Page, handle: (route: Route) => Promise<void>): Promise<void> {
  await page.route(isList, async (route) => {
    const headers = route.request().headers();
    if (headers['hx-request'] && !headers['x-executions-refresh']) await handle(route);
    else await route.continue();
  });
}

/** The list's own URL, with or without a query (the unfiltered poll has none). */
const isList = (url: URL) => url.pathname.endsWith('/executions');

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe.skipIf(browserSkipReason !== null)(
  `the loading state in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => {
      await insertFixture(db);
      return htmxHosts(db, { refreshSeconds: 1 }).fetch;
    });

    const open = async (name: HostName) => {
      const watched = await watchedContext(served.browser, { extraHTTPHeaders: { [ORG_HEADER]: ORG_A } });
      const page = await watched.newPage();
      await page.goto(served.origin + listOf(name));
      await page.waitForFunction(() => 'htmx' in window);
      return { page, watched };
    };

    for (const name of NAMES) {
      // Frames are timed in a busy browser on a busy machine: twice in a day of full runs, a loaded
      // run saw a frame early or late enough to cross the 160/260 ms marks (lines below). A page
      // that showed the note at once, or never, fails every try; a late frame does not recur.
      it(`marks a slow swap busy and shows “Loading…” after 200 ms, then clears both, with ${name}`, { retry: 2 }, async () => {
        const { page, watched } = await open(name);
        try {
          let release = () => {};
          await holdSwaps(page, (route) => new Promise((done) => (release = () => done(route.continue()))));
          await recordFrames(page);
          expect(await busy(page)).toBeNull();

          await page.selectOption('#xa-status', 'failed');
          await expect.poll(() => busy(page)).toBe('true');
          await sleep(500);
          const during = await frames(page);
          const busyFrames = during.filter((f) => f.busyFor !== null);
          // Nothing before 200 ms of waiting; the note from then on. A transition is timed on the frame
          // clock, whose time can stand up to two frames before the change that started it: 160 ms.
          expect(busyFrames.filter((f) => f.busyFor! < 160).every((f) => !f.shown)).toBe(true);
          expect(busyFrames.filter((f) => f.busyFor! < 160).length).toBeGreaterThan(0);
          expect(busyFrames.filter((f) => f.busyFor! >= 260).every((f) => f.shown)).toBe(true);
          expect(busyFrames.some((f) => f.busyFor! >= 260)).toBe(true);
          expect(await page.locator('.xa-loading__text').textContent()).toBe('Loading');
          expect(
            await page.evaluate(() => getComputedStyle(document.querySelector('.xa-loading__text')!, '::after').content),
          ).toBe('"…"');

          release();
          await expect.poll(() => page.locator('tbody .xa-tag').first().textContent()).toBe('Failed');
          await expect.poll(() => busy(page)).toBeNull();
          expect(await page.locator('.xa-loading__text').isVisible()).toBe(false);
          expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        } finally {
          await watched.context.close();
        }
      });

      it(`shows nothing for a fast swap and ends the busy state on an error or abort, with ${name}`, async () => {
        const { page, watched } = await open(name);
        try {
          // The fast swap is answered from an answer the server gave before, so only the browser's
          // own work (htmx, the swap) is timed, not the database on a machine shared with others.
          const answers = new Map<string, APIResponse>();
          const remembered = async (route: Route) => {
            const url = route.request().url();
            if (!answers.has(url)) answers.set(url, await route.fetch());
            await route.fulfill({ response: answers.get(url)! });
          };
          // Swaps are answered from memory until the error and the abort at the end.
          const failures: ((route: Route) => Promise<void>)[] = [
            (route) => sleep(400).then(() => route.fulfill({ status: 500, body: 'down' })),
            (route) => sleep(400).then(() => route.abort('connectionreset')),
          ];
          let failing = false;
          await holdSwaps(page, (route) => (failing ? failures.shift()!(route) : remembered(route)));
          const onPage = async (n: string) => {
            await expect
              .poll(() => page.locator('.xa-pagination__current [aria-hidden]').textContent())
              .toMatch(new RegExp(`^${n} /`));
            await expect.poll(() => busy(page)).toBeNull();
          };
          await page.click('#xa-page-next');
          await onPage('2');
          await page.click('#xa-page-previous');
          await onPage('1');

          // On a machine shared with other suites one swap can take longer than 200 ms even from
          // memory (454 ms was seen in CI), and then the note rightly shows: the pages are turned
          // until one swap is fast, and every fast one must have shown nothing.
          const longest = (swap: Frame[]) => Math.max(...swap.map((f) => f.busyFor ?? 0));
          const swaps: Frame[][] = [];
          for (let turn = 0; turn < 6 && !swaps.some((swap) => longest(swap) < 160); turn += 1) {
            await recordFrames(page);
            await page.click(turn % 2 === 0 ? '#xa-page-next' : '#xa-page-previous');
            await onPage(turn % 2 === 0 ? '2' : '1');
            swaps.push(await frames(page));
          }
          for (const swap of swaps) {
            expect(longest(swap), 'the swap was busy, briefly').toBeGreaterThan(0);
            if (longest(swap) < 160) expect(swap.some((f) => f.shown)).toBe(false);
          }
          expect(
            swaps.map(longest).some((ms) => ms < 160),
            `a fast swap among ${swaps.map(longest).join(', ')} ms`,
          ).toBe(true);

          failing = true;
          for (const status of ['failed', 'completed']) {
            await page.selectOption('#xa-status', status);
            await expect.poll(() => busy(page)).toBe('true');
            await expect.poll(() => page.locator('.xa-loading__text').isVisible()).toBe(true);
            await expect.poll(() => busy(page)).toBeNull();
            expect(await page.locator('.xa-loading__text').isVisible()).toBe(false);
          }
          expect(failures).toEqual([]);
        } finally {
          await watched.context.close();
        }
      });

      it(`keeps a slow background poll quiet, with ${name}`, async () => {
        const { page, watched } = await open(name);
        try {
          let polls = 0;
          await page.route(isList, async (route) => {
            if (!route.request().headers()['x-executions-refresh']) return route.continue();
            polls += 1;
            await sleep(600);
            await route.continue();
          });
          await recordFrames(page);
          await expect.poll(() => polls, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
          const seen = await frames(page);
          expect(seen.length).toBeGreaterThan(30);
          expect(seen.filter((f) => f.busyFor !== null || f.shown)).toEqual([]);
        } finally {
          await watched.context.close();
        }
      });
    }
  },
);
