/**
 * What a screen reader hears and a keyboard meets, in Chromium: the table's caption read as one
 * phrase, the zone its times are in, each run's start in full, every row's controls named apart
 * even for runs of one schedule in one second, the conversation's scrollable JSON blocks named,
 * and an error closed with Escape staying closed. Names are Chromium's own, from its
 * accessibility tree.
 */
import { randomUUID } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { desc, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID } from '../src/demo/seed.js';
import { conversations, executions } from '../src/db/schema.js';
import { axeProblems } from './support/axe.js';
import { browserSkipReason, DEMO_DATA, serveInChromium } from './support/browser.js';

/** Runs of the newest run's schedule started in one second, 11:59:00 UTC… */
const SAME_SECOND_RUNS = 4;
/** …and in the same minute, each in a second of its own. */
const SAME_MINUTE_SECONDS = [17, 42];
/** The demo organization's. */
const ZONE = 'America/Sao_Paulo';
const TIMES_IN = 'Times in Brasilia Standard Time, UTC\u221203:00';

/** A start as the eye link's name should give it, worked out by date-fns: "20/11/2026 08:59:17 UTC−03:00". */
const fullStart = (iso: string) => {
  const local = new TZDate(Date.parse(iso), ZONE);
  return `${format(local, 'dd/MM/yyyy HH:mm:ss')} UTC${format(local, 'xxx').replace('-', '\u2212')}`;
};

/** Chromium's accessible names of the page's nodes of `role`. */
async function namesOf(page: Page, role: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    return nodes.filter((n) => n.role?.value === role && !n.ignored).map((n) => String(n.name?.value ?? ''));
  } finally {
    await cdp.detach();
  }
}

