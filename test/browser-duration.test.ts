/**
 * The Duration column and the conversation page's timeline chart in Chromium, with JavaScript on
 * and off: the spec's columns kept word for word with Duration beside them, a running run's dash
 * read as "Not finished", and a run's tool calls as bars on one axis — hostile names inert, bars
 * from hostile times kept on the axis, failed calls told apart by pattern in forced colours.
 */
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, serveInChromium } from './support/browser.js';
import { fixtureRuns, insertFixture, ORG_A, XSS } from './support/fixture.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const LIST = '/admin/executions';
/** Run 4 (Completed, 90 s) gets tool calls as a host's SQL might leave them. */
const HOSTILE_RUN = fixtureRuns()[4]!;

describe.skipIf(browserSkipReason !== null)(
  `the Duration column and the timeline chart in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    const served = serveInChromium(async (db) => {
      await insertFixture(db);
      const start = HOSTILE_RUN.startedAt.getTime();
      const call = (position: number, tool: string, endsAfterMs: number, durationMs: number | null, ok: boolean) =>
        sql`(${ORG_A}, ${HOSTILE_RUN.conversationId}::uuid, ${position}, 'tool_call', ${tool}, '{}'::jsonb, '{}'::jsonb, ${ok},
          ${durationMs}::int, ${new Date(start + endsAfterMs).toISOString()}::timestamptz)`;
      await db.execute(sql`insert into executions_admin.xa_steps
        (organization_id, conversation_id, position, kind, tool_name, tool_input, tool_output, ok, duration_ms, created_at)
        values ${sql.join(
          [
            call(1, XSS.agentName, 5_000, 4_000, true),
            call(2, XSS.title, 80_000, 60_000, false),
            // Out of order, before the run's start, with no duration, a negative one, none at all.
            call(3, 'before.start', -3_000, 1_000, true),
            call(4, 'no.duration', 30_000, null, true),
            call(5, 'negative.duration', 40_000, -5_000, true),
            call(6, 'instant', 85_000, 0, true),
          ],
          sql`, `,
        )}`);
      return createTestHost(db).fetch;
    });

    const open = async (path: string, javaScriptEnabled: boolean) => {
      const context = await served.browser.newContext({ javaScriptEnabled, extraHTTPHeaders: { [ORG_HEADER]: ORG_A } });
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(served.origin + path);
      return { page, dialogs };
    };
    const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();

    for (const javaScriptEnabled of [true, false]) {
      const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';

      it(`shows each run's duration beside the spec's columns, the dash of a running one read as Not finished (${mode})`, async () => {
        const { page } = await open(LIST, javaScriptEnabled);
        try {
          expect(await texts(page, '#xa-results thead th')).toEqual([
            'Agent',
            'Schedule',
            'Date/Time',
            'Status',
            'Duration',
            'Credits',
            'Actions',
          ]);
          const durations = await page.locator('#xa-results tbody td.xa-duration').evaluateAll((cells) =>
            cells.map((cell) => ({
              shown: [...cell.childNodes]
                .filter((n) => !(n instanceof Element && n.classList.contains('xa-visually-hidden')))
                .map((n) => n.textContent)
                .join(''),
              read: cell.querySelector('.xa-visually-hidden')?.textContent ?? cell.textContent,
              column: (cell as HTMLTableCellElement).cellIndex,
            })),
          );
          expect(durations).toHaveLength(20);
          const statuses = fixtureRuns()
            .slice(0, 20)
            .map((r) => r.status);
          expect(durations.map((d) => d.column)).toEqual(Array(20).fill(4));
          // The fixture's finished runs took 90 s; Active and Pending ones have not finished.
          expect(durations.map((d) => [d.shown, d.read])).toEqual(
            statuses.map((s) => (s === 'completed' || s === 'failed' ? ['1 min 30 s', '1 min 30 s'] : ['—', 'Not finished'])),
          );
          // Right-aligned on one line, as the other figures.
          const style = await page
            .locator('#xa-results tbody td.xa-duration')
            .first()
            .evaluate((cell) => [getComputedStyle(cell).textAlign, getComputedStyle(cell).whiteSpace]);
          expect(style).toEqual(['right', 'nowrap']);
        } finally {
          await page.context().close();
        }
      });

      it(`draws a run's tool calls on one axis from hostile times, names inert, each linking to its step (${mode})`, async () => {
        const { page, dialogs } = await open(`${LIST}/conversations/${HOSTILE_RUN.conversationId}`, javaScriptEnabled);
        try {
          expect(await page.locator('.xa-summary').textContent()).toContain('Duration1 min 30 s');
          const chart = page.locator('.xa-gantt');
          expect(await chart.locator('caption').textContent()).toBe('Tool calls over time: 6 calls in 1 min 34 s');
          expect(await chart.getAttribute('role')).toBe('region');
          expect(await chart.getAttribute('tabindex')).toBe('0');
          expect(await texts(page, '.xa-gantt thead th')).toEqual([
            'Tool',
            'Time, from −4.0 s to 1 min 30 s−4.0 s1 min 30 s',
            'Started after',
            'Duration',
          ]);
          const rows = await chart.locator('tbody tr').evaluateAll((trs) =>
            trs.map((tr) => {
              const cells = [...tr.querySelectorAll('td')];
              const rect = tr.querySelector('rect')!.getBoundingClientRect();
              const track = tr.querySelector('svg')!.getBoundingClientRect();
              return {
                tool: tr.querySelector('a')!.textContent,
                href: tr.querySelector('a')!.getAttribute('href'),
                startedAfter: cells[2]!.textContent,
                duration: cells[3]!.textContent,
                // Where the bar is drawn, as a share of its track.
                left: Math.round(((rect.left - track.left) / track.width) * 1000),
                width: Math.round((rect.width / track.width) * 1000),
              };
            }),
          );
          expect(rows.map(({ tool, href, startedAfter, duration }) => [tool, href, startedAfter, duration])).toEqual([
            [XSS.agentName, '#xa-step-1', '1.0 s', '4.0 s'],
            [XSS.title, '#xa-step-2', '20 s', '1 min'],
            ['before.start', '#xa-step-3', '−4.0 s', '1.0 s'],
            ['no.duration', '#xa-step-4', '30 s', '—Not recorded'],
            ['negative.duration', '#xa-step-5', '40 s', '—Not recorded'],
            ['instant', '#xa-step-6', '1 min 25 s', '0 ms'],
          ]);
          // The slow call is the longest bar; the axis runs from 4 s before the start to the finish.
          const widths = rows.map((r) => r.width);
          expect(Math.max(...widths)).toBe(widths[1]);
          expect(widths[1]).toBeGreaterThan(600);
          for (const row of rows) {
            expect(row.left).toBeGreaterThanOrEqual(0);
            expect(row.width).toBeGreaterThan(0);
            expect(row.left + row.width).toBeLessThanOrEqual(1001);
          }
          // The earliest call starts the axis (past the track's 1 px origin line).
          expect(rows[2]!.left).toBeLessThanOrEqual(3);
          // Hostile names are text: nothing ran, nothing injected.
          expect(dialogs).toEqual([]);
          expect(await page.locator('.xa-gantt img, .xa-gantt script').count()).toBe(0);

          await chart.locator('tbody a').nth(1).click();
          await expect.poll(() => new URL(page.url()).hash).toBe('#xa-step-2');
        } finally {
          await page.context().close();
        }
      });
    }

    it('tells a failed call from the others by pattern in forced colours, as the activity chart does', async () => {
      const { page } = await open(`${LIST}/conversations/${HOSTILE_RUN.conversationId}`, true);
      try {
        await page.emulateMedia({ forcedColors: 'active' });
        const fills = await page
          .locator('.xa-gantt rect')
          .evaluateAll((rects) => rects.map((r) => getComputedStyle(r).fill.replace(/"/g, '')));
        const canvasText = await page.evaluate(() => {
          const probe = document.createElement('span');
          probe.style.color = 'CanvasText';
          document.body.append(probe);
          return getComputedStyle(probe).color;
        });
        expect(fills[1]).toMatch(/url\(.*#xa-pattern-red\)/);
        expect(fills.filter((_, i) => i !== 1)).toEqual(Array(5).fill(canvasText));
        // The pattern is on the page, or the bar would paint nothing.
        expect(await page.locator('pattern#xa-pattern-red').count()).toBe(1);
      } finally {
        await page.context().close();
      }
    });
  },
);
