/**
 * Live refresh in Chromium: a run finishes while the page is open and its badge turns Completed
 * in place, no row moving, focus and scroll kept, nothing announced; a run that arrives is offered
 * as "1 new run — show", not inserted, until the user asks; Pause live updates stops the polls
 * for the tab's session, across a reload, and Resume starts them again.
 */
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { executions } from '../src/db/schema.js';
import { startExecution } from '../src/write/recorder.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { AGENT, fixtureRuns, insertFixture, ORG_A, scheduleIdOf } from './support/fixture.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const ACTING = '/acting/executions';
const isPoll = (headers: Record<string, string>) => headers['x-executions-refresh'] === 'true';
const rowIds = (page: Page) => page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.id));
/** Every change to the status region from now on, as a screen reader would be told of it. */
const watchStatus = (page: Page) =>
  page.evaluate(() => {
    const log: string[] = [];
    Object.assign(window, { xaStatusLog: log });
    const region = document.getElementById('xa-live-total')!;
    new MutationObserver(() => log.push(region.textContent ?? '')).observe(region, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
const statusLog = (page: Page) => page.evaluate(() => (window as unknown as { xaStatusLog: string[] }).xaStatusLog);

describe.skipIf(browserSkipReason !== null)(
  `live refresh in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let db: ExecutionsDatabase;
    const served = serveInChromium(async (database) => {
      db = database;
      await insertFixture(database);
      const plain = createTestHost(database, '/admin/executions', { refreshSeconds: 1 });
      // The same list for a signed-in user who may act: each row carries Cancel or Run again.
      const acting = createTestHost(database, ACTING, {
        refreshSeconds: 1,
        user: () => ({ id: 'user-1', name: 'Ada' }),
        canAct: () => true,
        actions: { async runAgain() {}, async cancel() {} },
      });
      return (request: Request) => (new URL(request.url).pathname.startsWith(ACTING) ? acting : plain).fetch(request);
    });
    const openList = async (path = '/admin/executions', viewport = { width: 1000, height: 500 }) => {
      const context = await served.browser.newContext({ extraHTTPHeaders: { [ORG_HEADER]: ORG_A }, viewport });
      const page = await context.newPage();
      const polls: number[] = [];
      page.on('response', (r) => {
        if (isPoll(r.request().headers())) polls.push(r.status());
      });
      await page.goto(served.origin + path);
      return { context, page, polls };
    };
    const setStatus = (id: string, status: 'completed' | 'active', startedAt: Date) =>
      db
        .update(executions)
        .set({ status, finishedAt: status === 'completed' ? new Date(startedAt.getTime() + 60_000) : null })
        .where(and(eq(executions.organizationId, ORG_A), eq(executions.id, id)));

    it('turns a finished run’s badge to Completed in place: no row moves, focus and scroll kept, nothing announced', async () => {
      const { context, page, polls } = await openList();
      // Run 2 is Active, third row of page 1.
      const run = fixtureRuns()[2]!;
      expect(run.status).toBe('active');
      try {
        const row = await page.locator('tbody tr').nth(2).elementHandle();
        const badge = page.locator('tbody tr').nth(2).locator('.xa-tag');
        expect(await badge.textContent()).toBe('Active');
        const duration = page.locator('tbody tr').nth(2).locator('.xa-duration');
        expect(await duration.textContent()).toBe('—Not finished');
        const ids = await rowIds(page);

        // The user is somewhere in the table: focus on a later row's link, the page scrolled.
        const focused = page.locator('tbody tr').nth(15).locator('a.xa-icon-link');
        await focused.focus();
        await page.evaluate(() => window.scrollTo(0, 300));
        const focusedId = await focused.getAttribute('id');
        const historyLength = await page.evaluate(() => history.length);
        await watchStatus(page);

        // Unchanged polls cost a 304 and change nothing.
        await expect.poll(() => polls.filter((s) => s === 304).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
        expect(await badge.textContent()).toBe('Active');

        await setStatus(run.id, 'completed', run.startedAt);
        await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('Completed');
        // Its duration in place of the dash, in the same cell.
        expect(await duration.textContent()).toBe('1 min');
        expect(polls).toContain(200);
        expect(await rowIds(page)).toEqual(ids);
        expect(await row!.evaluate((node) => node.isConnected)).toBe(true);
        expect(await page.evaluate(() => document.activeElement?.id)).toBe(focusedId);
        expect(await page.evaluate(() => window.scrollY)).toBe(300);
        expect(new URL(page.url()).search).toBe('');
        expect(await page.evaluate(() => history.length)).toBe(historyLength);
        // Polls after the change are unchanged again.
        const seen = polls.length;
        await expect.poll(() => polls.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(seen + 2);
        expect(polls.slice(seen).every((s) => s === 304)).toBe(true);
        expect(await statusLog(page)).toEqual([]);
      } finally {
        await setStatus(run.id, 'active', run.startedAt);
        await context.close();
      }
    });

    it('swaps a finished run’s Cancel for Run again in its row, focus on it moved to the row’s link', async () => {
      const { context, page, polls } = await openList(ACTING);
      const run = fixtureRuns()[2]!;
      try {
        const row = page.locator('tbody tr').nth(2);
        const buttons = row.locator('form.xa-action button');
        expect(await row.locator('.xa-tag').textContent()).toBe('Active');
        expect(await buttons.allTextContents()).toEqual(['Cancel']);
        expect(await buttons.first().getAttribute('aria-label')).toMatch(/^Cancel: /);
        // A keyboard user is on that very button.
        await buttons.first().focus();
        await expect.poll(() => polls.filter((s) => s === 304).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);

        await setStatus(run.id, 'completed', run.startedAt);
        await expect.poll(() => row.locator('.xa-tag').textContent(), { timeout: 10_000 }).toBe('Completed');
        await expect.poll(() => buttons.allTextContents()).toEqual(['Run again']);
        expect(await buttons.first().getAttribute('aria-label')).toMatch(/^Run again: /);
        // The form posts to the run's own page, with the list to come back to.
        expect(await row.locator('form.xa-action').getAttribute('action')).toBe(
          `${ACTING}/conversations/${run.conversationId}/run-again`,
        );
        // Focus went to the row's own link: not lost to <body>, not onto Run again.
        const link = row.locator('a.xa-icon-link');
        expect(await link.evaluate((node) => node === document.activeElement)).toBe(true);
      } finally {
        await setStatus(run.id, 'active', run.startedAt);
        await context.close();
      }
    });

    it('offers a run that arrived as "1 new run — show", inserts it only when asked, and only then speaks', async () => {
      const { context, page } = await openList();
      let executionId = '';
      try {
        const ids = await rowIds(page);
        const status = await page.locator('#xa-live-total').textContent();
        await watchStatus(page);
        ({ executionId } = await startExecution(db, ORG_A, {
          key: 'browser-live-new-run',
          scheduleId: scheduleIdOf(AGENT.sales),
          prompt: 'Arrived while the page was open',
        }));
        const show = page.locator('#xa-new-runs a');
        await expect.poll(() => show.textContent(), { timeout: 10_000 }).toBe('1 new run — show');
        expect(await rowIds(page)).toEqual(ids);
        expect(await page.locator('#xa-live-total').textContent()).toBe(status);
        expect(await statusLog(page)).toEqual([]);

        await show.click();
        await expect.poll(() => rowIds(page), { timeout: 10_000 }).toEqual([`xa-row-${executionId}`, ...ids.slice(0, 19)]);
        expect(await show.count()).toBe(0);
        await expect.poll(() => statusLog(page)).toHaveLength(1);
        expect((await statusLog(page))[0]).toContain('46 executions total');
      } finally {
        if (executionId) await db.delete(executions).where(eq(executions.id, executionId));
        await context.close();
      }
    });

    it('sends no poll while paused, for the tab’s session across a reload; Resume polls again', async () => {
      const { context, page } = await openList();
      let polls = 0;
      page.on('request', (r) => {
        if (isPoll(r.headers())) polls += 1;
      });
      try {
        const toggle = page.getByRole('button', { name: 'Pause live updates' });
        expect(await toggle.isVisible()).toBe(true);
        expect(await toggle.getAttribute('aria-pressed')).toBe('false');
        await expect.poll(() => polls, { timeout: 10_000 }).toBeGreaterThan(0);

        await toggle.click();
        expect(await toggle.getAttribute('aria-pressed')).toBe('true');
        polls = 0;
        await page.waitForTimeout(3500);
        expect(polls).toBe(0);

        await page.reload();
        expect(await toggle.getAttribute('aria-pressed')).toBe('true');
        polls = 0;
        await page.waitForTimeout(3500);
        expect(polls).toBe(0);

        await toggle.click();
        expect(await toggle.getAttribute('aria-pressed')).toBe('false');
        await expect.poll(() => polls, { timeout: 5_000 }).toBeGreaterThan(0);
      } finally {
        await context.close();
      }
    });

    it('stops polling when no run on the page can change any more and none can arrive', async () => {
      const { context, page } = await openList('/admin/executions?status=completed&end=2026-03-10');
      let polls = 0;
      page.on('request', (r) => {
        if (isPoll(r.headers())) polls += 1;
      });
      try {
        await page.waitForTimeout(2500);
        expect(polls).toBe(0);
        expect(await page.locator('#xa-refresh, #xa-live-toggle').count()).toBe(0);
      } finally {
        await context.close();
      }
    });
  },
);
