/**
 * The module as a host gets it: `npm pack`, installed into examples/host (plain JavaScript, no
 * TypeScript, no build), mounted at a nested path behind the host's own cookie auth, rendered in
 * the host's layout — driven in Chromium once with the module's htmx 4 and once with the host
 * loading htmx 2.0.x instead: filters, paging, a conversation, Run again and Cancel, and a bulk
 * job on two runs selected in their rows; once more without JavaScript. Each host starts on a
 * database of its own, as a new host would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchChromium, refreshJobUntilDone } from './support/browser.js';
import { databaseTargets } from './support/databases.js';
import { install, packModule, ROOT } from './support/packed-module.js';

interface Host {
  origin: string;
  process: ChildProcess;
}

function startHost(dir: string, env: Record<string, string>): Promise<Host> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['server.js'], {
      cwd: dir,
      env: { ...process.env, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve({ origin: match[1]!, process: child });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`host exited (${code}):\n${output}`)));
  });
}

const postgresTarget = databaseTargets.find((t) => t.name === 'postgres')!;

/**
 * The database a host starts on: a new one on real Postgres when there is one, which the host
 * migrates as at its first start, else PGlite in its own memory. Never the server's shared
 * database: runs recorded by an earlier host there (runs again, cancels) would change which runs
 * the pages show.
 */
async function hostDatabase(): Promise<{ env: Record<string, string>; dispose(): Promise<void> }> {
  if (postgresTarget.skipReason !== null) return { env: { DATABASE_URL: '' }, dispose: () => Promise.resolve() };
  const database = await postgresTarget.open({ migrated: false });
  return { env: { DATABASE_URL: database.url! }, dispose: () => database.dispose() };
}

function stopHost(host: Host | undefined): Promise<void> {
  if (!host || host.process.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    host.process.once('exit', () => resolve());
    host.process.kill('SIGTERM');
  });
}

