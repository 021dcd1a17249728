/**
 * Live refresh in Chromium: a run finishes while the page is open and its badge turns Completed
 * with no click; focus and scroll stay put; unchanged polls are answered 304.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { executions } from '../src/db/schema.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { fixtureRuns, insertFixture, ORG_A } from './support/fixture.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

describe.skipIf(browserSkipReason !== null)(
  `live refresh in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let db: ExecutionsDatabase;
    const served = serveInChromium(async (database) => {
      db = database;
      await insertFixture(database);
      return createTestHost(database, '/admin/executions', { refreshSeconds: 1 }).fetch;
    });

    it('turns a finished run’s badge to Completed without a click, keeping focus and scroll', async () => {
      const context = await served.browser.newContext({
        extraHTTPHeaders: { [ORG_HEADER]: ORG_A },
        viewport: { width: 1000, height: 500 },
      });
      const page = await context.newPage();
      const polls: number[] = [];
      page.on('response', (r) => {
        if (r.request().headers()['x-executions-refresh'] === 'true') polls.push(r.status());
      });
      try {
        await page.goto(`${served.origin}/admin/executions`);
        // Run 2 is Active, third row of page 1.
        const run = fixtureRuns()[2]!;
        expect(run.status).toBe('active');
        const badge = page.locator('tbody tr').nth(2).locator('.xa-tag');
        expect(await badge.textContent()).toBe('Active');

        // The user is somewhere in the table: focus on a later row's link, the page scrolled.
        const focused = page.locator('tbody tr').nth(15).locator('a.xa-icon-link');
        await focused.focus();
        await page.evaluate(() => window.scrollTo(0, 300));
        const focusedId = await focused.getAttribute('id');
        const liveRegion = await page.locator('#xa-live-total').elementHandle();
        const historyLength = await page.evaluate(() => history.length);

        // Unchanged polls cost a 304 and change nothing.
        await expect.poll(() => polls.filter((s) => s === 304).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
        expect(await badge.textContent()).toBe('Active');

        await db
          .update(executions)
          .set({ status: 'completed', finishedAt: new Date(run.startedAt.getTime() + 60_000) })
          .where(and(eq(executions.organizationId, ORG_A), eq(executions.id, run.id)));

        await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('Completed');
        expect(polls).toContain(200);
        expect(await page.evaluate(() => document.activeElement?.id)).toBe(focusedId);
        expect(await page.evaluate(() => window.scrollY)).toBe(300);
        expect(await liveRegion!.evaluate((n) => n.isConnected)).toBe(true);
        expect(new URL(page.url()).search).toBe('');
        expect(await page.evaluate(() => history.length)).toBe(historyLength);
      } finally {
        await context.close();
      }
    });

    it('stops polling when no run on the page can change any more', async () => {
      const context = await served.browser.newContext({ extraHTTPHeaders: { [ORG_HEADER]: ORG_A } });
      const page = await context.newPage();
      let polls = 0;
      page.on('request', (r) => {
        if (r.headers()['x-executions-refresh'] === 'true') polls += 1;
      });
      try {
        await page.goto(`${served.origin}/admin/executions?status=completed`);
        await page.waitForTimeout(2500);
        expect(polls).toBe(0);
        expect(await page.locator('#xa-refresh').count()).toBe(0);
      } finally {
        await context.close();
      }
    });
  },
);
