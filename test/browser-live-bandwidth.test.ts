/**
 * What live polling costs a tab left open on the unfiltered list, in Chromium: a minute of the
 * demo scheduler at its own pace (a run every 8–15 s) with the default 10 s poll, bytes as
 * transferred (headers included) in each direction. Figures in docs/performance.md.
 */
import { describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID, seedDemo } from '../src/demo/seed.js';
import { startSimulatedScheduler, type SimulatedScheduler } from '../src/demo/simulator.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';

/** A 304 is a few hundred bytes of headers; a change, a few cells and the poller. */
const DOWN_BYTES_PER_MINUTE = 8 * 1024;

describe.skipIf(browserSkipReason !== null)(
  `live polling bandwidth${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let scheduler: SimulatedScheduler | undefined;
    const served = serveInChromium(async (db) => {
      await seedDemo(db, { runs: 200 });
      scheduler = startSimulatedScheduler(db, DEMO_ORGANIZATION_ID, { onError: () => {} });
      return createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }).fetch;
    });

    it(`costs at most ${DOWN_BYTES_PER_MINUTE / 1024} KB a minute on the unfiltered list`, async () => {
      const context = await served.browser.newContext();
      const page = await context.newPage();
      const polls: Promise<{ status: number; down: number; up: number }>[] = [];
      page.on('requestfinished', (request) => {
        if (request.headers()['x-executions-refresh'] !== 'true') return;
        polls.push(
          Promise.all([request.sizes(), request.response()]).then(([sizes, response]) => ({
            status: response?.status() ?? 0,
            down: sizes.responseHeadersSize + sizes.responseBodySize,
            up: sizes.requestHeadersSize + sizes.requestBodySize,
          })),
        );
      });
      try {
        await page.goto(`${served.origin}/admin/executions`);
        await page.waitForTimeout(60_000);
        const done = await Promise.all(polls);
        const sum = (key: 'down' | 'up') => done.reduce((n, p) => n + p[key], 0);
        console.log(
          `live polling, one minute: ${done.length} polls (${done.filter((p) => p.status === 200).length} with changes), ` +
            `${sum('down')} bytes down, ${sum('up')} bytes up`,
        );
        expect(done.length).toBeGreaterThanOrEqual(5);
        expect(sum('down')).toBeLessThanOrEqual(DOWN_BYTES_PER_MINUTE);
      } finally {
        await context.close();
        await scheduler?.stop();
      }
    }, 120_000);
  },
);
