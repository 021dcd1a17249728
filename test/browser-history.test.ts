/**
 * Back and Forward in Chromium, with the module serving its own htmx 4 and with host pages that
 * load htmx 2.0.x, or htmx 4 with its history-cache extension, themselves: after every step the
 * URL, the rows, the pager and every filter control agree. htmx 2 and the extension would restore
 * a DOM snapshot taken as the page was left, whose controls disagree with its URL (htmx 2's as first
 * rendered, the extension's as left); htmx 4 alone asks the server.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { browserSkipReason, DEMO_DATA, serveInChromium } from './support/browser.js';
import { HOST_NAMES, HOSTS, htmxHosts, listOf } from './support/htmx-hosts.js';
import { watchedContext } from './support/page-watch.js';
import { ORG_HEADER } from './support/test-host.js';

/** What the page shows: where it is, its rows, its pager and the value of every filter control. */
interface Shown {
  search: string;
  caption: string;
  firstRow: string;
  pager: string;
  total: string;
  controls: Record<string, string | boolean>;
}

const shown = (page: Page): Promise<Shown> =>
  page.evaluate(() => {
    const text = (selector: string) => (document.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const form = document.getElementById('xa-filters') as HTMLFormElement;
    const controls: Record<string, string | boolean> = {};
    for (const control of Array.from(form.elements) as HTMLInputElement[]) {
      if (!control.name) continue;
      controls[control.name] = control.type === 'checkbox' ? control.checked : control.value;
    }
    return {
      search: location.search,
      caption: text('#xa-caption'),
      firstRow: text('#xa-results tbody tr'),
      pager: text('.xa-pagination__current [aria-hidden]'),
      total: text('#xa-live-total'),
      controls,
    };
  });

/** The controls as the URL says they should read: every filter in the query, the rest at its default. */
const controlsOf = (search: string): Shown['controls'] => {
  const params = new URLSearchParams(search);
  return {
    q: params.get('q') ?? '',
    conversations: params.has('conversations'),
    agent: params.get('agent') ?? '',
    status: params.get('status') ?? '',
    start: params.get('start') ?? '',
    end: params.get('end') ?? '',
    spikes: params.has('spikes'),
    // The order is a hidden input of the results region's (form=), there only when not the default.
    ...(params.has('sort') && { sort: params.get('sort')! }),
  };
};

describe.skipIf(browserSkipReason !== null)(
  `Back and Forward in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => htmxHosts(db).fetch, { demo: DEMO_DATA });

    for (const name of HOST_NAMES) {
      it(`restores the URL, the rows and every control with ${name}`, async () => {
        const watched = await watchedContext(served.browser, { extraHTTPHeaders: { [ORG_HEADER]: DEMO_ORGANIZATION_ID } });
        const page = await watched.newPage();
        /** Each state the journey reached, as first shown; Back and Forward must show it again. */
        const states: Shown[] = [];
        const reached = async (search: RegExp) => {
          await expect.poll(() => page.evaluate(() => location.search)).toMatch(search);
          // The caption names the filters and the page, so each step changes it: then the swap is in.
          const before = states.at(-1)?.caption;
          await expect.poll(async () => (await shown(page)).caption).not.toBe(before);
          const state = await shown(page);
          const pageNumber = new URLSearchParams(state.search).get('page') ?? '1';
          expect(state.pager).toMatch(new RegExp(`^${pageNumber} / \\d+$`));
          expect(state.caption).toMatch(new RegExp(`page ${pageNumber} of \\d+$`));
          expect(state.controls).toEqual(controlsOf(state.search));
          states.push(state);
        };
        const showsAgain = (state: Shown) => expect.poll(() => shown(page)).toEqual(state);
        try {
          await page.goto(served.origin + listOf(name));
          expect(await page.evaluate(() => (window as unknown as { htmx?: { version: string } }).htmx?.version)).toMatch(
            new RegExp(`^${HOSTS[name].version}\\.`),
          );
          await page.evaluate(() => Object.assign(window, { sameDocument: true }));
          await reached(/^$/);

          await page.selectOption('#xa-status', 'failed');
          await reached(/^\?status=failed$/);
          const agent = (await page.locator('#xa-agent option').nth(1).getAttribute('value'))!;
          await page.selectOption('#xa-agent', agent);
          await reached(new RegExp(`^\\?agent=${agent}&status=failed$`));
          await page.fill('#xa-startDate', '2026-09-01');
          await reached(/&start=2026-09-01$/);
          await page.click('#xa-page-next');
          await reached(/&start=2026-09-01&.*page=2/);
          // Every step so far swapped in place, and each shows different rows.
          expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
          expect(new Set(states.map((s) => s.caption + s.firstRow)).size).toBe(states.length);

          for (const state of states.slice(0, -1).reverse()) {
            await page.goBack();
            await showsAgain(state);
          }
          for (const state of states.slice(1)) {
            await page.goForward();
            await showsAgain(state);
          }

          // Into a run's conversation (a document of its own) and Back, step by step: the list's
          // entries now load afresh, where the browser may put back controls as they were left.
          await page.locator('#xa-results tbody a.xa-icon-link').first().click();
          await page.waitForURL(/\/conversations\//);
          for (const state of states.slice(1).reverse()) {
            await page.goBack();
            await showsAgain(state);
          }

          // A reload after Back: the server's page for that URL, controls included.
          await page.reload();
          await showsAgain(states[1]!);

          // Forward to agent and status, no date: the next change keeps exactly those.
          await page.goForward();
          await showsAgain(states[2]!);
          await page.check('#xa-spikes');
          await expect.poll(() => page.evaluate(() => location.search)).toBe(`?agent=${agent}&status=failed&spikes=1`);
          await expect.poll(async () => (await shown(page)).controls).toEqual(controlsOf(new URL(page.url()).search));
          // Nothing of the organization's runs was kept in the tab's storage.
          expect(await page.evaluate(() => Object.values(sessionStorage).filter((v) => v.includes('xa-results')))).toEqual([]);
          expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        } finally {
          await watched.context.close();
        }
      });
    }
  },
);