describe.skipIf(browserSkipReason !== null)(
  `names and keys in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(
      async (db) => {
        const [newest] = await db
          .select()
          .from(executions)
          .where(eq(executions.organizationId, DEMO_ORGANIZATION_ID))
          .orderBy(desc(executions.startedAt))
          .limit(1);
        const [conversation] = await db.select().from(conversations).where(eq(conversations.id, newest!.conversationId));
        const starts = [
          ...Array.from({ length: SAME_SECOND_RUNS }, (_, i) => Date.parse('2026-11-20T11:59:00Z') + i * 200),
          ...SAME_MINUTE_SECONDS.map((second) => Date.parse('2026-11-20T11:59:00Z') + second * 1000),
        ];
        for (const [i, start] of starts.entries()) {
          const startedAt = new Date(start);
          const conversationId = randomUUID();
          await db.insert(conversations).values({ ...conversation!, id: conversationId, createdAt: startedAt });
          await db.insert(executions).values({
            ...newest!,
            id: randomUUID(),
            conversationId,
            startedAt,
            status: 'failed',
            finishedAt: new Date(startedAt.getTime() + 60_000),
            errorMessage: `Timed out, attempt ${i}`,
            idempotencyKey: `same-minute-${i}`,
          });
        }
        return createDemoApp(db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' }).fetch;
      },
      { demo: DEMO_DATA },
    );

    const open = async (path: string) => {
      const page = await served.browser.newPage();
      await page.goto(served.origin + path);
      return page;
    };

    it('reads the caption as one phrase, with no space before its comma', async () => {
      const page = await open('/admin/executions?status=failed');
      try {
        const pages = (await page.locator('.xa-pagination__current [aria-hidden]').textContent())!.split(' / ')[1];
        const caption = `Executions, filtered by status Failed, newest first, page 1 of ${pages}`;
        expect(await namesOf(page, 'table')).toEqual([caption]);
        // The scrolling region around the table is named by the caption too.
        expect(await namesOf(page, 'region')).toContain(caption);
        // Sighted users see the one word.
        expect(await page.locator('#xa-caption [aria-hidden="true"]').textContent()).toBe('Executions');
      } finally {
        await page.close();
      }
    });

    it('names every row’s link and error button apart, runs of one schedule in one second included', async () => {
      const page = await open('/admin/executions');
      try {
        const links = (await namesOf(page, 'link')).filter((n) => n.startsWith('View conversation'));
        expect(links).toHaveLength(20);
        expect(new Set(links).size).toBe(links.length);
        // The run's id only where the second is shared; the minute alone is shared by two more.
        const alike = links.filter((n) => / 08:59:00 UTC\u221203:00, run [0-9a-f]{8}$/.test(n));
        expect(alike).toHaveLength(SAME_SECOND_RUNS);
        for (const second of SAME_MINUTE_SECONDS) {
          expect(links.filter((n) => n.endsWith(` 08:59:${second} UTC\u221203:00`))).toHaveLength(1);
        }
        const buttons = (await namesOf(page, 'button')).filter((n) => n.startsWith('Show error'));
        expect(buttons.length).toBeGreaterThanOrEqual(SAME_SECOND_RUNS + SAME_MINUTE_SECONDS.length);
        expect(new Set(buttons).size).toBe(buttons.length);
      } finally {
        await page.close();
      }
    });

    for (const javaScriptEnabled of [true, false]) {
      it(`says the zone once and gives every start in full, to the second, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
        const context = await served.browser.newContext();
        // Off as the accessibility suite has it: the module's script never loads, and axe can still run.
        if (!javaScriptEnabled) await context.route('**/assets/*.js', (route) => route.abort());
        try {
          const page = await context.newPage();
          await page.goto(`${served.origin}/admin/executions`);
          expect(await page.evaluate(() => 'htmx' in window)).toBe(javaScriptEnabled);
          const check = async () => {
            await expect.poll(() => page.getByText(TIMES_IN, { exact: true }).count()).toBe(1);
            expect(await page.getByText(TIMES_IN, { exact: true }).isVisible()).toBe(true);
            const rows = page.locator('#xa-results tbody tr');
            expect(await rows.count()).toBe(20);
            for (const row of await rows.all()) {
              const time = row.locator('time');
              const iso = (await time.getAttribute('datetime'))!;
              // The cell shows the spec's minutes; the link, focusable, names the start in full.
              expect(await time.textContent()).toBe(fullStart(iso).slice(0, 16));
              const schedule = await row.locator('td').nth(1).textContent();
              const name = `View conversation: ${schedule}, ${fullStart(iso)}`;
              const link = row.getByRole('link', { name, exact: false });
              expect(await link.count(), name).toBe(1);
            }
            expect(await axeProblems(page)).toEqual([]);
          };
          await check();
          // A filter changes the table, not what its times are in.
          await page.selectOption('#xa-status', 'failed');
          if (!javaScriptEnabled) await page.click('button:has-text("Apply")');
          await page.waitForURL(/status=failed/);
          await check();
        } finally {
          await context.close();
        }
      });
    }

    it('gives a conversation’s start to the second, in the zone it names', async () => {
      const page = await open('/admin/executions');
      try {
        const first = page.locator('#xa-results tbody tr').first();
        const iso = (await first.locator('time').getAttribute('datetime'))!;
        await first.getByRole('link').click();
        await page.waitForURL(/\/conversations\//);
        expect(await page.getByText(TIMES_IN, { exact: true }).isVisible()).toBe(true);
        const started = page.locator('.xa-summary time').first();
        expect(await started.getAttribute('datetime')).toBe(iso);
        expect(await started.textContent()).toBe(fullStart(iso).slice(0, 19));
        expect(await axeProblems(page)).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('keeps an error closed with Escape closed, however soon after Enter', async () => {
      const page = await open('/admin/executions?status=failed');
      try {
        const toggles = page.locator('.xa-error-toggle');
        const popoverOf = async (i: number) => page.locator(`#${await toggles.nth(i).getAttribute('popovertarget')}`);
        const popover = await popoverOf(0);
        await toggles.nth(0).focus();
        await page.keyboard.press('Enter');
        await expect.poll(() => popover.isVisible()).toBe(true);
        await page.keyboard.press('Escape');
        await expect.poll(() => popover.isVisible()).toBe(false);
        // Past the browser's delay for showing interest on focus.
        await page.waitForTimeout(1200);
        expect(await popover.isVisible()).toBe(false);
        // Hover still reveals an error, and focus that rests on a button still does.
        const hovered = await popoverOf(1);
        await toggles.nth(1).hover();
        await expect.poll(() => hovered.isVisible()).toBe(true);
        await page.mouse.move(0, 0);
        await toggles.nth(2).focus();
        await expect.poll(async () => (await popoverOf(2)).isVisible()).toBe(true);
      } finally {
        await page.close();
      }
    });

    it('names each scrollable JSON block of a conversation by what it holds and its tool', async () => {
      const page = await open('/admin/executions?status=failed');
      try {
        // A seeded run's (the newest few, added here, have no steps).
        await page.locator('#xa-results tbody a.xa-icon-link').last().click();
        await page.waitForURL(/\/conversations\//);
        const blocks = page.locator('pre.xa-payload');
        expect(await blocks.count()).toBeGreaterThan(1);
        expect(await blocks.evaluateAll((pres) => pres.every((p) => (p as HTMLElement).tabIndex === 0))).toBe(true);
        // A closed call's blocks are out of the accessibility tree: open them all.
        await page
          .locator('details.xa-tool-call')
          .evaluateAll((calls) => calls.forEach((call) => ((call as HTMLDetailsElement).open = true)));
        const names = await namesOf(page, 'group');
        const tools = await page.locator('.xa-tool-call__name').allTextContents();
        const expected = tools.flatMap((t) => {
          const tool = t.replace(/^Tool call: /, '');
          return [`Input sent to ${tool}`, `Response received from ${tool}`];
        });
        expect(names.filter((n) => /^(Input sent to|Response received from) /.test(n))).toEqual(expected);
      } finally {
        await page.close();
      }
    });
  },
);
