/**
 * Stored XSS, in real Chromium under the module's Content-Security-Policy: a corpus of payloads
 * recorded through the write API as agent names, schedule names and expressions, prompts, tool
 * names, tool inputs and outputs, responses and error messages. In the list (page and htmx
 * swaps), the revealed error popover and the conversation view with every tool call open, each
 * payload shows as the text it is — and nothing runs: no `window.__pwned`, no dialog, no CSP
 * violation, no element or attribute the module's own markup does not have. In the CSV export
 * each comes back, cell for cell, as the value stored (a formula behind a `'`), and the file is a
 * download that Chromium never renders.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { PAGE_SIZE } from '../src/list/query.js';
import { PAGE_TITLE_LENGTH } from '../src/list/run-columns.js';
import {
  markActive,
  recordFinishedRuns,
  recordToolCall,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
  type FinishedRunInput,
} from '../src/write/recorder.js';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { readCsv, spreadsheetText } from './support/csv.js';
import { watchedContext, type WatchedContext } from './support/page-watch.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';
import {
  forgeRunTitle,
  megabyteText,
  SQL_PAYLOADS,
  sqlRunFailed,
  sqlToolInput,
  sqlToolOutput,
  sqlUuid,
  writeMegabyteRun,
  writeSqlCorpus,
} from './support/sql-corpus.js';
import { XSS_PAYLOADS } from './support/xss-corpus.js';

const ORG = 'xss-org';
const LIST = '/admin/executions';
const BASE_TIME = Date.parse('2026-03-20T12:00:00Z');
const uuid = (group: number, n: number) =>
  `00000000-0000-4000-8${group.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;

/** Run i carries payload i everywhere and started i + 1 hours before BASE_TIME: it is row i of the list. */
const toolInput = (payload: string) => ({ payload, nested: [payload, { [payload]: payload }] });
const toolOutput = (payload: string) => ({ html: payload, json: JSON.stringify({ payload }) });
const isFailed = (i: number) => i % 4 !== 3;

async function recordCorpus(db: ExecutionsDatabase): Promise<void> {
  await upsertOrganization(db, ORG, { name: 'XSS corpus', timeZone: 'UTC' });
  const runs: FinishedRunInput[] = [];
  for (const [i, payload] of XSS_PAYLOADS.entries()) {
    await upsertAgent(db, ORG, { agentId: uuid(1, i), name: payload });
    await upsertSchedule(db, ORG, {
      scheduleId: uuid(2, i),
      agentId: uuid(1, i),
      name: payload,
      kind: 'cron',
      expression: payload,
    });
    const startedAt = new Date(BASE_TIME - (i + 1) * 3_600_000);
    runs.push({
      key: `run-${i}`,
      scheduleId: uuid(2, i),
      prompt: payload,
      startedAt,
      toolCalls: [
        {
          toolName: payload,
          input: toolInput(payload),
          output: toolOutput(payload),
          ok: !isFailed(i),
          durationMs: 300,
          at: startedAt,
        },
      ],
      outcome: isFailed(i) ? { status: 'failed', errorMessage: payload } : { status: 'completed', response: payload },
      finishedAt: new Date(startedAt.getTime() + 5_000),
      credits: 1,
    });
  }
  await recordFinishedRuns(db, ORG, runs);
  // One run still going, older than all: the last page polls, and payloads arrive through the poll.
  const live = await startExecution(db, ORG, {
    key: 'live',
    scheduleId: uuid(2, 0),
    prompt: XSS_PAYLOADS[0]!,
    startedAt: new Date(BASE_TIME - 1_000 * 3_600_000),
  });
  await markActive(db, ORG, live.executionId);
  await recordToolCall(db, ORG, live.executionId, {
    key: 'tool',
    toolName: XSS_PAYLOADS[1]!,
    input: toolInput(XSS_PAYLOADS[2]!),
    output: toolOutput(XSS_PAYLOADS[3]!),
    ok: true,
    durationMs: 10,
  });
}

