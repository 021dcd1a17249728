/**
 * WCAG 2.2 AA in every state, checked by axe-core in Chromium (a colour-contrast result left
 * "incomplete" counts as a failure), and a journey made with the keyboard alone.
 */
import { Hono } from 'hono';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, type ExecutionsDatabase } from '../src/db/database.js';
import { schedules } from '../src/db/schema.js';
import { startExecution } from '../src/write/recorder.js';
import { createDemoApp } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { createExecutionsAdmin, type ExecutionsAdminEnv, type ExecutionsAdminOptions } from '../src/http/executions-admin.js';
import { en } from '../src/i18n/en.js';
import { ptBR } from '../src/i18n/pt-BR.js';
import { axeProblems } from './support/axe.js';
import { browserSkipReason, DEMO_DATA, serveInChromium } from './support/browser.js';

const LIST = '/admin/executions';

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/** Presses Tab (or Shift+Tab) until `selector` has focus; fails after `limit` presses. */
async function tabTo(page: Page, selector: string, { back = false, limit = 80 } = {}): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    await expectVisibleFocus(page);
  }
  throw new Error(`${selector} was not reached by ${back ? 'Shift+Tab' : 'Tab'}`);
}

/** The focused element shows an outline or a focus shadow, and nothing is drawn over it. */
async function expectVisibleFocus(page: Page): Promise<void> {
  const state = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { ok: true, what: 'body' };
    // Date inputs take focus per field inside their shadow tree; the input is what is styled.
    const style = getComputedStyle(el);
    const indicated = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    const box = el.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height / 2, 10));
    const covered = top !== null && top !== el && !el.contains(top) && !top.contains(el) && box.width > 0;
    return {
      ok: indicated && !covered,
      what: `${el.tagName}#${el.id}.${el.className} indicated=${indicated} covered=${covered}`,
    };
  });
  expect(state.ok, state.what).toBe(true);
}

