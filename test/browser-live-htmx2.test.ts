/**
 * Live refresh and the filters' error slots in Chromium with a host layout that loads htmx 2.0.x:
 * the answers are out of band only (cells by selector, notice and poller by id, "delete" when
 * nothing can change, one selector that empties every error slot), and htmx 2 must read them as
 * htmx 4 does — a badge turns Completed in place, a new run is offered and not inserted, Pause
 * stops polls, the poller goes when nothing can change, and neither a 304 nor an out-of-band-only
 * answer is swapped into the results region. A run that finishes has its Cancel swapped for Run
 * again, focus on Cancel moved to the row's link. A bulk job's page polls its region in place until
 * the job is done, then stops.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { executions } from '../src/db/schema.js';
import { startExecution } from '../src/write/recorder.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { AGENT, BASE_TIME, fixtureRuns, insertFixture, ORG_A, scheduleIdOf } from './support/fixture.js';
import { htmxHosts, listOf } from './support/htmx-hosts.js';
import { ORG_HEADER } from './support/test-host.js';

const LIST = listOf('htmx 2.0.x, loaded by the host');
const USER_HEADER = 'x-test-user';
const isPoll = (headers: Record<string, string>) => headers['x-executions-refresh'] === 'true';
const rowIds = (page: Page) => page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.id));
/** The results table as it is now (null, not a wait, when a swap has emptied the region). */
const shownTable = (page: Page) => page.evaluate(() => document.querySelector('#xa-results table')?.outerHTML ?? null);
/** Each row's markup, but for the cells a poll may replace. */
const rowsBesideCells = (page: Page) =>
  page.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const copy = row.cloneNode(true) as Element;
      copy.querySelectorAll('.xa-status, .xa-duration, .xa-numeric').forEach((cell) => cell.replaceChildren());
      return copy.outerHTML;
    }),
  );