/** The list, newest first: payload i is row i, then the live run under payload 0's agent and schedule. */
const LISTED = [...XSS_PAYLOADS, XSS_PAYLOADS[0]!];
const PAGES = Array.from({ length: Math.ceil(LISTED.length / PAGE_SIZE) }, (_, p) =>
  LISTED.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE),
);

/** Text as the DOM holds it: HTML parsing turns every CR and CRLF into LF (newline normalisation). */
const asParsed = (text: string) => text.replace(/\r\n?/g, '\n');

/** Every tag and attribute the module's own markup uses; anything else came from data. */
const OWN_TAGS = new Set(
  (
    'html head meta title link style script body a main div h1 h2 h3 h4 p form label select option input button ' +
    'span strong table caption thead tbody tr th td time nav svg defs pattern symbol use path rect dl dt dd ol ul li details summary pre code figure figcaption'
  ).split(' '),
);

interface Audit {
  pwned: unknown;
  foreignTags: string[];
  handlers: string[];
  scriptUrls: string[];
  inlineScripts: number;
}

async function audit(page: Page): Promise<Audit> {
  return page.evaluate(
    (ownTags) => {
      // Runs in the page, so defined here. A URL as a browser reads its scheme: white space and
      // control characters do not count.
      // eslint-disable-next-line no-control-regex
      const unspaced = (url: string) => url.replace(/[\s\u0000-\u001f]/g, '');
      const elements = [...document.querySelectorAll('*')];
      const attributes = elements.flatMap((el) => [...el.attributes].map((a) => ({ el, name: a.name, value: a.value })));
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        foreignTags: [...new Set(elements.map((el) => el.localName).filter((tag) => !ownTags.includes(tag)))],
        handlers: attributes.filter((a) => /^on/i.test(a.name)).map((a) => `${a.el.localName}[${a.name}]`),
        scriptUrls: attributes
          // An input's value is form data, never loaded or run: a failure filter carries its tool name there.
          .filter((a) => !(a.el.localName === 'input' && a.name === 'value'))
          .filter((a) => /^(javascript|data|vbscript):/i.test(unspaced(a.value)) && a.name !== 'href')
          .concat(attributes.filter((a) => a.name === 'href' && /^(javascript|vbscript):/i.test(unspaced(a.value))))
          .map((a) => `${a.el.localName}[${a.name}=${a.value}]`),
        inlineScripts: document.querySelectorAll('script:not([src])').length,
      };
    },
    [...OWN_TAGS],
  );
}

/** Nothing ran, nothing was blocked, and the DOM holds only the module's own kinds of nodes. */
const expectInert = async (page: Page, watched: WatchedContext, where: string) => {
  const found = await audit(page);
  expect(found.pwned, `${where}: a payload ran`).toBeUndefined();
  expect(found.foreignTags, where).toEqual([]);
  expect(found.handlers, where).toEqual([]);
  expect(found.scriptUrls, where).toEqual([]);
  expect(found.inlineScripts, where).toBe(0);
  expect(watched.problems, where).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [], dialogs: [] });
};

/** Each row shows its run's payload, verbatim, as text — in cells and in an attribute. */
const expectRowsAsText = async (page: Page, expected: readonly string[]) => {
  const rows = await page.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      agent: tr.querySelector('td')?.textContent ?? '',
      schedule: tr.querySelectorAll('td')[1]?.textContent ?? '',
      label: tr.querySelector('.xa-error-toggle')?.getAttribute('aria-label') ?? null,
    })),
  );
  expect(rows.map((r) => r.agent)).toEqual(expected.map(asParsed));
  expect(rows.map((r) => r.schedule)).toEqual(expected.map(asParsed));
  for (const [k, row] of rows.entries()) {
    // A breakout would have cut the label short.
    if (row.label !== null) expect(row.label.startsWith(`Show error: ${asParsed(expected[k]!)}, `)).toBe(true);
  }
};