describe.skipIf(browserSkipReason !== null)(
  `the packed module in an example host${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let work: string;
    let hostDir: string;
    let browser: Browser;

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'xa-host-'));
      const tarball = await packModule(work);
      hostDir = join(work, 'host');
      await cp(join(ROOT, 'examples/host'), hostDir, {
        recursive: true,
        filter: (src) => !src.includes('node_modules'),
      });
      const manifestPath = join(hostDir, 'package.json');
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
      manifest.dependencies['executions-admin'] = `file:${tarball}`;
      await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
      await install(hostDir, []);
      browser = await launchChromium();
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    const url = (page: Page) => new URL(page.url());
    const statusCells = (page: Page) => page.locator('tbody tr td:nth-child(4) .xa-tag').allTextContents();

    for (const htmx of ['4', '2'] as const) {
      it(`works mounted, in the host's layout, with htmx ${htmx}`, async () => {
        const database = await hostDatabase();
        const host = await startHost(hostDir, { HTMX: htmx, ...database.env }).catch(async (error: unknown) => {
          await database.dispose();
          throw error;
        });
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('pageerror', (e) => problems.push(String(e)));
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(m.text());
        });
        try {
          await page.goto(`${host.origin}/login`);
          await page.click('text=Sign in to Acme Robotics');
          await page.waitForURL(/\/orgs\/acme\/admin\/executions$/);
          expect(await page.locator('.host-header').textContent()).toBe('Example host admin');
          expect(await page.locator('h1').textContent()).toBe('Executions');
          expect(await page.title()).toMatch(/· Example host$/);
          expect(await page.evaluate(() => (window as unknown as { htmx?: { version: string } }).htmx?.version)).toMatch(
            new RegExp(`^${htmx}\\.`),
          );
          // Whose executions is the session's business, not the URL's.
          expect((await page.request.get(`${host.origin}/orgs/globex/admin/executions`)).status()).toBe(403);

          // Filter without a reload: a marker on window survives only an htmx swap.
          await page.evaluate(() => Object.assign(window, { stillHere: true }));
          await page.focus('#xa-status');
          await page.selectOption('#xa-status', 'failed');
          await expect.poll(() => url(page).searchParams.get('status')).toBe('failed');
          await expect.poll(() => statusCells(page)).toEqual(Array(20).fill('Failed'));
          expect(url(page).pathname).toBe('/orgs/acme/admin/executions');
          expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

          // Page forward.
          await page.click('#xa-page-next');
          await expect.poll(() => url(page).searchParams.get('page')).toBe('2');
          expect(new Set(await statusCells(page))).toEqual(new Set(['Failed']));
          expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

          // The conversation view, a tool call expanded, and back with the filters.
          await page.locator('tbody a.xa-icon-link').first().click();
          await page.waitForURL(/\/orgs\/acme\/admin\/executions\/conversations\//);
          expect(await page.locator('.host-header').count()).toBe(1);
          // A failed run's first failed call is open already (the link jumps to it): a click toggles.
          const toolCall = page.locator('details.xa-tool-call').first();
          const wasOpen = await toolCall.evaluate((d) => (d as HTMLDetailsElement).open);
          await toolCall.locator('summary').click();
          await expect.poll(() => toolCall.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(!wasOpen);
          expect(await toolCall.textContent()).toContain('Response received');
          await page.click('a.xa-back-link');
          await page.waitForURL((u) => u.pathname === '/orgs/acme/admin/executions');
          expect(url(page).searchParams.get('status')).toBe('failed');
          expect(url(page).searchParams.get('page')).toBe('2');

          // Run a failed run again from its row, then cancel the new run (Pending) from its page.
          await page.locator('tbody form.xa-action button', { hasText: 'Run again' }).first().click();
          await page.waitForURL(/\/conversations\/[^/]+\?status=failed&page=2&done=/);
          expect(await page.locator('.xa-banner__text').textContent()).toMatch(/^The run was started again\./);
          await page.click('.xa-banner__text a');
          await page.click('.xa-actions button:text-is("Cancel")');
          await page.waitForURL(/done=/);
          expect(await page.locator('.xa-banner__text').textContent()).toBe('The run was cancelled.');
          expect(await page.locator('.xa-summary').first().textContent()).toContain('Cancelled by Admin of Acme Robotics');

          // In bulk: two failed runs selected in their rows, run again by a job, to its report.
          await page.goto(`${host.origin}/orgs/acme/admin/executions?status=failed`);
          const boxes = page.getByRole('checkbox', { name: /^Select / });
          await boxes.nth(0).check();
          await boxes.nth(1).check();
          await page.click('#xa-selected button:text-is("Run again selected")');
          expect(await page.locator('h1').textContent()).toBe('Run again: 2 runs');
          await page.click('button:text-is("Confirm and start")');
          await page.waitForURL(/\/orgs\/acme\/admin\/executions\/jobs\/[0-9a-f-]{36}$/);
          await page.locator('#xa-job dd', { hasText: 'Done' }).waitFor({ timeout: 20_000 });
          expect(await page.locator('#xa-job-progress').textContent()).toBe('2 of 2 runs done');
          expect(problems).toEqual([]);

          // Without JavaScript (once: it does not depend on the htmx loaded): the same actions, the
          // job's page refreshed by its link.
          if (htmx === '4') {
            const plain = await browser.newContext({ javaScriptEnabled: false });
            try {
              const off = await plain.newPage();
              await off.goto(`${host.origin}/login`);
              await off.click('text=Sign in to Acme Robotics');
              await off.goto(`${host.origin}/orgs/acme/admin/executions?status=failed`);
              await off.locator('tbody form.xa-action button', { hasText: 'Run again' }).first().click();
              expect(await off.locator('.xa-banner__text').textContent()).toMatch(/^The run was started again\./);
              await off.click('.xa-banner__text a');
              await off.click('.xa-actions button:text-is("Cancel")');
              expect(await off.locator('.xa-banner__text').textContent()).toBe('The run was cancelled.');
              await off.goto(`${host.origin}/orgs/acme/admin/executions?status=failed`);
              await off
                .getByRole('checkbox', { name: /^Select / })
                .nth(2)
                .check();
              await off.click('#xa-selected button:text-is("Cancel selected")');
              expect(await off.locator('h1').textContent()).toBe('Cancel: 1 run');
              await off.click('button:text-is("Confirm and start")');
              await refreshJobUntilDone(off);
              // A Failed run cannot be cancelled: skipped, and reported so.
              expect(await off.locator('#xa-job-progress').textContent()).toBe('1 of 1 run done');
              expect(await off.locator('#xa-job dl').textContent()).toContain('Skipped1');
            } finally {
              await plain.close();
            }
          }
        } finally {
          await page.close();
          await stopHost(host);
          await database.dispose();
        }
      });
    }
  },
);
