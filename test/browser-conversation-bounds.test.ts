/**
 * The conversation page with megabytes in every field, in real Chromium: a run with 10 MB
 * everywhere opens (its load event) within 2 s, and a megabyte of mixed characters and hostile
 * markup in every field shows as text, inertly, under the module's Content-Security-Policy.
 */
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { MIXED, recordHugeRuns, type HugeFixture } from './support/huge-conversation.js';
import { watchedContext } from './support/page-watch.js';
import { select } from './support/select.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';
import { XSS_PAYLOADS } from './support/xss-corpus.js';

const ORG = 'huge-org';
const HOSTILE_ORG = 'hostile-org';
const MOUNT = '/admin/executions';
const MAX_LOAD_MS = Number(process.env.CONVERSATION_MAX_LOAD_MS ?? 2000);
/** About 1 MB of every payload of the XSS corpus, between mixed characters. */
const HOSTILE = [MIXED, ...XSS_PAYLOADS].join('\n').repeat(Math.ceil(1_000_000 / [MIXED, ...XSS_PAYLOADS].join('\n').length));

const asParsed = (text: string) => text.replace(/\r\n?/g, '\n');

/** Nothing ran: no payload's marker, no element or attribute that could run script. */
async function audit(page: Page) {
  return page.evaluate(() => {
    const elements = [...document.querySelectorAll('*')];
    const attributes = elements.flatMap((el) =>
      [...el.attributes].map((a) => ({ el: el.localName, name: a.name, value: a.value })),
    );
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      // The page's own drawings — the timeline's bars, the defs of their patterns — are not the data's.
      foreign: [
        ...new Set(
          elements
            .filter((el) => !(el.matches('svg.xa-defs') || el.matches('td.xa-gantt__track > svg')))
            .map((el) => el.localName),
        ),
      ].filter((tag) =>
        ['img', 'svg', 'iframe', 'object', 'embed', 'math', 'button', 'input', 'b', 'body'].includes(tag)
          ? tag !== 'body'
          : false,
      ),
      handlers: attributes.filter((a) => /^on/i.test(a.name)).map((a) => `${a.el}[${a.name}]`),
      scriptUrls: attributes.filter((a) => /^\s*javascript:/i.test(a.value)).map((a) => `${a.el}[${a.name}]`),
      inlineScripts: document.querySelectorAll('script:not([src])').length,
    };
  });
}

describe.skipIf(browserSkipReason !== null)(
  `the conversation page's bounds in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    let runs: HugeFixture;
    let hostile: HugeFixture;
    const served = serveInChromium(async (db) => {
      runs = await recordHugeRuns(db, ORG, { manyCalls: 3 });
      hostile = await recordHugeRuns(db, HOSTILE_ORG, { size: 10, manyCalls: 1 });
      // A megabyte of hostile markup in every field of the failed run: text, JSON strings and keys.
      const where = sql`organization_id = ${HOSTILE_ORG} and conversation_id = ${hostile.failed.conversationId}::uuid`;
      await db.execute(sql`update executions_admin.xa_steps set content = ${HOSTILE} where ${where} and kind <> 'tool_call'`);
      await db.execute(
        sql`update executions_admin.xa_steps set tool_input = jsonb_build_object(${HOSTILE}::text, ${HOSTILE}::text), tool_output = to_jsonb(${HOSTILE}::text)
          where ${where} and kind = 'tool_call'`,
      );
      await db.execute(sql`update executions_admin.xa_executions set error_message = ${HOSTILE.slice(0, 20_000)} where ${where}`);
      const [row] = await select(
        db,
        sql`select count(*) as n from executions_admin.xa_steps where ${where} and octet_length(content) > 1000000`,
      );
      expect(Number(row!.n)).toBe(2);
      return createTestHost(db, MOUNT).fetch;
    });

    it('opens a run with 10 MB in every field within 2 s', async () => {
      const watched = await watchedContext(served.browser, { extraHTTPHeaders: { [ORG_HEADER]: ORG } });
      try {
        const page = await watched.newPage();
        const url = `${served.origin}${MOUNT}/conversations/${runs.failed.conversationId}`;
        // Once to warm up the server and the browser, then timed.
        await page.goto(url, { waitUntil: 'load' });
        const started = performance.now();
        await page.goto(url, { waitUntil: 'load', timeout: 20_000 });
        const ms = performance.now() - started;
        console.info(`[bounds] Chromium: 10 MB everywhere loaded in ${ms.toFixed(0)} ms`);
        expect(ms).toBeLessThanOrEqual(MAX_LOAD_MS);
        expect(await page.locator('.xa-cut').count()).toBe(9);
        expect(await page.locator('details[open] .xa-tool-call__name').textContent()).toBe('Tool call: bulk');
        expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
      } finally {
        await watched.context.close();
      }
    });

    it('shows a megabyte of hostile markup as text, inertly, and downloads it whole', async () => {
      const watched = await watchedContext(served.browser, { extraHTTPHeaders: { [ORG_HEADER]: HOSTILE_ORG } });
      try {
        const page = await watched.newPage();
        await page.goto(`${served.origin}${MOUNT}/conversations/${hostile.failed.conversationId}`);
        const closed = page.locator('details:not([open]) > summary');
        while ((await closed.count()) > 0) await closed.first().click();
        expect(await audit(page)).toEqual({ pwned: null, foreign: [], handlers: [], scriptUrls: [], inlineScripts: 0 });
        expect(watched.problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
        // The prompt's beginning, as the characters it is (HTML parsing turns CR and CRLF into LF).
        const prompt = (await page.locator('#xa-step-0 .xa-prose').textContent()) ?? '';
        expect(prompt.length).toBeGreaterThan(1000);
        expect(asParsed(HOSTILE).startsWith(prompt)).toBe(true);
        const output = (await page.locator('#xa-step-1 pre').nth(1).textContent()) ?? '';
        expect(asParsed(HOSTILE).startsWith(output)).toBe(true);
        const input = (await page.locator('#xa-step-1 pre').nth(0).textContent()) ?? '';
        expect(input.startsWith(`{\n  ${JSON.stringify(HOSTILE).slice(0, 200)}`)).toBe(true);

        // The prompt's link is a download of the whole, which Chromium does not render.
        const [download] = await Promise.all([
          page.waitForEvent('download', { timeout: 10_000 }),
          page.locator('#xa-step-0 .xa-cut a').click(),
        ]);
        expect(download.suggestedFilename()).toBe(`conversation-${hostile.failed.conversationId}-step-0-content.txt`);
        expect(await readFile(await download.path(), 'utf8')).toBe(HOSTILE);
        expect(await audit(page)).toEqual({ pwned: null, foreign: [], handlers: [], scriptUrls: [], inlineScripts: 0 });
      } finally {
        await watched.context.close();
      }
    });
  },
);
