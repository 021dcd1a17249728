/**
 * What a page costs a user on a slow connection, measured in Chromium through the DevTools
 * protocol: bytes as transferred (compressed, headers included) and requests that went to the
 * network, and timings under emulated Slow 3G. Shared by the budget tests and `npm run budget`.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';

export interface Transfer {
  url: string;
  mimeType: string;
  bytes: number;
}

/** Slow 3G as the issue defines it: 2,000 ms latency, 50,000 B/s each way, CPU 4× slower. */
export const SLOW_3G = { latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 };
export const CPU_SLOWDOWN = 4;

/** Records every request that reaches the network while `action` runs (cache hits excluded). */
export async function transfersDuring(page: Page, action: () => Promise<void>): Promise<Transfer[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map<string, string>();
  const mimeTypes = new Map<string, string>();
  const cached = new Set<string>();
  const done: Transfer[] = [];
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.requestServedFromCache', (e) => cached.add(e.requestId));
  cdp.on('Network.responseReceived', (e) => {
    mimeTypes.set(e.requestId, e.response.mimeType);
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker) cached.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (url && !cached.has(e.requestId) && !url.startsWith('data:'))
      done.push({ url, mimeType: mimeTypes.get(e.requestId) ?? '', bytes: e.encodedDataLength });
  });
  await action();
  // Let the last loadingFinished events arrive.
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  return done;
}

export const totalBytes = (transfers: Transfer[]) => transfers.reduce((n, t) => n + t.bytes, 0);

async function throttled(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...SLOW_3G });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  return cdp;
}

export interface Slow3gTimings {
  /** First contentful paint, from navigation start: the table is in the first paint. */
  paintMs: number;
  /** DOM interactive, from navigation start: links and the form work from here. */
  usableMs: number;
  /** A choice in the Status select to the new rows painted: debounce, request, swap and paint. */
  swapMs: number;
  /** The same choice to the response's last byte: what of swapMs the network and the server took. */
  swapResponseMs: number;
}

/** Loads `url` under Slow 3G and a 4× CPU slowdown, then filters it to Failed runs with htmx. */
export async function slow3g(context: BrowserContext, url: string): Promise<Slow3gTimings> {
  const page = await context.newPage();
  const cdp = await throttled(page);
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    const { paintMs, usableMs, hasTable } = await page.evaluate(() => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return {
        paintMs: paint ? paint.startTime : Number.POSITIVE_INFINITY,
        usableMs: nav.domInteractive,
        hasTable: document.querySelectorAll('tbody tr').length > 0,
      };
    });
    if (!hasTable) throw new Error('no table rows on the page');
    await page.waitForFunction(() => 'htmx' in window, undefined, { timeout: 60_000 });
    // No named functions inside: tsx would wrap them in a helper the page does not have.
    const { swapMs, swapResponseMs } = await page.evaluate(
      () =>
        new Promise<{ swapMs: number; swapResponseMs: number }>((resolve) => {
          const region = document.getElementById('xa-results');
          const select = document.getElementById('xa-status') as HTMLSelectElement;
          const start = performance.now();
          // A frame's callbacks run before it is painted; a task queued from one runs after.
          document.addEventListener('htmx:after:settle', (event) => {
            if (event.target !== region) return;
            const response = performance
              .getEntriesByType('resource')
              .filter((entry) => entry.name.includes('status=failed'))
              .pop() as PerformanceResourceTiming;
            requestAnimationFrame(() =>
              setTimeout(() => resolve({ swapMs: performance.now() - start, swapResponseMs: response.responseEnd - start })),
            );
          });
          select.value = 'failed';
          select.dispatchEvent(new Event('change', { bubbles: true }));
        }),
    );
    return { paintMs, usableMs, swapMs, swapResponseMs };
  } finally {
    await cdp.detach();
    await page.close();
  }
}

export interface BandwidthFigures {
  /** What a cold load fetched. */
  cold: Transfer[];
  coldBytes: number;
  coldRequests: number;
  htmlBytes: number;
  warmBytes: number;
  warmRequests: number;
  swapBytes: number;
  swapRequests: number;
  /** The Status select set to Failed: the results, chart and title in one fragment. */
  filterBytes: number;
  filterRequests: number;
  noJsFilterBytes: number;
}

/**
 * The byte figures for a list at `origin + path`: a cold first load, the same page warm (its
 * assets cached), one htmx page swap, and the filter form submitted with JavaScript off.
 */
export async function measureBandwidth(
  browser: Browser,
  url: string,
  contextOptions: Parameters<Browser['newContext']>[0] = {},
): Promise<BandwidthFigures> {
  const context = await browser.newContext(contextOptions);
  try {
    const page = await context.newPage();
    const cold = await transfersDuring(page, async () => {
      await page.goto(url, { waitUntil: 'load' });
    });
    const html = cold.find((t) => t.url === url);
    await page.waitForFunction(() => 'htmx' in window);
    const swap = await transfersDuring(page, async () => {
      await page.click('#xa-page-next');
      await page.waitForURL(/page=2/);
    });
    const warm = await transfersDuring(page, async () => {
      await page.goto(url, { waitUntil: 'load' });
    });
    await page.waitForFunction(() => 'htmx' in window);
    const filter = await transfersDuring(page, async () => {
      await page.selectOption('#xa-status', 'failed');
      await page.waitForURL(/status=failed/);
    });
    const noJs = await browser.newContext({ ...contextOptions, javaScriptEnabled: false });
    try {
      const noJsPage = await noJs.newPage();
      await noJsPage.goto(url);
      await noJsPage.selectOption('#xa-status', 'failed');
      const noJsFilter = await transfersDuring(noJsPage, async () => {
        await noJsPage.click('button:has-text("Apply")');
        await noJsPage.waitForURL(/status=failed/);
      });
      return {
        cold,
        coldBytes: totalBytes(cold),
        coldRequests: cold.length,
        htmlBytes: html?.bytes ?? Number.NaN,
        warmBytes: totalBytes(warm),
        warmRequests: warm.length,
        swapBytes: totalBytes(swap),
        swapRequests: swap.length,
        filterBytes: totalBytes(filter),
        filterRequests: filter.length,
        noJsFilterBytes: totalBytes(noJsFilter),
      };
    } finally {
      await noJs.close();
    }
  } finally {
    await context.close();
  }
}

/** The budgets, in bytes (KB = 1,000 bytes) and requests. */
export const BUDGETS = {
  coldBytes: 40_000,
  coldRequests: 3,
  htmlBytes: 14_000,
  warmBytes: 14_000,
  warmRequests: 1,
  swapBytes: 5_000,
  swapRequests: 1,
  filterBytes: 5_000,
  filterRequests: 1,
  noJsFilterBytes: 14_000,
  paintMs: 3000,
  usableMs: 3000,
  swapMs: 2500,
} as const;
