/**
 * Forced colours (Windows High Contrast and the like) in Chromium, dark and light: no control
 * keeps a box of its own colour against the user's theme, every control's text holds 4.5:1 on
 * what it sits on, and the chart's statuses stay apart by pattern when every colour is one.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { browserSkipReason, DEMO_DATA, serveInChromium } from './support/browser.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const LIST = '/admin/executions';

/** Every control of the list, and the states a control's colours change in. */
const CONTROLS = [
  'button.xa-button',
  '#xa-weekly-review',
  '.xa-select',
  '.xa-input',
  '.xa-checkbox__input',
  // The chart's links are transparent columns over the bars, with no text: the list under it has them.
  '.xa a:not(svg a)',
  '#xa-page-next',
  '.xa-error-toggle',
  '.xa-error-popover:popover-open',
  '.xa-chart > summary',
  '.xa-activity__details > summary',
  '.xa-tag',
];

interface Painted {
  control: string;
  background: string;
  text: string;
  /** The colour behind the control where its own is transparent: the nearest painted ancestor's. */
  behind: string;
}

/** Each control's computed colours, and the canvas colour of the theme. */
async function painted(page: Page, state: string, canvas: string): Promise<Painted[]> {
  return page.evaluate(
    ([selectors, state, canvas]) => {
      const opaque = (c: string) => !/rgba\(.*, 0\)$|transparent/.test(c);
      const behind = (el: Element | null): string => {
        for (let e = el; e; e = e.parentElement) {
          const bg = getComputedStyle(e).backgroundColor;
          if (opaque(bg)) return bg;
        }
        return canvas;
      };
      return selectors.flatMap((selector) =>
        [...document.querySelectorAll(selector)].slice(0, 25).map((el) => {
          const style = getComputedStyle(el);
          return {
            control: `${selector} ${state}`,
            background: style.backgroundColor,
            text: style.color,
            behind: opaque(style.backgroundColor) ? style.backgroundColor : behind(el.parentElement),
          };
        }),
      );
    },
    [CONTROLS, state, canvas] as const,
  );
}

const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number) as [number, number, number];
const luminance = (css: string) =>
  rgb(css)
    .map((v) => v / 255)
    .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

describe.skipIf(browserSkipReason !== null)(
  `forced colours in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => createTestHost(db, LIST).fetch, { demo: DEMO_DATA });

    const open = async (colorScheme: 'dark' | 'light') => {
      const context = await served.browser.newContext({
        extraHTTPHeaders: { [ORG_HEADER]: DEMO_ORGANIZATION_ID },
        colorScheme,
        forcedColors: 'active',
      });
      const page = await context.newPage();
      await page.goto(`${served.origin}${LIST}?status=failed`);
      return page;
    };

    for (const scheme of ['dark', 'light'] as const) {
      it(`leaves no control a box of its own in a ${scheme} theme, its text 4.5:1 on what it sits on`, async () => {
        const page = await open(scheme);
        try {
          // The theme's canvas, as the system colour resolves here (the root's own is transparent).
          const canvas = await page.evaluate(() => {
            const probe = document.body.appendChild(document.createElement('div'));
            probe.style.backgroundColor = 'Canvas';
            const colour = getComputedStyle(probe).backgroundColor;
            probe.remove();
            return colour;
          });
          // The theme really is the one asked for.
          expect(luminance(canvas) < 0.5).toBe(scheme === 'dark');
          const seen = await painted(page, 'at rest', canvas);
          await page.hover('#xa-weekly-review');
          seen.push(...(await painted(page, 'hovered', canvas)));
          await page.focus('#xa-status');
          await page.keyboard.press('Tab');
          await page.keyboard.press('Shift+Tab');
          for (const selector of ['button.xa-button', '#xa-weekly-review', '#xa-page-next']) {
            await page.focus(selector);
            seen.push(...(await painted(page, 'focused', canvas)).filter((p) => p.control.startsWith(selector)));
          }
          await page.locator('.xa-error-toggle').first().click();
          await expect.poll(() => page.locator('.xa-error-popover:popover-open').count()).toBe(1);
          seen.push(...(await painted(page, 'open', canvas)));
          for (const selector of CONTROLS)
            expect(
              seen.some((p) => p.control.startsWith(selector)),
              selector,
            ).toBe(true);

          const boxed = seen
            .filter((p) => Math.abs(luminance(p.behind) - luminance(canvas)) > 0.3)
            .map((p) => `${p.control}: ${p.behind} on a ${canvas} canvas`);
          expect(boxed).toEqual([]);
          const faint = seen
            .filter((p) => contrast(p.text, p.behind) < 4.5)
            .map((p) => `${p.control}: ${p.text} on ${p.behind} is ${contrast(p.text, p.behind).toFixed(2)}:1`);
          expect(faint).toEqual([]);
        } finally {
          await page.context().close();
        }
      });

      it(`keeps each status of the chart apart by pattern in a ${scheme} theme, bars and legend alike`, async () => {
        const page = await open(scheme);
        try {
          await page.goto(`${served.origin}${LIST}`);
          await page.click('#xa-chart > summary');
          const swatches = page.locator('.xa-legend .xa-swatch');
          const count = await swatches.count();
          expect(count).toBeGreaterThanOrEqual(3);
          // What the eye gets: each swatch's pixels differ from every other's.
          const shots = await Promise.all([...Array(count).keys()].map((i) => swatches.nth(i).screenshot()));
          for (let i = 0; i < count; i++)
            for (let j = i + 1; j < count; j++) expect(shots[i]!.equals(shots[j]!), `swatches ${i} and ${j}`).toBe(false);
          // The bars are painted as their swatch is: the same fill, status by status.
          const fills = await page.evaluate(() => {
            const fillOf = (el: Element) => getComputedStyle(el).fill;
            const bars = [...document.querySelectorAll('.xa-activity__chart path[class]')].map(
              (p) => [p.getAttribute('class')!, fillOf(p)] as const,
            );
            const legend = [...document.querySelectorAll('.xa-legend .xa-swatch [class]')].map(
              (s) => [s.getAttribute('class')!, fillOf(s)] as const,
            );
            return { bars, legend };
          });
          expect(fills.bars.length).toBeGreaterThanOrEqual(3);
          expect(new Set(fills.bars.map(([, fill]) => fill)).size).toBe(fills.bars.length);
          for (const [status, fill] of fills.bars) expect(fills.legend.find(([s]) => s === status)?.[1], status).toBe(fill);
        } finally {
          await page.context().close();
        }
      });
    }
  },
);
