/**
 * What the spec says the list looks like, checked as rendered in Chromium: the badge colours
 * and their contrast, the error revealed to mouse, keyboard and touch, and reflow at 320 px.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { insertFixture, ORG_A, XSS } from './support/fixture.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

type Rgb = [number, number, number];

const parseRgb = (css: string): Rgb => {
  const [r, g, b] = css.match(/\d+(\.\d+)?/g)!.map(Number);
  return [r!, g!, b!];
};

/** WCAG 2 relative luminance and contrast ratio. */
const luminance = ([r, g, b]: Rgb) => {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const contrast = (a: Rgb, b: Rgb) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/** The hue of a colour in degrees, to tell green from blue from yellow from red. */
const hue = ([r, g, b]: Rgb) => {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const d = max - Math.min(rn, gn, bn);
  if (d === 0) return NaN;
  const h = max === rn ? ((gn - bn) / d) % 6 : max === gn ? (bn - rn) / d + 2 : (rn - gn) / d + 4;
  return (h * 60 + 360) % 360;
};

const HUES: Record<string, [number, number]> = {
  Active: [90, 170], // green
  Completed: [190, 250], // blue
  Pending: [40, 70], // yellow
  Failed: [0, 20], // red
};

describe.skipIf(browserSkipReason !== null)(
  `the list in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => {
      await insertFixture(db);
      return createTestHost(db).fetch;
    });

    const open = async (path: string, options: { width?: number; hasTouch?: boolean } = {}): Promise<Page> => {
      const context = await served.browser.newContext({
        extraHTTPHeaders: { [ORG_HEADER]: ORG_A },
        viewport: { width: options.width ?? 1280, height: 800 },
        hasTouch: options.hasTouch ?? false,
      });
      const page = await context.newPage();
      await page.goto(served.origin + path);
      return page;
    };

    it('colours each status badge as the spec says, its text at 4.5:1 or more', async () => {
      const page = await open('/admin/executions');
      const badges = await page.locator('tbody .xa-tag').evaluateAll((els) =>
        els.map((el) => {
          const style = getComputedStyle(el);
          return { text: el.textContent ?? '', color: style.color, background: style.backgroundColor };
        }),
      );
      expect(new Set(badges.map((b) => b.text))).toEqual(new Set(Object.keys(HUES)));
      for (const badge of badges) {
        const [from, to] = HUES[badge.text]!;
        const h = hue(parseRgb(badge.background));
        expect(h, `${badge.text} background hue`).toBeGreaterThanOrEqual(from);
        expect(h, `${badge.text} background hue`).toBeLessThanOrEqual(to);
        expect(contrast(parseRgb(badge.color), parseRgb(badge.background)), badge.text).toBeGreaterThanOrEqual(4.5);
      }
      await page.context().close();
    });

    it('greys "Agent removed" at readable contrast', async () => {
      const page = await open('/admin/executions');
      const removed = page.locator('.xa-removed').first();
      expect(await removed.textContent()).toBe('Agent removed');
      const color = parseRgb(await removed.evaluate((el) => getComputedStyle(el).color));
      expect(Math.max(...color) - Math.min(...color)).toBeLessThan(25); // grey: no hue to speak of
      expect(contrast(color, [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
      await page.context().close();
    });

    it('reveals a Failed run’s full error on hover, and keeps it open while hovered', async () => {
      const page = await open('/admin/executions?status=failed');
      const toggle = page.locator('.xa-error-toggle').first();
      const popover = page.locator(`#${await toggle.getAttribute('popovertarget')}`);
      expect(await popover.isVisible()).toBe(false);
      await toggle.hover();
      await expect.poll(() => popover.isVisible(), { timeout: 5000 }).toBe(true);
      expect(await popover.textContent()).toContain(XSS.error);
      await popover.hover();
      await page.waitForTimeout(1000);
      expect(await popover.isVisible()).toBe(true);
      await page.context().close();
    });

    it('names the first failed tool in the revealed error, and its link opens the conversation at that call', async () => {
      const page = await open('/admin/executions?status=failed');
      const row = page.locator('#xa-results tbody tr', { has: page.locator('.xa-error-popover__tool') }).first();
      await row.locator('.xa-error-toggle').click();
      await expect.poll(() => row.locator('.xa-error-popover__tool').isVisible()).toBe(true);
      expect(await row.locator('.xa-error-popover__tool').textContent()).toBe('First failed tool: google_calendar.list_events');
      await page.keyboard.press('Escape');
      await row.locator('a.xa-icon-link').click();
      await page.waitForURL(/conversations\/.*#xa-step-2$/);
      const call = page.locator('#xa-step-2 details');
      expect(await call.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      expect(await call.locator('summary').textContent()).toContain('google_calendar.list_events');
      // Scrolled to: its top is inside the viewport.
      const top = await call.evaluate((d) => d.getBoundingClientRect().top);
      expect(top).toBeGreaterThanOrEqual(0);
      expect(top).toBeLessThan(800);
      await page.context().close();
    });

    it('reveals it by keyboard: Enter opens, Escape closes and focus stays on the button', async () => {
      const page = await open('/admin/executions?status=failed');
      const toggle = page.locator('.xa-error-toggle').first();
      const popover = page.locator(`#${await toggle.getAttribute('popovertarget')}`);
      await toggle.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => popover.isVisible()).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => popover.isVisible()).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.classList.contains('xa-error-toggle'))).toBe(true);
      await page.context().close();
    });

    it('reveals it to a tap, with JavaScript off too', async () => {
      const context = await served.browser.newContext({
        extraHTTPHeaders: { [ORG_HEADER]: ORG_A },
        hasTouch: true,
        javaScriptEnabled: false,
      });
      const page = await context.newPage();
      await page.goto(`${served.origin}/admin/executions?status=failed`);
      const toggle = page.locator('.xa-error-toggle').first();
      const popover = page.locator(`#${await toggle.getAttribute('popovertarget')}`);
      await toggle.tap();
      await expect.poll(() => popover.isVisible()).toBe(true);
      await context.close();
    });

    it('runs no script and shows no dialog from hostile names, titles, errors or tool payloads', async () => {
      const page = await open('/admin/executions');
      let dialogs = 0;
      page.on('dialog', (d) => {
        dialogs += 1;
        void d.dismiss();
      });
      await page.locator('.xa-error-toggle').first().click();
      await page.locator('tbody a.xa-icon-link').nth(1).click();
      await page.waitForURL(/\/conversations\//);
      for (const summary of await page.locator('summary').all()) await summary.click();
      expect(dialogs).toBe(0);
      expect(await page.locator('img, svg[onload], script:not([src])').count()).toBe(0);
      await page.context().close();
    });

    for (const javaScriptEnabled of [true, false]) {
      it(`puts a start date after the end date right by the field, typed or picked (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const context = await served.browser.newContext({ extraHTTPHeaders: { [ORG_HEADER]: ORG_A }, javaScriptEnabled });
        const page = await context.newPage();
        await page.goto(`${served.origin}/admin/executions`);
        // Typed, digit by digit, as a keyboard user enters a date.
        await page.locator('#xa-endDate').focus();
        await page.keyboard.type('03012026');
        await page.fill('#xa-startDate', '2026-03-10');
        if (!javaScriptEnabled) await page.click('button:has-text("Apply")');
        const message = page.locator('#xa-startDate-error');
        await expect.poll(() => message.textContent()).toBe('Error: Start date must be the same as or before the end date');
        expect(await page.locator('#xa-startDate').getAttribute('aria-describedby')).toBe('xa-startDate-error');
        expect(await page.locator('#xa-endDate').inputValue()).toBe('2026-03-01');
        // Mending the range clears the message.
        await page.fill('#xa-startDate', '2026-02-20');
        if (!javaScriptEnabled) await page.click('button:has-text("Apply")');
        await expect.poll(() => message.textContent()).toBe('');
        await expect.poll(() => new URL(page.url()).searchParams.get('start')).toBe('2026-02-20');
        await context.close();
      });
    }

    for (const javaScriptEnabled of [true, false]) {
      it(`filters to the runs of deleted agents with the Agent filter's "Agent removed" (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const context = await served.browser.newContext({ extraHTTPHeaders: { [ORG_HEADER]: ORG_A }, javaScriptEnabled });
        const page = await context.newPage();
        await page.goto(`${served.origin}/admin/executions`);
        const agentColumn = () => page.locator('tbody tr td:first-child').allTextContents();
        expect(new Set(await agentColumn()).size).toBeGreaterThan(1);
        await page.selectOption('#xa-agent', { label: 'Agent removed' });
        if (!javaScriptEnabled) await page.click('button:has-text("Apply")');
        await expect.poll(() => new URL(page.url()).searchParams.get('agent')).toBe('removed');
        await expect.poll(async () => [...new Set(await agentColumn())]).toEqual(['Agent removed']);
        expect(await page.locator('#xa-agent option:checked').textContent()).toBe('Agent removed');
        expect(await page.locator('.xa-table__caption').textContent()).toContain('agent Agent removed');
        await context.close();
      });
    }

    it('reflows at 320 px: no horizontal page scroll, the table scrolls in a labelled, focusable region', async () => {
      const page = await open('/admin/executions', { width: 320 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
      const region = page.locator('[role="region"]');
      expect(await region.getAttribute('tabindex')).toBe('0');
      expect(await region.getAttribute('aria-labelledby')).toBe('xa-caption');
      await page.context().close();
    });
  },
);
