/**
 * Search in Chromium, JavaScript on and off: type a term and submit, the matching runs and the URL
 * follow; a term too short is refused by the field; the applied search is removed in one click;
 * a term only a recent run's tool output holds is found once "Also search conversations" is
 * ticked, and said so among the applied filters; axe finds nothing in each state.
 */
import { describe, expect, it } from 'vitest';
import { axeProblems } from './support/axe.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { recordFinishedRuns } from '../src/write/recorder.js';
import { AGENT, fixtureRuns, insertFixture, ORG_A, scheduleIdOf } from './support/fixture.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const LIST = '/admin/executions';
/** The fixture's failed runs whose error says "Timeout number N". */
const TIMEOUTS = fixtureRuns().filter((r) => r.status === 'failed' && r.errorMessage?.startsWith('Timeout')).length;
/** Held by the tool output of one run of the last hour, and by nothing else. */
const IN_CONVERSATION = 'zqdeepmarker';

describe.skipIf(browserSkipReason !== null)(
  `search in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => {
      await insertFixture(db);
      const startedAt = new Date(Date.now() - 3_600_000);
      await recordFinishedRuns(db, ORG_A, [
        {
          key: 'in-conversation',
          scheduleId: scheduleIdOf(AGENT.sales),
          prompt: 'Summarize the inbox',
          startedAt,
          toolCalls: [
            {
              toolName: 'gmail.search',
              input: { q: 'is:unread' },
              output: { note: `"${IN_CONVERSATION}" 100%` },
              ok: true,
              durationMs: 50,
              at: startedAt,
            },
          ],
          outcome: { status: 'completed', response: 'Done' },
          finishedAt: new Date(startedAt.getTime() + 1_000),
          credits: 1,
        },
      ]);
      return createTestHost(db).fetch;
    });

    for (const javaScriptEnabled of [true, false]) {
      it(`finds runs by a typed term, refuses a short one by the field, and clears (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const context = await served.browser.newContext({ extraHTTPHeaders: { [ORG_HEADER]: ORG_A } });
        if (!javaScriptEnabled) await context.route('**/assets/*.js', (route) => route.abort());
        try {
          const page = await context.newPage();
          await page.goto(served.origin + LIST);
          expect(await page.evaluate(() => 'htmx' in window)).toBe(javaScriptEnabled);
          const search = page.getByLabel('Search', { exact: true });

          await search.fill('TIMEOUT');
          await search.press('Enter');
          await page.waitForURL(/[?&]q=TIMEOUT/);
          await expect.poll(() => page.locator('.xa-total').first().textContent()).toContain(`${TIMEOUTS} executions total`);
          const errors = await page.locator('#xa-results tbody tr').allTextContents();
          expect(errors).toHaveLength(TIMEOUTS);
          for (const row of errors) expect(row).toMatch(/Timeout number/);
          expect(await page.locator('#xa-applied').textContent()).toContain('Search: TIMEOUT');
          expect(await axeProblems(page)).toEqual([]);

          await search.fill('ab');
          await search.press('Enter');
          await expect
            .poll(() => page.locator('#xa-search-error').textContent())
            .toContain('Enter at least 3 letters or numbers');
          expect(await axeProblems(page)).toEqual([]);

          await search.fill('timeout');
          await search.press('Enter');
          await page.waitForURL(/[?&]q=timeout/);
          await page.locator('#xa-applied a', { hasText: 'Search: timeout' }).click();
          await page.waitForURL((url) => !url.search.includes('q='));
          await expect.poll(() => page.getByLabel('Search', { exact: true }).inputValue()).toBe('');
          await expect
            .poll(() => page.locator('.xa-total').first().textContent())
            .toContain(`${fixtureRuns().length + 1} executions total`);

          await search.fill(IN_CONVERSATION);
          await search.press('Enter');
          await page.waitForURL(new RegExp(`[?&]q=${IN_CONVERSATION}`));
          await expect.poll(() => page.locator('#xa-results').textContent()).toContain('No executions match');
          // Labelled, and what it searches heard with it.
          const option = page.getByRole('checkbox', { name: 'Also in conversations (last 7 days)', exact: true });
          expect(await option.getAttribute('aria-describedby').then((id) => page.locator(`#${id}`).textContent())).toBe(
            'Also searches the prompts, responses, tool inputs and outputs of runs from the last 7 days',
          );
          await option.check();
          await search.press('Enter');
          await page.waitForURL(/[?&]conversations=1/);
          await expect.poll(() => page.locator('#xa-results tbody tr').count()).toBe(1);
          expect(await page.locator('#xa-applied').textContent()).toContain(`Search: ${IN_CONVERSATION} (in conversations too)`);
          expect(await option.isChecked()).toBe(true);
          expect(await axeProblems(page)).toEqual([]);
        } finally {
          await context.close();
        }
      }, 60_000);
    }
  },
);