describe.skipIf(browserSkipReason !== null)(`accessibility${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`, () => {
  const served = serveInChromium(async (db) => createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }).fetch, {
    demo: DEMO_DATA,
  });

  const open = async (path: string, options: Parameters<typeof served.browser.newContext>[0] = {}) => {
    const context = await served.browser.newContext(options);
    const page = await context.newPage();
    await page.goto(served.origin + path);
    return page;
  };

  /** A Failed run's conversation, with its tool calls on the timeline chart. */
  const openTimeline = async (page: Page) => {
    await page.goto(`${served.origin}${LIST}?status=failed`);
    await page.locator('tbody a.xa-icon-link').first().click();
    await page.waitForURL(/conversations/);
    expect(await page.locator('.xa-gantt tbody tr').count()).toBeGreaterThan(0);
  };

  const states: [string, (page: Page) => Promise<void>, Parameters<typeof served.browser.newContext>[0]?][] = [
    ['first load', async () => {}],
    [
      'filtered',
      async (page) => {
        await page.focus('#xa-status');
        await page.selectOption('#xa-status', 'failed');
        await page.waitForURL(/status=failed/);
      },
    ],
    [
      'an empty result',
      async (page) => {
        await page.goto(`${served.origin}${LIST}?start=2001-01-01&end=2001-01-02`);
        expect(await page.locator('.xa-empty').textContent()).toContain('No executions match these filters.');
        expect(await page.locator('.xa-empty a').textContent()).toContain('Clear filters');
      },
    ],
    [
      'page 2',
      async (page) => {
        await page.click('#xa-page-next');
        await page.waitForURL(/page=2/);
      },
    ],
    [
      'a Failed row’s error revealed',
      async (page) => {
        await page.goto(`${served.origin}${LIST}?status=failed`);
        await page.locator('.xa-error-toggle').first().click();
        await expect.poll(() => page.locator('.xa-error-popover:popover-open').count()).toBe(1);
      },
    ],
    [
      'the conversation view with a tool call expanded',
      async (page) => {
        await page.goto(`${served.origin}${LIST}?status=failed`);
        await page.locator('tbody a.xa-icon-link').first().click();
        await page.waitForURL(/conversations/);
        await page.locator('details.xa-tool-call summary').first().click();
      },
    ],
    [
      'credit spikes only, the chart’s figures shown',
      async (page) => {
        await page.goto(`${served.origin}${LIST}?spikes=1`);
        expect(await page.locator('.xa-flag--spike').count()).toBeGreaterThan(0);
        await page.click('#xa-chart > summary');
        await page.locator('.xa-activity__details summary').click();
        await expect.poll(() => page.locator('.xa-activity__details[open]').count()).toBe(1);
      },
    ],
    [
      'the failure digest',
      async (page) => {
        await page.click('#xa-digest');
        await page.waitForURL(/failures/);
        expect(await page.locator('tbody tr').count()).toBeGreaterThan(1);
      },
    ],
    [
      'one kind of failure, from the digest',
      async (page) => {
        await page.goto(`${served.origin}${LIST}/failures`);
        await page.locator('tbody a').first().click();
        await page.waitForURL(/error=/);
        expect(await page.locator('#xa-applied').textContent()).toContain('Failure:');
      },
    ],
    [
      'loading: a filter swap still on its way, its note shown',
      async (page) => {
        // The server's answer never comes while axe runs: the page stays in its loading state.
        await page.route(
          (url) => url.searchParams.get('status') === 'failed',
          () => new Promise<void>(() => {}),
        );
        await page.selectOption('#xa-status', 'failed');
        await expect.poll(() => page.locator('.xa-loading__text').isVisible()).toBe(true);
        expect(await page.locator('#xa-results').getAttribute('aria-busy')).toBe('true');
      },
    ],
    [
      'a conversation’s timeline chart, in forced colours',
      async (page) => {
        await openTimeline(page);
        await page.emulateMedia({ forcedColors: 'active' });
      },
    ],
    ['a 320 px wide viewport', async () => {}, { viewport: { width: 320, height: 640 } }],
    [
      'a 375 px wide viewport, filters applied, the form folded behind its button',
      async (page) => {
        await page.goto(`${served.origin}${LIST}?status=failed&spikes=1`);
        expect(await page.locator('#xa-filters-toggle').getAttribute('aria-expanded')).toBe('false');
        expect(await page.locator('#xa-filters').isVisible()).toBe(false);
        expect(await page.locator('#xa-applied a').count()).toBe(2);
      },
      { viewport: { width: 375, height: 667 } },
    ],
    [
      'a 375 px wide viewport, filters applied, the form unfolded',
      async (page) => {
        await page.goto(`${served.origin}${LIST}?status=failed&spikes=1`);
        await page.click('#xa-filters-toggle');
        expect(await page.locator('#xa-filters').isVisible()).toBe(true);
      },
      { viewport: { width: 375, height: 667 } },
    ],
    [
      'the activity chart opened, filters applied',
      async (page) => {
        await page.goto(`${served.origin}${LIST}?status=failed&start=2026-11-01`);
        await page.click('#xa-chart > summary');
        await expect.poll(() => page.locator('.xa-activity__chart').isVisible()).toBe(true);
      },
    ],
    [
      'forced colours',
      async (page) => {
        await page.emulateMedia({ forcedColors: 'active' });
      },
    ],
  ];

  for (const [state, reach, options] of states) {
    it(`has no WCAG 2.2 AA violations: ${state}`, async () => {
      const page = await open(LIST, options);
      try {
        await reach(page);
        expect(await axeProblems(page)).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }

  it('has no WCAG 2.2 AA violations: JavaScript off', async () => {
    // The page as delivered, its script never run (axe itself needs JavaScript to run).
    const context = await served.browser.newContext();
    await context.route('**/assets/*.js', (route) => route.abort());
    const page = await context.newPage();
    try {
      await page.goto(served.origin + LIST);
      expect(await page.evaluate(() => 'htmx' in window)).toBe(false);
      expect(await axeProblems(page)).toEqual([]);
      await page.setViewportSize({ width: 375, height: 667 });
      await page.goto(`${served.origin}${LIST}?status=failed&spikes=1`);
      expect(await page.locator('#xa-filters').isVisible()).toBe(true);
      await page.click('#xa-chart > summary');
      expect(await axeProblems(page)).toEqual([]);
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(served.origin + LIST);
      await page.selectOption('#xa-status', 'failed');
      await page.click('button:has-text("Apply")');
      await page.waitForURL(/status=failed/);
      expect(await axeProblems(page)).toEqual([]);
      await openTimeline(page);
      expect(await axeProblems(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('makes every target at least 24 × 24 CSS px', async () => {
    const page = await open(`${LIST}?status=failed&page=2`);
    try {
      const sizes = await page
        .locator('a.xa-icon-link, .xa-error-toggle, #xa-page-next, #xa-page-previous')
        .evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => Math.min(r.width, r.height)));
      expect(sizes.length).toBeGreaterThan(20);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(24);
    } finally {
      await page.context().close();
    }
  });

  it('can be used with the keyboard alone, focus always visible and never dropped on <body>', async () => {
    const page = await open(LIST);
    const keyboard = page.keyboard;
    try {
      // Skip link first, straight to the content.
      await keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
      await expectVisibleFocus(page);
      await keyboard.press('Enter');
      expect(await focusedId(page)).toBe('main');

      // Filters: Status to Failed with the arrow keys.
      await tabTo(page, '#xa-status');
      for (let i = 0; i < 4; i++) await keyboard.press('ArrowDown');
      await page.waitForURL(/status=failed/);
      await expect.poll(() => page.locator('tbody .xa-tag').first().textContent()).toBe('Failed');
      expect(await focusedId(page)).toBe('xa-status');

      // Into the results: reveal an error, close it with Escape.
      await tabTo(page, '.xa-error-toggle');
      const toggle = page.locator('.xa-error-toggle').first();
      expect(await toggle.evaluate((button) => button === document.activeElement)).toBe(true);
      await keyboard.press('Enter');
      await expect.poll(() => page.locator('.xa-error-popover:popover-open').count()).toBe(1);
      await keyboard.press('Escape');
      await expect.poll(() => page.locator('.xa-error-popover:popover-open').count()).toBe(0);
      expect(await toggle.evaluate((button) => button === document.activeElement)).toBe(true);

      // Next page: focus stays on the arrow.
      await tabTo(page, '#xa-page-next');
      await keyboard.press('Enter');
      await page.waitForURL(/page=2/);
      await expect.poll(() => page.locator('.xa-pagination__current [aria-hidden]').textContent()).toMatch(/^2 \//);
      expect(await focusedId(page)).toBe('xa-page-next');

      // Open a conversation, expand a tool call.
      await tabTo(page, 'tbody a.xa-icon-link', { back: true });
      await keyboard.press('Enter');
      await page.waitForURL(/conversations/);
      // The link jumped to the first failed tool call, opened; Tab on from there to a summary
      // (or back, when that call is the last) and toggle it with Enter.
      const isOpen = () => page.evaluate(() => (document.activeElement?.parentElement as HTMLDetailsElement).open);
      await tabTo(page, 'details.xa-tool-call summary', { back: true });
      const wasOpen = await isOpen();
      await keyboard.press('Enter');
      expect(await isOpen()).toBe(!wasOpen);

      // Back to the list, filters and page kept.
      await tabTo(page, '.xa-back-link', { back: true });
      await keyboard.press('Enter');
      await page.waitForURL((u) => u.pathname === LIST);
      const back = new URL(page.url()).searchParams;
      expect([back.get('status'), back.get('page')]).toEqual(['failed', '2']);
    } finally {
      await page.context().close();
    }
  });
});

describe.skipIf(browserSkipReason !== null)(
  `accessibility in each language${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const LANGUAGES = [
      ['en', en],
      ['pt-BR', ptBR],
    ] as const;
    let database: ExecutionsDatabase;
    // The module in its own document, mounted once per language and per state a page can be in.
    const served = serveInChromium(
      async (db) => {
        database = db;
        const closed = await openDatabase({});
        await closed.close();
        const app = new Hono<ExecutionsAdminEnv>();
        app.use('*', async (c, next) => {
          c.set('organizationId', DEMO_ORGANIZATION_ID);
          await next();
        });
        for (const [lang, messages] of LANGUAGES) {
          const mounts: Record<string, Omit<ExecutionsAdminOptions, 'messages'>> = {
            executions: { db },
            live: { db, refreshSeconds: 1 },
            'nothing-recorded': { db, organization: () => ({ id: 'an-organization-without-runs' }) },
            'signed-out': { db, organization: () => null },
            overloaded: { db, admission: { lists: { concurrent: 0, queued: 0 } } },
            failing: { db: closed.db },
          };
          for (const [path, options] of Object.entries(mounts)) {
            app.route(`/${lang}/${path}`, createExecutionsAdmin({ ...options, messages }));
          }
        }
        return app.fetch;
      },
      { demo: { ...DEMO_DATA, runs: 200 } },
    );

    const states: [string, string, ((page: Page) => Promise<void>)?][] = [
      ['the list with rows', '/executions'],
      ['the list filtered, with field errors', '/executions?status=failed&agent=nope&start=2026-02-30'],
      ['an empty result', '/executions?start=2001-01-01&end=2001-01-02'],
      ['nothing recorded yet', '/nothing-recorded'],
      ['the failure digest', '/executions/failures'],
      [
        'the conversation view with a tool call expanded',
        '/executions?status=failed',
        async (page) => {
          await page.locator('tbody a.xa-icon-link').first().click();
          await page.waitForURL(/conversations/);
          await page.locator('details.xa-tool-call summary').first().click();
        },
      ],
      ['a conversation not found', '/executions/conversations/00000000-0000-4000-8000-00000000dead'],
      ['signed out', '/signed-out'],
      ['the database overloaded', '/overloaded'],
      ['the database failing', '/failing'],
      [
        'live updates paused',
        '/live',
        async (page) => {
          await page.locator('#xa-live-toggle').click();
          expect(await page.locator('#xa-live-toggle').getAttribute('aria-pressed')).toBe('true');
        },
      ],
      [
        'the new-runs notice shown',
        '/live',
        async (page) => {
          const [schedule] = await database
            .select({ id: schedules.id })
            .from(schedules)
            .where(eq(schedules.organizationId, DEMO_ORGANIZATION_ID))
            .limit(1);
          const lang = await page.evaluate(() => document.documentElement.lang);
          await startExecution(database, DEMO_ORGANIZATION_ID, {
            key: `accessibility-new-run-${lang}`,
            scheduleId: schedule!.id,
            prompt: 'Arrived while the page was open',
          });
          await expect.poll(() => page.locator('#xa-new-runs a').count(), { timeout: 10_000 }).toBe(1);
        },
      ],
    ];

    for (const [lang] of LANGUAGES) {
      for (const [state, path, reach] of states) {
        it(`has no WCAG 2.2 AA violations in ${lang}: ${state}`, async () => {
          const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
          const context = await served.browser.newContext();
          try {
            const page = await context.newPage();
            await page.goto(`${served.origin}/${lang}${path}`);
            await reach?.(page);
            expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
            expect(await axeProblems(page)).toEqual([]);
          } finally {
            await context.close();
            logged.mockRestore();
          }
        });
      }
    }
  },
);
