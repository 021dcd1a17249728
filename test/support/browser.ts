/**
 * Real Chromium for browser tests: Debian's package, driven by playwright-core (no browser
 * download). Without Chromium the suites skip with a visible message — unless REQUIRE_BROWSER=1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, vi } from 'vitest';
import type { ExecutionsDatabase } from '../../src/db/database.js';
import { databaseTargets, type TestDatabase } from './databases.js';
import type { FixedSeed } from './migrated-pglite.js';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export const chromiumPath = findChromium();

/** Why browser suites skip here, or null when they run. */
export const browserSkipReason: string | null = (() => {
  if (chromiumPath) return null;
  if (process.env.REQUIRE_BROWSER === '1')
    throw new Error('REQUIRE_BROWSER=1 but no Chromium was found (apt-get install -y chromium)');
  const reason = 'Chromium not found: browser suites skipped (apt-get install -y chromium)';
  console.warn(`[skip] ${reason}`);
  return reason;
})();

export function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error(browserSkipReason ?? 'no Chromium');
  return chromium.launch({ executablePath: chromiumPath, args: FLAGS });
}

export interface RunningServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves a fetch handler on a free loopback port. */
export function startServer(fetch: (request: Request) => Response | Promise<Response>): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        origin: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

export interface ServedApp {
  origin: string;
  browser: Browser;
}

/** The demo data most browser suites are served: fixed, so that their pages are too. */
export const DEMO_DATA: FixedSeed = { now: new Date('2026-11-20T12:00:00Z'), seed: 7 };

/** Real Postgres when the suites have it, else PGlite: see `serveInChromium`. */
const servedTarget =
  databaseTargets.find((target) => target.name === 'postgres' && target.skipReason === null) ?? databaseTargets[0]!;

/**
 * For a browser suite: a database of its own (holding the demo's rows seeded with `demo`, if
 * given) prepared by `prepare`, the app it returns served on loopback, and Chromium — set up before
 * the suite's tests and torn down after. Call inside `describe`; read the fields in tests, once
 * the hooks have run.
 *
 * The database is a throwaway one on real Postgres when the suites have one, else PGlite in memory.
 * PGlite runs in the test's own thread, beside Playwright and the server, and the browser suites
 * took longer on it (docs/performance.md, "The suite's own time"). The pages are the same on
 * either; the other suites test both.
 *
 * With `demo`, the server's clock starts where the demo's data end and runs on, as in a demo just
 * started. On the real clock the pages changed with the calendar: the chart spanned the days since,
 * and the bandwidth test's filter swap grew past its budget. The pages read the time from the
 * server's clock, never the database's.
 */
export function serveInChromium(
  prepare: (db: ExecutionsDatabase) => Promise<(request: Request) => Response | Promise<Response>>,
  { demo }: { demo?: FixedSeed } = {},
): ServedApp {
  const served = {} as ServedApp;
  let database: TestDatabase | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    if (demo) {
      vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
      vi.setSystemTime(demo.now);
    }
    database = await servedTarget.open({ demo });
    server = await startServer(await prepare(database.db));
    served.origin = server.origin;
    served.browser = await launchChromium();
  });
  afterAll(async () => {
    await served.browser?.close();
    await server?.close();
    await database?.dispose();
    if (demo) vi.useRealTimers();
  });
  return served;
}

/**
 * Without JavaScript, a bulk job's page is refreshed by its link until it says Done. Each click
 * waits for the page it loads: otherwise the next check may read the old page and then click a
 * link that the finished job's page no longer has.
 */
export async function refreshJobUntilDone(page: Page): Promise<void> {
  const done = page.locator('#xa-job dd', { hasText: 'Done' });
  for (let i = 0; i < 40 && (await done.count()) === 0; i++) {
    await page.waitForTimeout(500);
    await Promise.all([page.waitForEvent('load'), page.locator('a:text-is("Refresh")').click()]);
  }
}
