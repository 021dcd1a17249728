/**
 * The user's journey in real Chromium, once with JavaScript on (htmx swaps) and once with it
 * off (plain GET form and links): filter to Failed, page forward, change the agent and land on
 * page 1, reveal an error, open a conversation, expand a tool call, come back.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createDemoApp } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { browserSkipReason, DEMO_DATA, serveInChromium } from './support/browser.js';

const LIST = '/admin/executions';

describe.skipIf(browserSkipReason !== null)(
  `browser journey${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }).fetch, {
      demo: DEMO_DATA,
    });

    const url = (page: Page) => new URL(page.url());
    const statusCells = (page: Page) => page.locator('tbody tr td:nth-child(4) .xa-tag').allTextContents();
    const pageIndicator = (page: Page) => page.locator('.xa-pagination__current [aria-hidden="true"]').textContent();
    const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

    for (const javaScriptEnabled of [true, false]) {
      it(`works end to end with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
        const context = await served.browser.newContext({ javaScriptEnabled });
        const page = await context.newPage();
        try {
          await page.goto(served.origin + LIST);
          await expect.poll(() => page.locator('tbody tr').count()).toBe(20);
          const statusNode = javaScriptEnabled ? await page.locator('#xa-live-total').elementHandle() : null;

          // Filter to Failed, as a keyboard or mouse user would: focus on the select.
          await page.focus('#xa-status');
          await page.selectOption('#xa-status', 'failed');
          if (!javaScriptEnabled) await page.click('button:has-text("Apply")');
          await expect.poll(() => url(page).searchParams.get('status')).toBe('failed');
          await expect.poll(() => statusCells(page)).toEqual(Array(20).fill('Failed'));
          expect(await pageIndicator(page)).toMatch(/^1 \/ \d+$/);
          const total = await page.locator('.xa-total').textContent();
          if (javaScriptEnabled) {
            expect(await focusedId(page)).toBe('xa-status');
            expect(await page.locator('h1').count()).toBe(1);
            // One persistent live region, updated in place with the new total.
            expect(await statusNode!.evaluate((n) => n.isConnected && n === document.getElementById('xa-live-total'))).toBe(true);
            expect(await page.locator('#xa-live-total').textContent()).toBe(total);
          }

          // Page forward.
          await page.locator('#xa-page-next').focus();
          await page.keyboard.press('Enter');
          await expect.poll(() => url(page).searchParams.get('page')).toBe('2');
          await expect.poll(() => pageIndicator(page)).toMatch(/^2 \/ \d+$/);
          expect(await statusCells(page)).toContain('Failed');
          if (javaScriptEnabled) expect(await focusedId(page)).toBe('xa-page-next');

          // To the last page and back to the first, the filter kept.
          const pageCount = (await pageIndicator(page))!.split(' / ')[1];
          await page.locator('#xa-page-last').click();
          await expect.poll(() => pageIndicator(page)).toBe(`${pageCount} / ${pageCount}`);
          expect(await page.locator('#xa-page-last').count()).toBe(0);
          await page.locator('#xa-page-first').click();
          await expect.poll(() => pageIndicator(page)).toMatch(/^1 \/ \d+$/);
          expect(url(page).searchParams.get('status')).toBe('failed');
          expect(url(page).searchParams.get('page')).toBeNull();
          await page.locator('#xa-page-next').click();
          await expect.poll(() => url(page).searchParams.get('page')).toBe('2');

          // Change the agent: back to page 1, the status filter kept.
          const agentValue = await page.locator('#xa-agent option').nth(1).getAttribute('value');
          await page.focus('#xa-agent');
          await page.selectOption('#xa-agent', agentValue!);
          if (!javaScriptEnabled) await page.click('button:has-text("Apply")');
          await expect.poll(() => url(page).searchParams.get('agent')).toBe(agentValue);
          expect(url(page).searchParams.get('page')).toBeNull();
          expect(url(page).searchParams.get('status')).toBe('failed');
          await expect.poll(() => pageIndicator(page)).toMatch(/^1 \/ \d+$/);
          expect(new Set(await statusCells(page))).toEqual(new Set(['Failed']));

          // Reveal an error, then dismiss it with Escape.
          const toggle = page.locator('.xa-error-toggle').first();
          const popoverId = await toggle.getAttribute('popovertarget');
          await toggle.click();
          const popover = page.locator(`#${popoverId}`);
          await expect.poll(() => popover.isVisible()).toBe(true);
          expect((await popover.textContent())?.length).toBeGreaterThan(10);
          await page.keyboard.press('Escape');
          await expect.poll(() => popover.isVisible()).toBe(false);
          // It stays closed with the pointer still on the button, past the browser's own delay
          // for showing interest on hover.
          await page.waitForTimeout(1000);
          expect(await popover.isVisible()).toBe(false);

          // Open the conversation of that failed run and expand a tool call.
          const row = page.locator('tbody tr', { has: page.locator(`[popovertarget="${popoverId}"]`) });
          await row.locator('a.xa-icon-link').click();
          await page.waitForURL(/\/conversations\//);
          expect(await page.locator('.xa-summary .xa-tag').textContent()).toBe('Failed');
          const toolCall = page.locator('details.xa-tool-call').first();
          await toolCall.locator('summary').click();
          await expect.poll(() => toolCall.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
          expect(await toolCall.locator('pre').first().isVisible()).toBe(true);
          expect(await toolCall.textContent()).toContain('Input sent');
          expect(await toolCall.textContent()).toContain('Response received');

          // Back to the list, filters intact.
          await page.click('a.xa-back-link');
          await page.waitForURL((u) => u.pathname === LIST);
          expect(url(page).searchParams.get('status')).toBe('failed');
          expect(url(page).searchParams.get('agent')).toBe(agentValue);
          expect(await page.locator('#xa-status').inputValue()).toBe('failed');
          expect(await page.locator('#xa-agent').inputValue()).toBe(agentValue);
          expect(new Set(await statusCells(page))).toEqual(new Set(['Failed']));

          // History: back goes to the previous list state, forward returns.
          await page.goBack();
          await page.waitForURL(/\/conversations\//);
          await page.goBack();
          await expect.poll(() => url(page).pathname).toBe(LIST);
          await expect.poll(() => page.locator('#xa-status').inputValue()).toBe('failed');
          await page.goForward();
          await page.waitForURL(/\/conversations\//);
          expect(await page.locator('h1').textContent()).not.toBe('Executions');
        } finally {
          await context.close();
        }
      });
    }

    it('moves focus to the table caption when the arrow used disappears', async () => {
      const page = await served.browser.newPage();
      try {
        await page.goto(`${served.origin}${LIST}?status=failed`);
        const last = Number((await pageIndicator(page))!.split('/')[1]);
        await page.goto(`${served.origin}${LIST}?status=failed&page=${last - 1}`);
        await page.locator('#xa-page-next').focus();
        await page.keyboard.press('Enter');
        await expect.poll(() => pageIndicator(page)).toBe(`${last} / ${last}`);
        await expect.poll(() => focusedId(page)).toBe('xa-caption');
      } finally {
        await page.close();
      }
    });
  },
);