describe.skipIf(browserSkipReason !== null)(
  `live refresh with htmx 2 in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let db: ExecutionsDatabase;
    const served = serveInChromium(async (database) => {
      db = database;
      await insertFixture(database);
      // Actions for a user only the bulk job's test names: the other tests' list shows none.
      return htmxHosts(database, {
        refreshSeconds: 1,
        user: (c) => {
          const id = c.req.header(USER_HEADER);
          return id ? { id } : null;
        },
        canAct: () => true,
        actions: { async runAgain() {}, async cancel() {} },
      }).fetch;
    });
    const openList = async (search = '', user?: string) => {
      const context = await served.browser.newContext({
        extraHTTPHeaders: { [ORG_HEADER]: ORG_A, ...(user ? { [USER_HEADER]: user } : {}) },
        viewport: { width: 1000, height: 500 },
      });
      // A wait for an element a wrong swap removed fails here, not at the test's timeout.
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const polls: number[] = [];
      page.on('response', (r) => {
        if (isPoll(r.request().headers())) polls.push(r.status());
      });
      await page.goto(served.origin + LIST + search);
      // The host's htmx 2, not the module's htmx 4.
      expect(await page.evaluate(() => (window as unknown as { htmx: { version: string } }).htmx.version)).toMatch(/^2\.0\./);
      return { context, page, polls };
    };
    const setStatus = (ids: string[], status: 'completed' | 'active') =>
      db
        .update(executions)
        .set({ status, finishedAt: status === 'completed' ? new Date(BASE_TIME.getTime() + 60_000) : null })
        .where(and(eq(executions.organizationId, ORG_A), inArray(executions.id, ids)));

    it('turns a badge Completed in the same row, swapping nothing else into the region on a 304 or a change', async () => {
      const { context, page, polls } = await openList();
      const run = fixtureRuns()[2]!;
      expect(run.status).toBe('active');
      try {
        const row = await page.locator('tbody tr').nth(2).elementHandle();
        const table = await page.locator('#xa-results table').elementHandle();
        const badge = page.locator('tbody tr').nth(2).locator('.xa-tag');
        expect(await badge.textContent()).toBe('Active');
        const ids = await rowIds(page);
        const tableHtml = await shownTable(page);
        const rows = await rowsBesideCells(page);

        await expect.poll(() => polls.filter((s) => s === 304).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
        expect(await table!.evaluate((node) => node.isConnected)).toBe(true);
        expect(await shownTable(page)).toBe(tableHtml);

        await setStatus([run.id], 'completed');
        await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('Completed');
        // htmx 2 marks a swapped cell htmx-added/htmx-settling for a moment after the swap.
        await expect.poll(() => page.locator('#xa-results .htmx-added, #xa-results .htmx-settling').count()).toBe(0);
        expect(polls).toContain(200);
        expect(await row!.evaluate((node) => node.isConnected)).toBe(true);
        expect(await table!.evaluate((node) => node.isConnected)).toBe(true);
        expect(await rowIds(page)).toEqual(ids);
        expect(await rowsBesideCells(page)).toEqual(rows);
        expect(new URL(page.url()).search).toBe('');
      } finally {
        await setStatus([run.id], 'active');
        await context.close();
      }
    });

    it('swaps a finished run’s Cancel for Run again in its row, focus on it moved to the row’s link', async () => {
      const { context, page, polls } = await openList('', 'ana');
      const run = fixtureRuns()[2]!;
      try {
        const row = page.locator('tbody tr').nth(2);
        const buttons = row.locator('form.xa-action button');
        expect(await row.locator('.xa-tag').textContent()).toBe('Active');
        expect(await buttons.allTextContents()).toEqual(['Cancel']);
        // A keyboard user is on that very button.
        await buttons.first().focus();
        await expect.poll(() => polls.filter((s) => s === 304).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);

        await setStatus([run.id], 'completed');
        await expect.poll(() => row.locator('.xa-tag').textContent(), { timeout: 10_000 }).toBe('Completed');
        await expect.poll(() => buttons.allTextContents()).toEqual(['Run again']);
        await expect.poll(() => page.locator('#xa-results .htmx-added, #xa-results .htmx-settling').count()).toBe(0);
        expect(await buttons.first().getAttribute('aria-label')).toMatch(/^Run again: /);
        // Focus went to the row's own link: not lost to <body>, not onto Run again.
        const link = row.locator('a.xa-icon-link');
        expect(await link.evaluate((node) => node === document.activeElement)).toBe(true);
      } finally {
        await setStatus([run.id], 'active');
        await context.close();
      }
    });

    it('offers a run that arrived as "1 new run — show" without inserting a row', async () => {
      const { context, page } = await openList();
      let executionId = '';
      try {
        const ids = await rowIds(page);
        ({ executionId } = await startExecution(db, ORG_A, {
          key: 'browser-live-htmx2-new-run',
          scheduleId: scheduleIdOf(AGENT.sales),
          prompt: 'Arrived while the htmx 2 page was open',
        }));
        const show = page.locator('#xa-new-runs a');
        await expect.poll(() => show.textContent(), { timeout: 10_000 }).toBe('1 new run — show');
        expect(await rowIds(page)).toEqual(ids);
        await show.click();
        await expect.poll(() => rowIds(page), { timeout: 10_000 }).toEqual([`xa-row-${executionId}`, ...ids.slice(0, 19)]);
        expect(await show.count()).toBe(0);
      } finally {
        if (executionId) await db.delete(executions).where(eq(executions.id, executionId));
        await context.close();
      }
    });

    it('sends no poll while paused; Resume polls again', async () => {
      const { context, page } = await openList();
      let polls = 0;
      page.on('request', (r) => {
        if (isPoll(r.headers())) polls += 1;
      });
      try {
        const toggle = page.getByRole('button', { name: 'Pause live updates' });
        await expect.poll(() => polls, { timeout: 10_000 }).toBeGreaterThan(0);
        await toggle.click();
        expect(await toggle.getAttribute('aria-pressed')).toBe('true');
        polls = 0;
        await page.waitForTimeout(3500);
        expect(polls).toBe(0);
        await toggle.click();
        await expect.poll(() => polls, { timeout: 5_000 }).toBeGreaterThan(0);
      } finally {
        await context.close();
      }
    });

    it('removes the poller and the live bar once no run shown can change and none can arrive', async () => {
      // Dates that end in the past: no run can arrive; only the active runs shown can change.
      const { context, page } = await openList('?status=active&end=2026-03-10');
      let polls = 0;
      page.on('request', (r) => {
        if (isPoll(r.headers())) polls += 1;
      });
      const ids = (await rowIds(page)).map((id) => id.replace(/^xa-row-/, ''));
      expect(ids.length).toBeGreaterThan(0);
      try {
        expect(await page.locator('#xa-refresh').count()).toBe(1);
        await setStatus(ids, 'completed');
        await expect.poll(() => page.locator('#xa-refresh, #xa-live').count(), { timeout: 10_000 }).toBe(0);
        expect(await page.locator('tbody tr .xa-tag').allTextContents()).toEqual(ids.map(() => 'Completed'));
        polls = 0;
        await page.waitForTimeout(2500);
        expect(polls).toBe(0);
      } finally {
        await setStatus(ids, 'active');
        await context.close();
      }
    });

    it('shows a date error by its field, and empties it once the dates are mended', async () => {
      const { context, page } = await openList();
      try {
        const messageId = await page.locator('#xa-startDate').getAttribute('aria-describedby');
        const message = page.locator(`#${messageId}`);
        await page.locator('#xa-endDate').fill('2026-03-01');
        await page.locator('#xa-startDate').fill('2026-03-10');
        await expect
          .poll(() => message.textContent(), { timeout: 10_000 })
          .toBe('Error: Start date must be the same as or before the end date');
        await page.locator('#xa-endDate').fill('2026-03-20');
        await expect.poll(() => message.textContent(), { timeout: 10_000 }).toBe('');
        const slots = await page.locator('#xa-filters .xa-error-message').allTextContents();
        expect(slots.length).toBeGreaterThan(1);
        expect(slots.every((text) => text === '')).toBe(true);
        expect(new URL(page.url()).searchParams.get('end')).toBe('2026-03-20');
      } finally {
        await context.close();
      }
    });

    it('polls a bulk job’s page in place until the job is done', async () => {
      const context = await served.browser.newContext({ extraHTTPHeaders: { [ORG_HEADER]: ORG_A, [USER_HEADER]: 'ana' } });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const polls: number[] = [];
      page.on('response', (r) => {
        if (/\/jobs\/[0-9a-f-]{36}$/.test(r.url()) && r.request().headers()['hx-request'] === 'true') polls.push(r.status());
      });
      try {
        await page.goto(served.origin + LIST);
        await page.click('form.xa-bulk button:text-is("Run again all matching these filters")');
        await page.click('button:text-is("Confirm and start")');
        await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
        expect(await page.evaluate(() => (window as unknown as { htmx: { version: string } }).htmx.version)).toMatch(/^2\.0\./);
        // The runner acts on ten runs a second: the fixture's runs take several polls.
        await page.locator('#xa-job dd', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
        expect(polls.length).toBeGreaterThan(0);
        expect(polls.every((status) => status === 200)).toBe(true);
        expect(await page.locator('#xa-job').count()).toBe(1);
        const bar = page.locator('[role="progressbar"]');
        expect(await bar.getAttribute('aria-valuenow')).toBe(await bar.getAttribute('aria-valuemax'));
        // Done: the region no longer polls.
        expect(await page.locator('#xa-job[hx-trigger]').count()).toBe(0);
        const after = polls.length;
        await page.waitForTimeout(1500);
        expect(polls.length).toBe(after);
      } finally {
        await context.close();
      }
    }, 60_000);
  },
);