/** Opens every error popover on the page in turn: each shows its payload as text, inertly. */
const revealErrors = async (page: Page, watched: WatchedContext, expected: readonly string[]) => {
  const rows = page.locator('tbody tr');
  let revealed = 0;
  for (let k = 0; k < (await rows.count()); k += 1) {
    const toggle = rows.nth(k).locator('.xa-error-toggle');
    if ((await toggle.count()) === 0) continue;
    const popover = page.locator(`#${await toggle.getAttribute('popovertarget')}`);
    await toggle.click();
    await expect.poll(() => popover.isVisible()).toBe(true);
    expect(await popover.locator('.xa-error-popover__text').textContent()).toBe(asParsed(expected[k]!));
    await expectInert(page, watched, `error popover of row ${k}`);
    await page.keyboard.press('Escape');
    // Off the button, or hovering it would show the error again (interestfor).
    await page.mouse.move(0, 0);
    await expect.poll(() => popover.isVisible()).toBe(false);
    revealed += 1;
  }
  expect(revealed).toBeGreaterThan(0);
};

describe.skipIf(browserSkipReason !== null)(
  `stored XSS in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => {
      await recordCorpus(db);
      return createTestHost(db, LIST, { refreshSeconds: 1 }).fetch;
    });

    const open = async (): Promise<{ watched: WatchedContext; page: Page }> => {
      const watched = await watchedContext(served.browser, { extraHTTPHeaders: { [ORG_HEADER]: ORG } });
      return { watched, page: await watched.newPage() };
    };

    it('keeps every payload inert in the list, its htmx swaps, its live refresh and the revealed errors', async () => {
      const { watched, page } = await open();
      try {
        const polls: number[] = [];
        page.on('response', (r) => {
          if (r.request().headers()['x-executions-refresh'] === 'true') polls.push(r.status());
        });
        await page.goto(served.origin + LIST);
        await expectInert(page, watched, 'list, page 1');
        await expectRowsAsText(page, PAGES[0]!);
        await revealErrors(page, watched, PAGES[0]!);

        for (const [p, expected] of PAGES.entries()) {
          if (p === 0) continue;
          await page.click('#xa-page-next');
          await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe(String(p + 1));
          await expectInert(page, watched, `list, page ${p + 1} swapped in`);
          await expectRowsAsText(page, expected);
          await revealErrors(page, watched, expected);
        }
        // The last page shows the live run: its polls swap the region too.
        await expect.poll(() => polls.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
        await expectInert(page, watched, 'after live refresh polls');

        // Filtering by a hostile agent swaps the region and retitles the page with its name.
        for (const i of [0, 2, 4, 12, 13, 15, 31, 40]) {
          const payload = XSS_PAYLOADS[i]!;
          await page.selectOption('#xa-agent', `00000000-0000-4000-8001-${i.toString(16).padStart(12, '0')}`);
          await expect
            .poll(() => page.locator('tbody tr td:first-child').allTextContents())
            .toEqual((i === 0 ? [payload, payload] : [payload]).map(asParsed));
          await expectInert(page, watched, `filtered by agent ${i}`);
          if (isFailed(i)) await revealErrors(page, watched, [payload]);
        }
      } finally {
        await watched.context.close();
      }
    });

    it('keeps every payload inert in the conversation view, every tool call open', async () => {
      const { watched, page } = await open();
      try {
        const hrefs: string[] = [];
        for (const p of PAGES.keys()) {
          await page.goto(`${served.origin}${LIST}?page=${p + 1}`);
          hrefs.push(
            ...(await page.locator('tbody a.xa-icon-link').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))),
          );
        }
        expect(hrefs).toHaveLength(LISTED.length);
        for (const [i, payload] of XSS_PAYLOADS.entries()) {
          await page.goto(served.origin + hrefs[i]!);
          // The first failed tool call opens by itself: open the others.
          for (const summary of await page.locator('details:not([open]) > summary').all()) await summary.click();
          expect(await page.locator('details.xa-tool-call:not([open])').count()).toBe(0);
          await expectInert(page, watched, `conversation of run ${i}`);
          expect(await page.locator('h1').textContent()).toBe(asParsed(payload));
          expect(await page.locator('.xa-tool-call__name').textContent()).toBe(`Tool call: ${asParsed(payload)}`);
          const [input, output] = await page.locator('.xa-tool-call pre').allTextContents();
          expect(JSON.parse(input ?? '')).toEqual(toolInput(payload));
          expect(JSON.parse(output ?? '')).toEqual(toolOutput(payload));
          const texts = await page.locator('.xa-step .xa-prose').allTextContents();
          expect(texts).toEqual([payload, payload].map(asParsed));
        }
      } finally {
        await watched.context.close();
      }
    });

    it('keeps every payload inert in the failure digest and the lists it links to', async () => {
      const { watched, page } = await open();
      try {
        await page.goto(`${served.origin}${LIST}/failures`);
        await expectInert(page, watched, 'failure digest');
        const tools = await page.locator('tbody tr td:first-child').allTextContents();
        const failedTools = XSS_PAYLOADS.filter((_, i) => isFailed(i)).map(asParsed);
        expect([...tools].sort()).toEqual([...failedTools].sort());
        const hrefs = await page.locator('tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
        for (const href of hrefs) {
          await page.goto(served.origin + href);
          await expectInert(page, watched, `the list narrowed to ${href}`);
          expect(await page.locator('#xa-results tbody tr').count()).toBe(1);
          // The failure named once, as text, in the selected filters.
          expect(await page.locator('#xa-applied a', { hasText: 'Failure:' }).count()).toBe(1);
        }
      } finally {
        await watched.context.close();
      }
    });

    /** Cell for cell, the values stored: every record whole, a formula behind its `'`. */
    const expectStoredCells = (body: string) => {
      const [header, ...rows] = readCsv(body);
      expect(header).toHaveLength(9);
      // A quote or line break that escaped its cell would have forged, split or merged records.
      expect(rows.map((r) => r.length)).toEqual(LISTED.map(() => 9));
      expect(rows.map((r) => r[0])).toEqual(LISTED.map(spreadsheetText));
      expect(rows.map((r) => r[1])).toEqual(LISTED.map(spreadsheetText));
      const errors = LISTED.map((payload, i) => (i < XSS_PAYLOADS.length && isFailed(i) ? spreadsheetText(payload) : ''));
      expect(rows.map((r) => r[5])).toEqual(errors);
      expect(rows.filter((r) => r[0]!.startsWith("'")).length, 'formulas defused').toBeGreaterThanOrEqual(6);
    };

    it('keeps every payload inert in the CSV: quoted as stored, a download Chromium never renders', async () => {
      const csvUrl = `${served.origin}${LIST}/export.csv`;
      const res = await fetch(csvUrl, { headers: { [ORG_HEADER]: ORG } });
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('Content-Disposition')).toMatch(/^attachment; filename="executions-\d{4}-\d{2}-\d{2}\.csv"$/);
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expectStoredCells(await res.text());

      const { watched, page } = await open();
      try {
        await page.goto(served.origin + LIST);
        const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.click('#xa-csv')]);
        expectStoredCells(await readFile(await download.path(), 'utf8'));
        expect(page.url(), 'Download CSV leaves the list where it is').toBe(served.origin + LIST);
        await expectInert(page, watched, 'list after Download CSV');

        // Opened directly, the URL is a download: no document is made of it.
        const direct = await watched.newPage();
        const [again] = await Promise.all([
          direct.waitForEvent('download', { timeout: 10_000 }),
          direct.goto(csvUrl).catch(() => null),
        ]);
        expect(again.suggestedFilename()).toMatch(/^executions-\d{4}-\d{2}-\d{2}\.csv$/);
        expect(direct.url()).toBe('about:blank');
        await expectInert(direct, watched, 'CSV URL opened');

        // Even were the attachment header lost (a proxy dropping it), text/csv under nosniff is
        // still a download, never a document.
        const bare = await watched.newPage();
        await bare.route('**/export.csv', async (route) => {
          const response = await route.fetch();
          const { 'content-disposition': _attachment, ...headers } = response.headers();
          await route.fulfill({ response, headers });
        });
        const [anyway] = await Promise.all([
          bare.waitForEvent('download', { timeout: 10_000 }),
          bare.goto(csvUrl).catch(() => null),
        ]);
        expectStoredCells(await readFile(await anyway.path(), 'utf8'));
        expect(bare.url()).toBe('about:blank');
        await expectInert(bare, watched, 'CSV URL without its attachment header');
      } finally {
        await watched.context.close();
      }
    });
  },
);

