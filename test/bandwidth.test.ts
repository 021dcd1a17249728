/**
 * Bandwidth budgets, measured in Chromium on the demo's realistic data: bytes as transferred
 * and requests, cold and warm, per swap, with JavaScript off, and timings under Slow 3G.
 */
import { describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { BUDGETS, measureBandwidth, slow3g, type Slow3gTimings, type BandwidthFigures } from '../bench/page-metrics.js';
import { browserSkipReason, DEMO_DATA, serveInChromium } from './support/browser.js';

describe.skipIf(browserSkipReason !== null)(
  `bandwidth budgets${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }).fetch, {
      demo: DEMO_DATA,
    });
    let figures: BandwidthFigures;
    const measured = async () => {
      if (figures) return figures;
      figures = await measureBandwidth(served.browser, `${served.origin}/admin/executions`);
      const { coldBytes, htmlBytes, warmBytes, swapBytes, filterBytes, noJsFilterBytes } = figures;
      console.log(`[bytes] ${JSON.stringify({ coldBytes, htmlBytes, warmBytes, swapBytes, filterBytes, noJsFilterBytes })}`);
      return figures;
    };

    it('loads cold in at most 3 requests and 40 KB, the 20-row HTML within 14 KB', async () => {
      const f = await measured();
      expect(f.coldRequests).toBeLessThanOrEqual(BUDGETS.coldRequests);
      expect(f.coldBytes).toBeLessThanOrEqual(BUDGETS.coldBytes);
      expect(f.htmlBytes).toBeLessThanOrEqual(BUDGETS.htmlBytes);
    });

    it('fetches nothing but its own HTML and script: no fonts, no images, no CDN', async () => {
      const f = await measured();
      for (const t of f.cold) {
        expect(new URL(t.url).origin).toBe(served.origin);
        expect(['text/html', 'text/javascript']).toContain(t.mimeType);
      }
      const context = await served.browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(`${served.origin}/admin/executions`);
        const found = await page.evaluate(() => ({
          images: document.querySelectorAll('img, picture, image, object, embed, iframe').length,
          fonts: [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules]).filter((r) => r instanceof CSSFontFaceRule)
            .length,
          // An icon is a <use> of a path drawn in the same page, never of another file.
          uses: [...document.querySelectorAll('svg use')].map((use) => {
            const href = use.getAttribute('href') ?? '';
            return href.startsWith('#') && document.getElementById(href.slice(1)) !== null ? 'in page' : href;
          }),
        }));
        expect(found.uses.length).toBeGreaterThan(20);
        expect({ ...found, uses: [...new Set(found.uses)] }).toEqual({ images: 0, fonts: 0, uses: ['in page'] });
      } finally {
        await context.close();
      }
    });

    it('loads warm in 1 request and 14 KB', async () => {
      const f = await measured();
      expect(f.warmRequests).toBe(BUDGETS.warmRequests);
      expect(f.warmBytes).toBeLessThanOrEqual(BUDGETS.warmBytes);
    });

    it('swaps a page in exactly 1 request and 5 KB', async () => {
      const f = await measured();
      expect(f.swapRequests).toBe(BUDGETS.swapRequests);
      expect(f.swapBytes).toBeLessThanOrEqual(BUDGETS.swapBytes);
    });

    it('swaps a filter chosen from a select in exactly 1 request and 5 KB', async () => {
      const f = await measured();
      expect(f.filterRequests).toBe(BUDGETS.filterRequests);
      expect(f.filterBytes).toBeLessThanOrEqual(BUDGETS.filterBytes);
    });

    it('submits a filter with JavaScript off within 14 KB', async () => {
      expect((await measured()).noJsFilterBytes).toBeLessThanOrEqual(BUDGETS.noJsFilterBytes);
    });

    // The median of three loads: with the network's 2 s fixed, what varies is this machine's CPU,
    // slowed fourfold, and one load of three has run 0.2 s slower than the others on a quiet machine.
    it('paints a usable table within 3 s, and a filter’s rows within 2.5 s of the choice, on Slow 3G with a 4× slower CPU (median of three loads)', async () => {
      const loads: Slow3gTimings[] = [];
      for (let i = 0; i < 3; i++) {
        const context = await served.browser.newContext();
        try {
          loads.push(await slow3g(context, `${served.origin}/admin/executions`));
        } finally {
          await context.close();
        }
      }
      // Each load's figures, so that a median near its budget shows which part moved.
      console.log(
        `[slow 3g] ${loads.map((t) => `paint ${t.paintMs.toFixed(0)} ms, usable ${t.usableMs.toFixed(0)}, swap ${t.swapMs.toFixed(0)} (response at ${t.swapResponseMs.toFixed(0)})`).join('; ')}`,
      );
      const median = (key: keyof Slow3gTimings) => loads.map((t) => t[key]).sort((a, b) => a - b)[1]!;
      expect(median('paintMs')).toBeLessThanOrEqual(BUDGETS.paintMs);
      expect(median('usableMs')).toBeLessThanOrEqual(BUDGETS.usableMs);
      expect(median('swapMs')).toBeLessThanOrEqual(BUDGETS.swapMs);
    }, 180_000);
  },
);
