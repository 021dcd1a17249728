/**
 * The module inside hosts that have a Content-Security-Policy of their own, in Chromium: a host
 * using hono's secureHeaders() with a nonce (its jsxRenderer layout's inline script and style
 * nonce'd, the module picking the nonce up from the context), and a host sending its own policy
 * as a plain header, its layout's inline script and style allowed by hash next to the module's
 * exported sources. In each, the list, a filter swap, the failure digest and a conversation run
 * with no violation and no console error, the host's script runs and both stylesheets apply.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { html, raw } from 'hono/html';
import { jsxRenderer } from 'hono/jsx-renderer';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { executionsAdminCsp } from '../src/http/assets.js';
import { createExecutionsAdmin, type ExecutionsAdminEnv } from '../src/http/executions-admin.js';
import { cspHash } from '../src/http/security-headers.js';
import { AssetTags, type Layout } from '../views/shared/layout.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { insertFixture, ORG_A } from './support/fixture.js';
import { watchedContext } from './support/page-watch.js';
import type { ExecutionsDatabase } from '../src/db/database.js';

const LIST = '/admin/executions';
const HOST_CSS = '.host-banner { background-color: rgb(1, 2, 3); color: #fff; }';
const HOST_SCRIPT = "document.documentElement.dataset.hostScript = 'ran';";

const signedIn: MiddlewareHandler<ExecutionsAdminEnv> = async (c, next) => {
  c.set('organizationId', ORG_A);
  await next();
};

/** hono's secureHeaders() with NONCE: the host's policy replaces the module's on every response. */
function nonceHost(db: ExecutionsDatabase) {
  const host = new Hono<ExecutionsAdminEnv>();
  host.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: [NONCE],
        styleSrc: [NONCE],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    }),
  );
  host.use('*', signedIn);
  host.use(
    '*',
    jsxRenderer(({ children }, c) => {
      const nonce = c.get('secureHeadersNonce');
      return html`<html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>Host admin</title>
          <link rel="icon" href="data:," />
          <style nonce="${nonce}">
            ${raw(HOST_CSS)}
          </style>
          <script nonce="${nonce}">
            ${raw(HOST_SCRIPT)};
          </script>
        </head>
        <body>
          <p class="host-banner">Host admin</p>
          <main>${children}</main>
        </body>
      </html>`;
    }),
  );
  host.route(LIST, createExecutionsAdmin({ db }));
  return host;
}

/** What the module's pages load, as the package exports it, and the host's own inline code by hash. */
const HOST_POLICY = Object.entries({
  ...executionsAdminCsp(),
  'script-src': [...executionsAdminCsp()['script-src'], cspHash(HOST_SCRIPT)],
  'style-src': [...executionsAdminCsp()['style-src'], cspHash(HOST_CSS)],
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
})
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ');

// Whole, so that no formatter touches what the hashes are of.
const HOST_INLINE = raw(`<style>${HOST_CSS}</style><script>${HOST_SCRIPT}</script>`);

/** A plain header, set before the module answers: the module keeps it. */
function hashHost(db: ExecutionsDatabase) {
  const host = new Hono<ExecutionsAdminEnv>();
  host.use('*', async (c, next) => {
    c.header('Content-Security-Policy', HOST_POLICY);
    await next();
  });
  host.use('*', signedIn);
  const layout: Layout = ({ title, assets, children }) =>
    html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>${title}</title>
          <link rel="icon" href="data:," />
          ${HOST_INLINE} ${AssetTags({ assets })}
        </head>
        <body>
          <p class="host-banner">Host admin</p>
          <main>${children}</main>
        </body>
      </html>`;
  host.route(LIST, createExecutionsAdmin({ db, layout }));
  return host;
}

/** The host's script ran, and both the host's and the module's stylesheets apply. */
async function expectHostAndModule(page: Page) {
  expect(await page.evaluate(() => document.documentElement.dataset.hostScript)).toBe('ran');
  expect(await page.locator('.host-banner').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(1, 2, 3)');
  // A browser's own h1 has a top margin; the module's stylesheet takes it away.
  expect(await page.locator('h1.xa-heading').evaluate((el) => getComputedStyle(el).marginTop)).toBe('0px');
}

describe.skipIf(browserSkipReason !== null)(
  `the module under a host's own policy in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => {
      await insertFixture(db);
      const root = new Hono();
      root.route('/nonce', nonceHost(db));
      root.route('/hashes', hashHost(db));
      return root.fetch;
    });

    it.each(['/nonce', '/hashes'])('%s: list, filter swap, failure digest and conversation with 0 violations', async (prefix) => {
      const watched = await watchedContext(served.browser);
      try {
        const page = await watched.newPage();
        const response = await page.goto(served.origin + prefix + LIST);
        const policy = response!.headers()['content-security-policy'];
        // The host's policy is the page's: the module neither replaced it nor added its own.
        if (prefix === '/hashes') expect(policy).toBe(HOST_POLICY);
        else expect(policy).toMatch(/^default-src 'self'; img-src 'self' data:; script-src 'nonce-[^']+'; style-src 'nonce-/);
        await expectHostAndModule(page);
        // The module's script ran under the host's policy (by its nonce, or 'self').
        expect(await page.evaluate(() => (window as unknown as { htmx?: { version: string } }).htmx?.version)).toBe('4.0.1');

        await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
        await page.selectOption('#xa-status', 'failed');
        await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('failed');
        await expect
          .poll(async () => new Set(await page.locator('tbody .xa-tag').allTextContents()))
          .toEqual(new Set(['Failed']));
        expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
        expect(
          await page
            .locator('.xa-tag--red')
            .first()
            .evaluate((el) => getComputedStyle(el).backgroundColor),
        ).toBe('rgb(244, 205, 198)');

        await page.click('#xa-digest');
        await page.waitForURL(/\/failures/);
        await expect.poll(() => page.locator('h1.xa-heading').textContent()).toBe('Failures by tool and error');
        await expectHostAndModule(page);

        await page.goBack();
        await page.waitForURL((u) => u.pathname.endsWith(LIST));
        await page.locator('tbody a.xa-icon-link').first().click();
        await page.waitForURL(/\/conversations\//);
        const toolCall = page.locator('details.xa-tool-call').first();
        await toolCall.locator('summary').click();
        await expect.poll(() => toolCall.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
        await expectHostAndModule(page);

        expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
      } finally {
        await watched.context.close();
      }
    });
  },
);
