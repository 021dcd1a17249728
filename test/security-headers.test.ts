/**
 * The module's security headers: a Content-Security-Policy with no inline script, no eval and
 * the inlined stylesheet allowed by its exact hash, plus frame-ancestors, base-uri,
 * nosniff and a Referrer-Policy — on every kind of response. Then, in Chromium, the page and
 * every htmx interaction working under that policy with zero violations: filter swap, paging,
 * live refresh, error popover, conversation, back and forward; and the demo host, whose own
 * inline stylesheet is added through the option. Beside a host's own policy: the host's nonce on
 * the module's tags and in its policy, a policy the host set kept, the exported sources exact
 * (in Chromium: test/browser-csp.test.ts).
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type ExecutionsDatabase, type OpenDatabase } from '../src/db/database.js';
import { createDemoApp } from '../src/demo/host-app.js';
import { executionsAdminCsp } from '../src/http/assets.js';
import { createExecutionsAdmin, type ExecutionsAdminEnv } from '../src/http/executions-admin.js';
import { DEMO_ORGANIZATION_ID, seedDemo } from '../src/demo/seed.js';
import { executions } from '../src/db/schema.js';
import { contentSecurityPolicy, cspHash, moduleCspSources } from '../src/http/security-headers.js';
import { browserSkipReason, serveInChromium, startServer } from './support/browser.js';
import { fixtureRuns, insertFixture, ORG_A } from './support/fixture.js';
import { watchedContext } from './support/page-watch.js';
import { createTestHost, htmxHeaders, ORG_HEADER } from './support/test-host.js';

const LIST = '/admin/executions';

function parsePolicy(header: string | null): Map<string, string[]> {
  expect(header).not.toBeNull();
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('security headers', () => {
  let database: OpenDatabase;
  beforeAll(async () => {
    database = await openDatabase({});
    await database.migrate();
    await insertFixture(database.db);
  });
  afterAll(() => database?.close());

  it('sends a strict policy, nosniff, a Referrer-Policy and no-framing on every kind of response', async () => {
    const app = createTestHost(database.db);
    const get = (path: string, headers: Record<string, string> = {}, organization: string | null = ORG_A) =>
      app.request(path, { headers: { ...(organization ? { [ORG_HEADER]: organization } : {}), ...headers } });
    const page = await get(LIST);
    const html = await page.text();
    const script = html.match(/<script src="([^"]+)"/)?.[1] ?? '';
    const poller = html.match(/hx-headers="([^"]+)"/)?.[1]?.replaceAll('&quot;', '"') ?? '{}';
    const pollHref = html.match(/id="xa-refresh"[^>]* hx-get="([^"]+)"/)?.[1]?.replaceAll('&amp;', '&') ?? LIST;
    const responses = {
      page,
      fragment: await get(`${LIST}?status=failed`, htmxHeaders),
      'unchanged poll (304)': await get(pollHref, { ...htmxHeaders, ...(JSON.parse(poller) as Record<string, string>) }),
      conversation: await get(`${LIST}/conversations/${fixtureRuns()[1]!.conversationId}`),
      'not found': await get(`${LIST}/conversations/not-a-uuid`),
      'signed out (401)': await get(LIST, {}, null),
      'signed out HEAD (401)': await app.request(LIST, { method: 'HEAD' }),
      'HEAD of the list': await app.request(LIST, { method: 'HEAD', headers: { [ORG_HEADER]: ORG_A } }),
      csv: await get(`${LIST}/export.csv`),
      digest: await get(`${LIST}/failures`),
      script: await get(script),
    };
    // An organization's runs are kept in no cache; the script, the same for everyone, is cached for a year.
    for (const name of [
      'page',
      'fragment',
      'unchanged poll (304)',
      'conversation',
      'HEAD of the list',
      'csv',
      'digest',
    ] as const) {
      expect(responses[name].headers.get('Cache-Control'), name).toBe('no-store');
    }
    expect(responses.script.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(responses['signed out HEAD (401)'].status).toBe(401);
    expect(responses['unchanged poll (304)'].status).toBe(304);
    const [style] = html.match(/<style>([\s\S]*?)<\/style>/)?.slice(1) ?? [];
    for (const [name, res] of Object.entries(responses)) {
      const policy = parsePolicy(res.headers.get('Content-Security-Policy'));
      expect(policy.get('script-src'), name).toEqual(["'self'"]);
      // The inline stylesheet by the hash of exactly what the page carries, nothing inline else.
      expect(policy.get('style-src'), name).toEqual([sha256(style ?? '')]);
      for (const [directive, sources] of policy) {
        expect(sources, `${name}: ${directive}`).not.toContain("'unsafe-inline'");
        expect(sources, `${name}: ${directive}`).not.toContain("'unsafe-eval'");
        expect(sources, `${name}: ${directive}`).not.toContain('*');
      }
      expect(policy.get('default-src'), name).toEqual(["'none'"]);
      // Plugins and fonts fall back to default-src 'none'.
      expect(policy.get('object-src') ?? policy.get('default-src'), name).toEqual(["'none'"]);
      expect(policy.get('font-src') ?? policy.get('default-src'), name).toEqual(["'none'"]);
      expect(policy.get('base-uri'), name).toEqual(["'none'"]);
      expect(policy.get('frame-ancestors'), name).toEqual(["'self'"]);
      expect(policy.get('form-action'), name).toEqual(["'self'"]);
      expect(res.headers.get('X-Content-Type-Options'), name).toBe('nosniff');
      expect(res.headers.get('Referrer-Policy'), name).toBe('same-origin');
      expect(res.headers.get('X-Frame-Options'), name).toBe('SAMEORIGIN');
    }
  });

  it('sends them on error pages too', async () => {
    const closed = await openDatabase({});
    const app = createTestHost(closed.db);
    await closed.close();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await Promise.resolve(app.request(LIST, { headers: { [ORG_HEADER]: ORG_A } })).finally(() =>
      logged.mockRestore(),
    );
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
  });

  it('adds the host’s sources, or leaves the headers to a host that sets its own', async () => {
    const extra = createTestHost(database.db, LIST, {
      securityHeaders: {
        sources: { 'style-src': [cspHash('body{}')], 'img-src': ['https://cdn.example.com'], 'font-src': ["'self'"] },
      },
    });
    const policy = parsePolicy(
      (await extra.request(LIST, { headers: { [ORG_HEADER]: ORG_A } })).headers.get('Content-Security-Policy'),
    );
    expect(policy.get('style-src')).toContain(sha256('body{}'));
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'https://cdn.example.com']);
    // 'none' beside another source would be ignored (and warned about): it is replaced.
    expect(policy.get('font-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);

    const off = createTestHost(database.db, LIST, { securityHeaders: false });
    const res = await off.request(LIST, { headers: { [ORG_HEADER]: ORG_A } });
    expect(res.status).toBe(200);
    for (const name of ['Content-Security-Policy', 'X-Content-Type-Options', 'Referrer-Policy', 'X-Frame-Options']) {
      expect(res.headers.get(name), name).toBeNull();
    }
  });

  it('puts the host’s nonce on its style and script tags and in its own policy', async () => {
    const nonceOfPage = (html: string) => {
      const style = html.match(/<style nonce="([^"]+)">/)?.[1];
      expect(html.match(/<script src="[^"]+" nonce="([^"]+)"/)?.[1]).toBe(style);
      return style;
    };
    // hono's secureHeaders() made the nonce for NONCE: found on the context. With `overwrite: false`
    // it keeps the module's policy, which allows the nonce next to the module's own sources.
    const withHonoNonce = (overwrite: boolean) => {
      const host = new Hono<ExecutionsAdminEnv>();
      host.use('*', secureHeaders({ contentSecurityPolicy: { scriptSrc: [NONCE], styleSrc: [NONCE] }, overwrite }));
      host.use('*', async (c, next) => {
        c.set('organizationId', ORG_A);
        await next();
      });
      host.route(LIST, createExecutionsAdmin({ db: database.db }));
      return host;
    };
    const kept = await withHonoNonce(false).request(LIST);
    const nonce = nonceOfPage(await kept.text());
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const policy = parsePolicy(kept.headers.get('Content-Security-Policy'));
    expect(policy.get('script-src')).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(policy.get('style-src')).toEqual([...executionsAdminCsp()['style-src'], `'nonce-${nonce}'`]);
    // By default hono's middleware replaces the module's policy with the host's: the tags match it.
    const replaced = await withHonoNonce(true).request(LIST);
    const hostNonce = nonceOfPage(await replaced.text());
    expect(replaced.headers.get('Content-Security-Policy')).toBe(
      `script-src 'nonce-${hostNonce}'; style-src 'nonce-${hostNonce}'`,
    );

    // The option, for a host whose nonce comes from elsewhere; a malformed one is left out, and said so.
    const fromOption = async (nonce: string) =>
      createTestHost(database.db, LIST, { nonce: () => nonce }).request(LIST, { headers: { [ORG_HEADER]: ORG_A } });
    const own = await fromOption('c2VjcmV0-_x');
    expect(nonceOfPage(await own.text())).toBe('c2VjcmV0-_x');
    expect(parsePolicy(own.headers.get('Content-Security-Policy')).get('script-src')).toEqual(["'self'", "'nonce-c2VjcmV0-_x'"]);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const bad = await fromOption("x'; script-src 'unsafe-inline");
      expect(bad.status).toBe(200);
      expect(await bad.text()).not.toContain('nonce');
      expect(bad.headers.get('Content-Security-Policy')).not.toMatch(/nonce|unsafe/);
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('nonce'), expect.any(String));
    } finally {
      logged.mockRestore();
    }
  });

  it('keeps a policy the host set before it answers, on every kind of response; one set after replaces its own', async () => {
    const HOST_POLICY = "default-src 'self'; style-src 'self' 'sha256-host'";
    const before = new Hono<ExecutionsAdminEnv>();
    before.use('*', async (c, next) => {
      c.header('Content-Security-Policy', HOST_POLICY);
      if (c.req.header(ORG_HEADER)) c.set('organizationId', ORG_A);
      await next();
    });
    before.route(LIST, createExecutionsAdmin({ db: database.db }));
    const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      before.request(path, { method, headers: { [ORG_HEADER]: ORG_A, ...headers } });
    const page = await get(LIST);
    const script = (await page.text()).match(/<script src="([^"]+)"/)?.[1] ?? '';
    const responses = {
      page,
      fragment: await get(`${LIST}?status=failed`, htmxHeaders),
      conversation: await get(`${LIST}/conversations/${fixtureRuns()[1]!.conversationId}`),
      'not found': await get(`${LIST}/conversations/not-a-uuid`),
      'signed out (401)': await before.request(LIST),
      HEAD: await get(LIST, {}, 'HEAD'),
      csv: await get(`${LIST}/export.csv`),
      script: await get(script),
    };
    for (const [name, res] of Object.entries(responses)) {
      expect(res.headers.get('Content-Security-Policy'), name).toBe(HOST_POLICY);
      expect(res.headers.get('X-Content-Type-Options'), name).toBe('nosniff');
    }

    const after = new Hono<ExecutionsAdminEnv>();
    after.use('*', async (c, next) => {
      c.set('organizationId', ORG_A);
      await next();
      c.res.headers.set('Content-Security-Policy', HOST_POLICY);
    });
    after.route(LIST, createExecutionsAdmin({ db: database.db }));
    expect((await after.request(LIST)).headers.get('Content-Security-Policy')).toBe(HOST_POLICY);
  });

  it('exports the sources its pages load, known before any request', async () => {
    for (const options of [{}, { serveHtmx: false }]) {
      const sources = executionsAdminCsp(options);
      const res = await createTestHost(database.db, LIST, options).request(LIST, { headers: { [ORG_HEADER]: ORG_A } });
      const policy = parsePolicy(res.headers.get('Content-Security-Policy'));
      for (const [directive, list] of Object.entries(sources)) expect(policy.get(directive), directive).toEqual(list);
      const style = (await res.text()).match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
      expect(sources['style-src'][0]).toBe(sha256(style));
    }
  });

  it('lets through htmx 2’s indicator stylesheet, and only that, when the host loads its own htmx', async () => {
    const app = createTestHost(database.db, LIST, { serveHtmx: false });
    const res = await app.request(LIST, { headers: { [ORG_HEADER]: ORG_A } });
    const policy = parsePolicy(res.headers.get('Content-Security-Policy'));
    const style = (await res.text()).match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
    // The hash Chromium names when it blocks htmx 2.0.x's default indicator <style>.
    expect(policy.get('style-src')).toEqual([sha256(style), "'sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk='"]);
  });

  it('builds a policy with no unsafe source whatever the host adds to other directives', () => {
    const policy = contentSecurityPolicy(moduleCspSources(["'sha256-x'"]), {
      sources: { 'connect-src': ['https://api.example.com'] },
    });
    expect(policy).toContain("connect-src 'self' https://api.example.com");
    expect(policy).not.toMatch(/unsafe/);
  });
});

describe.skipIf(browserSkipReason !== null)(
  `the page under its policy in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let db: ExecutionsDatabase;
    const served = serveInChromium(async (database) => {
      db = database;
      await insertFixture(database);
      return createTestHost(database, LIST, { refreshSeconds: 1 }).fetch;
    });

    it('works through every htmx interaction with zero violations', async () => {
      const watched = await watchedContext(served.browser, { extraHTTPHeaders: { [ORG_HEADER]: ORG_A } });
      const page = await watched.newPage();
      const polls: number[] = [];
      page.on('response', (r) => {
        if (r.request().headers()['x-executions-refresh'] === 'true') polls.push(r.status());
      });
      const url = () => new URL(page.url());
      const stillSamePage = () =>
        page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
      try {
        await page.goto(served.origin + LIST);
        expect(await page.evaluate(() => (window as unknown as { htmx?: { version: string } }).htmx?.version)).toBe('4.0.1');
        // The inline stylesheet applied (allowed by its hash); htmx's indicator CSS adopted.
        expect(
          await page
            .locator('.xa-tag--red')
            .first()
            .evaluate((el) => getComputedStyle(el).backgroundColor),
        ).not.toBe('rgba(0, 0, 0, 0)');
        expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBeGreaterThanOrEqual(1);
        await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

        // Live refresh: unchanged polls are 304; a change is swapped in.
        await expect.poll(() => polls.filter((s) => s === 304).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
        const run = fixtureRuns()[2]!;
        const badge = page.locator('tbody tr').nth(2).locator('.xa-tag');
        expect(await badge.textContent()).toBe('Active');
        await db
          .update(executions)
          .set({ status: 'completed', finishedAt: new Date(run.startedAt.getTime() + 60_000) })
          .where(and(eq(executions.organizationId, ORG_A), eq(executions.id, run.id)));
        await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('Completed');
        expect(polls).toContain(200);

        // Paging, then a filter swap (back to page 1 of the filtered list).
        await page.click('#xa-page-next');
        await expect.poll(() => url().searchParams.get('page')).toBe('2');
        await page.selectOption('#xa-status', 'failed');
        await expect.poll(() => url().searchParams.get('status')).toBe('failed');
        await expect
          .poll(async () => new Set(await page.locator('tbody .xa-tag').allTextContents()))
          .toEqual(new Set(['Failed']));
        expect(url().searchParams.get('page')).toBeNull();
        expect(await stillSamePage()).toBe(true);

        // The error popover.
        const toggle = page.locator('.xa-error-toggle').first();
        const popover = page.locator(`#${await toggle.getAttribute('popovertarget')}`);
        await toggle.click();
        await expect.poll(() => popover.isVisible()).toBe(true);
        await page.keyboard.press('Escape');
        await page.mouse.move(0, 0);

        // The conversation, a tool call open.
        await page.locator('tbody a.xa-icon-link').first().click();
        await page.waitForURL(/\/conversations\//);
        const toolCall = page.locator('details.xa-tool-call').first();
        await toolCall.locator('summary').click();
        await expect.poll(() => toolCall.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);

        // Back to the filtered list, forward to the conversation, back again, then back within the
        // list's own history: from the filter to page 2.
        await page.goBack();
        await page.waitForURL((u) => u.pathname === LIST);
        expect(url().searchParams.get('status')).toBe('failed');
        await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(0);
        await page.goForward();
        await page.waitForURL(/\/conversations\//);
        await expect.poll(() => page.locator('details.xa-tool-call').count()).toBeGreaterThan(0);
        await page.goBack();
        await page.waitForURL((u) => u.pathname === LIST);
        await page.goBack();
        await expect.poll(() => url().searchParams.get('page')).toBe('2');
        expect(url().searchParams.get('status')).toBeNull();
        await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(0);

        expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });

        // The watch is live: an inline handler injected now is blocked, and reported.
        await page.evaluate(() => {
          const img = document.createElement('img');
          img.setAttribute('src', 'data:,x');
          img.setAttribute('onerror', 'window.__pwned = true');
          document.body.append(img);
        });
        await expect.poll(() => watched.problems.cspViolations.length).toBeGreaterThan(0);
        expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
      } finally {
        await watched.context.close();
      }
    });

    it('serves the demo host under the policy, its own inline stylesheet allowed by hash', async () => {
      const database = await openDatabase({});
      await database.migrate();
      await seedDemo(database.db, { runs: 60 });
      const server = await startServer(createDemoApp(database.db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }).fetch);
      const watched = await watchedContext(served.browser);
      try {
        const page = await watched.newPage();
        await page.goto(`${server.origin}${LIST}`);
        expect(await page.locator('.demo-sidebar').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
          'rgb(11, 12, 12)',
        );
        await page.selectOption('#xa-status', 'failed');
        await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('failed');
        await page.locator('tbody a.xa-icon-link').first().click();
        await page.waitForURL(/\/conversations\//);
        expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
      } finally {
        await watched.context.close();
        await server.close();
        await database.close();
      }
    });
  },
);