const SQL_ORG = 'sql-org';
const MEGA_ORG = 'mega-org';
/** Run 1's copy of its title, forged with the triggers off: the list and CSV show it, not payload 1. */
const FORGED = { run: 1, title: XSS_PAYLOADS[12]! };
const SQL_PAGES = Array.from({ length: Math.ceil(SQL_PAYLOADS.length / PAGE_SIZE) }, (_, p) =>
  SQL_PAYLOADS.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE).map((payload, k) => ({ i: p * PAGE_SIZE + k, payload })),
);
/** Whitespace as a reader sees it: the view may trim or collapse a blank or multi-line value. */
const squashed = (text: string) => asParsed(text).replace(/\s+/g, ' ').trim();
/** As the list shows a stored text: its first `length` characters (code points), and an ellipsis if it goes on. */
const listed = (text: string, length: number) => {
  const points = Array.from(text);
  return points.length > length ? `${points.slice(0, length).join('')}…` : text;
};
const scheduleOf = (i: number) => (i === FORGED.run ? FORGED.title : SQL_PAYLOADS[i]!);

/** Fails with `what` when `work` has not finished in `ms`: a frozen tab never answers. */
async function inTime<T>(ms: number, what: string, work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms (the tab froze or crawled)`)), ms);
  });
  try {
    const value = await Promise.race([work, timeout]);
    return { value, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(browserSkipReason !== null)(
  `stored XSS written by plain SQL, in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const mega = megabyteText();
    let megaConversation = '';
    const served = serveInChromium(async (db) => {
      await writeSqlCorpus(db, { organizationId: SQL_ORG, baseTime: BASE_TIME });
      await forgeRunTitle(db, SQL_ORG, FORGED.run, FORGED.title);
      megaConversation = (await writeMegabyteRun(db, MEGA_ORG, mega, new Date(BASE_TIME - 3_600_000))).conversationId;
      return createTestHost(db, LIST, { refreshSeconds: 1 }).fetch;
    });

    const open = async (org = SQL_ORG): Promise<{ watched: WatchedContext; page: Page }> => {
      const watched = await watchedContext(served.browser, { extraHTTPHeaders: { [ORG_HEADER]: org } });
      return { watched, page: await watched.newPage() };
    };

    /** Each row shows its agent's name and its run's title as text, whitespace aside. */
    const expectSqlRows = async (page: Page, expected: { i: number; payload: string }[]) => {
      const rows = await page
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [tr.querySelector('td')?.textContent ?? '', tr.querySelectorAll('td')[1]?.textContent ?? '']),
        );
      expect(rows.map(([agent]) => squashed(agent!))).toEqual(expected.map(({ payload }) => squashed(listed(payload, 200))));
      expect(rows.map(([, schedule]) => squashed(schedule!))).toEqual(
        expected.map(({ i }) => squashed(listed(scheduleOf(i), 200))),
      );
    };

    /** Opens each error popover of the page: its text is the stored error, and nothing runs. */
    const revealSqlErrors = async (page: Page, watched: WatchedContext, expected: { i: number; payload: string }[]) => {
      const rows = page.locator('tbody tr');
      let revealed = 0;
      for (let k = 0; k < (await rows.count()); k += 1) {
        const toggle = rows.nth(k).locator('.xa-error-toggle');
        if ((await toggle.count()) === 0) continue;
        expect(sqlRunFailed(expected[k]!.i), `row ${k} has an error toggle`).toBe(true);
        const popover = page.locator(`#${await toggle.getAttribute('popovertarget')}`);
        await toggle.click();
        await expect.poll(() => popover.isVisible()).toBe(true);
        const text = (await popover.locator('.xa-error-popover__text').textContent()) ?? '';
        expect(squashed(text)).toBe(squashed(listed(expected[k]!.payload, 300)));
        await expectInert(page, watched, `error popover of SQL row ${expected[k]!.i}`);
        await page.keyboard.press('Escape');
        await page.mouse.move(0, 0);
        await expect.poll(() => popover.isVisible()).toBe(false);
        revealed += 1;
      }
      expect(revealed).toBeGreaterThan(0);
    };

    it('keeps SQL-written payloads inert in the list, its htmx swaps and the revealed errors', async () => {
      const { watched, page } = await open();
      try {
        await page.goto(served.origin + LIST);
        await expectInert(page, watched, 'SQL list, page 1');
        await expectSqlRows(page, SQL_PAGES[0]!);
        await revealSqlErrors(page, watched, SQL_PAGES[0]!);
        for (const [p, expected] of SQL_PAGES.entries()) {
          if (p === 0) continue;
          await page.click('#xa-page-next');
          await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe(String(p + 1));
          await expectInert(page, watched, `SQL list, page ${p + 1} swapped in`);
          await expectSqlRows(page, expected);
          await revealSqlErrors(page, watched, expected);
        }
        // Filtering by a hostile agent swaps the region and retitles the page with its name.
        for (const i of [0, 2, 12, 15, XSS_PAYLOADS.length, XSS_PAYLOADS.length + 2, XSS_PAYLOADS.length + 6]) {
          await page.selectOption('#xa-agent', sqlUuid(0x11, i));
          await expect
            .poll(async () => (await page.locator('tbody tr td:first-child').allTextContents()).map(squashed))
            .toEqual([squashed(listed(SQL_PAYLOADS[i]!, 200))]);
          await expectInert(page, watched, `SQL list filtered by agent ${i}`);
        }
      } finally {
        await watched.context.close();
      }
    });

    it('keeps SQL-written payloads inert in the conversation view, every tool call open', async () => {
      const { watched, page } = await open();
      try {
        for (const [i, payload] of SQL_PAYLOADS.entries()) {
          await page.goto(`${served.origin}${LIST}/conversations/${sqlUuid(0x13, i)}`);
          for (const summary of await page.locator('details:not([open]) > summary').all()) await summary.click();
          expect(await page.locator('details.xa-tool-call:not([open])').count()).toBe(0);
          await expectInert(page, watched, `SQL conversation of run ${i}`);
          // The run's page cuts a title as the list does, further on.
          if (i !== FORGED.run)
            expect(squashed((await page.locator('h1').textContent()) ?? '')).toBe(squashed(listed(payload, PAGE_TITLE_LENGTH)));
          expect(squashed((await page.locator('.xa-tool-call__name').textContent()) ?? '')).toBe(
            squashed(`Tool call: ${payload}`),
          );
          const payloads = page.locator('.xa-tool-call pre');
          // JSON as JSON; a bare string as the text it is. A field the page cuts short (it says so
          // after it) shows its start; its download is held to the stored value elsewhere.
          for (const [k, stored] of [sqlToolInput(payload, i), sqlToolOutput(payload, i)].entries()) {
            const shown = (await payloads.nth(k).textContent()) ?? '';
            const cut = await payloads.nth(k).evaluate((pre) => pre.nextElementSibling?.classList.contains('xa-cut') ?? false);
            if (cut) expect(shown.length).toBeGreaterThan(0);
            else if (typeof stored === 'string') expect(squashed(shown)).toBe(squashed(stored));
            else expect(JSON.parse(shown)).toEqual(stored);
          }
        }
      } finally {
        await watched.context.close();
      }
    });

    it('keeps SQL-written payloads inert in the failure digest and the lists it links to', async () => {
      const { watched, page } = await open();
      try {
        await page.goto(`${served.origin}${LIST}/failures`);
        await expectInert(page, watched, 'SQL failure digest');
        const hrefs = await page.locator('tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
        expect(hrefs.length).toBeGreaterThan(0);
        const empty: string[] = [];
        for (const href of hrefs) {
          await page.goto(served.origin + href);
          await expectInert(page, watched, `the SQL list narrowed to ${href}`);
          if ((await page.locator('#xa-results tbody tr').count()) === 0) empty.push(href);
        }
        // Each kind of failure the digest names lists its own runs.
        expect(empty, 'digest links whose list is empty').toEqual([]);
      } finally {
        await watched.context.close();
      }
    });

    it('exports SQL-written payloads as the values stored, one whole record each', async () => {
      const res = await fetch(`${served.origin}${LIST}/export.csv`, { headers: { [ORG_HEADER]: SQL_ORG } });
      expect(res.status).toBe(200);
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      const [header, ...rows] = readCsv(await res.text());
      expect(header).toHaveLength(9);
      expect(rows.map((r) => r.length)).toEqual(SQL_PAYLOADS.map(() => 9));
      expect(rows.map((r) => r[0])).toEqual(SQL_PAYLOADS.map(spreadsheetText));
      expect(rows.map((r) => r[1])).toEqual(SQL_PAYLOADS.map((_, i) => spreadsheetText(scheduleOf(i))));
      expect(rows.map((r) => r[5])).toEqual(SQL_PAYLOADS.map((p, i) => (sqlRunFailed(i) ? spreadsheetText(p) : '')));
    });

    it('keeps the list and a revealed 1 MB error usable and inert', async () => {
      const { watched, page } = await open(MEGA_ORG);
      try {
        const load = await inTime(5_000, 'list with a 1 MB error', page.goto(served.origin + LIST));
        console.log(`1 MB error: list loaded in ${load.ms.toFixed(0)} ms`);
        await expectInert(page, watched, 'list with a 1 MB error');
        const toggle = page.locator('tbody tr .xa-error-toggle');
        expect(await toggle.count()).toBe(1);
        const popover = page.locator(`#${await toggle.getAttribute('popovertarget')}`);
        const reveal = await inTime(
          3_000,
          'revealing the 1 MB error',
          (async () => {
            await toggle.click();
            await popover.waitFor({ state: 'visible' });
            // The tab paints and answers again.
            await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
          })(),
        );
        console.log(`1 MB error: revealed and painted in ${reveal.ms.toFixed(0)} ms`);
        const shown = await inTime(
          3_000,
          'reading the revealed 1 MB error',
          popover.locator('.xa-error-popover__text').textContent(),
        );
        // The first 300 characters, and the way to the whole error on the run's page.
        expect(shown.value).toBe(asParsed(listed(mega, 300)));
        expect(await popover.getByRole('link', { name: /^Show the full error/ }).getAttribute('href')).toBe(
          `${LIST}/conversations/${megaConversation}`,
        );
        await expectInert(page, watched, 'revealed 1 MB error');
        await inTime(3_000, 'closing the 1 MB error', page.keyboard.press('Escape'));
      } finally {
        await inTime(10_000, 'closing the browser context', watched.context.close()).catch(() => {});
      }
    });

    it('keeps a conversation with a 1 MB tool output and error usable and inert', async () => {
      const { watched, page } = await open(MEGA_ORG);
      try {
        const load = await inTime(
          10_000,
          'conversation with a 1 MB tool output',
          page.goto(`${served.origin}${LIST}/conversations/${megaConversation}`),
        );
        console.log(`1 MB tool output and error: conversation loaded in ${load.ms.toFixed(0)} ms`);
        await expectInert(page, watched, 'conversation with a 1 MB tool output');
        const opened = await inTime(
          5_000,
          'opening every tool call',
          (async () => {
            for (const summary of await page.locator('details:not([open]) > summary').all()) await summary.click();
            await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
          })(),
        );
        console.log(`1 MB tool output: tool calls opened in ${opened.ms.toFixed(0)} ms`);
        await expectInert(page, watched, 'conversation with its 1 MB tool output open');
      } finally {
        await inTime(10_000, 'closing the browser context', watched.context.close()).catch(() => {});
      }
    });
  },
);
