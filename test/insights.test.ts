/**
 * The insight features end to end: runs recorded through the write API, read back over HTTP as a
 * person would see them — credit spikes, running long, the first failed tool and the jump to it,
 * the failure digest and its links, the activity chart and its links, totals with credits, and
 * the weekly review link in the organization's own calendar.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executions } from '../src/db/schema.js';
import {
  failExecution,
  recordFinishedRuns,
  recordToolCall,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
  type FinishedRunInput,
} from '../src/write/recorder.js';
import { localDay } from '../src/lib/time-zone.js';
import { addDays, format, parse } from 'date-fns';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { createTestHost, ORG_HEADER, parseDocument, text } from './support/test-host.js';

const ORG = 'org-insights';
// +14:00: its "today" and "the last 7 days" differ from UTC's for ten hours of every day.
const ZONE = 'Pacific/Kiritimati';
const AGENT_A = '0b0e8a52-0c5e-4b8f-9a37-1a9f0c2d3e01';
const AGENT_B = '0b0e8a52-0c5e-4b8f-9a37-1a9f0c2d3e02';
const SCHEDULE_A = '0b0e8a52-0c5e-4b8f-9a37-1a9f0c2d3e11';
const SCHEDULE_B = '0b0e8a52-0c5e-4b8f-9a37-1a9f0c2d3e12';
const MINUTE = 60_000;

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `insights on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let app: ReturnType<typeof createTestHost>;
      const now = Date.now();
      let key = 0;
      const history = (scheduleId: string, minutesAgo: number, credits: number, tookMs = MINUTE): FinishedRunInput => ({
        key: `k${key++}`,
        scheduleId,
        prompt: 'Run',
        startedAt: new Date(now - minutesAgo * MINUTE),
        toolCalls: [],
        outcome: { status: 'completed', response: 'Done' },
        finishedAt: new Date(now - minutesAgo * MINUTE + tookMs),
        credits,
      });
      let spikeConversation = '';
      let failedConversation = '';

      beforeAll(async () => {
        database = await target.open();
        const { db } = database;
        app = createTestHost(db);
        await upsertOrganization(db, ORG, { name: 'Insights', timeZone: ZONE });
        await upsertAgent(db, ORG, { agentId: AGENT_A, name: 'Reporter' });
        await upsertAgent(db, ORG, { agentId: AGENT_B, name: 'Syncer' });
        await upsertSchedule(db, ORG, {
          scheduleId: SCHEDULE_A,
          agentId: AGENT_A,
          name: 'Daily report',
          kind: 'cron',
          expression: '0 9 * * *',
        });
        await upsertSchedule(db, ORG, {
          scheduleId: SCHEDULE_B,
          agentId: AGENT_B,
          name: 'Calendar sync',
          kind: 'interval',
          expression: 'PT1H',
        });
        // Ten ordinary runs each: 2 credits (A) or 1 credit (B), one minute long; then a spike of 9 for A.
        await recordFinishedRuns(
          db,
          ORG,
          Array.from({ length: 10 }, (_, i) => history(SCHEDULE_A, 300 - i * 10, 2)),
        );
        await recordFinishedRuns(
          db,
          ORG,
          Array.from({ length: 10 }, (_, i) => history(SCHEDULE_B, 300 - i * 10, 1)),
        );
        const [spike] = await recordFinishedRuns(db, ORG, [history(SCHEDULE_A, 150, 9)]);
        spikeConversation = spike!.conversationId;
        // Two failures at the same tool with errors that differ only in the user's number.
        for (const [scheduleId, user] of [
          [SCHEDULE_A, 123],
          [SCHEDULE_B, 45678],
        ] as const) {
          const run = await startExecution(db, ORG, {
            key: `k${key++}`,
            scheduleId,
            prompt: 'Sync',
            status: 'active',
            startedAt: new Date(now - (100 + (user % 7)) * MINUTE),
          });
          await recordToolCall(db, ORG, run.executionId, {
            key: `k${key++}`,
            toolName: 'search',
            input: {},
            output: {},
            ok: true,
            durationMs: 5,
          });
          await recordToolCall(db, ORG, run.executionId, {
            key: `k${key++}`,
            toolName: 'google_calendar',
            input: {},
            output: { error: 'expired' },
            ok: false,
            durationMs: 5,
          });
          await recordToolCall(db, ORG, run.executionId, {
            key: `k${key++}`,
            toolName: 'gmail',
            input: {},
            output: {},
            ok: false,
            durationMs: 5,
          });
          await failExecution(db, ORG, run.executionId, {
            key: `k${key++}`,
            errorMessage: `401 expired credential for user ${user}`,
          });
          failedConversation ||= run.conversationId;
        }
        // Another organization with a run long before any of these: it must not stretch this chart.
        await upsertOrganization(db, 'org-older', { name: 'Older', timeZone: 'UTC' });
        await upsertAgent(db, 'org-older', { agentId: AGENT_A, name: 'Old' });
        await upsertSchedule(db, 'org-older', {
          scheduleId: SCHEDULE_A,
          agentId: AGENT_A,
          name: 'Old',
          kind: 'cron',
          expression: '0 9 * * *',
        });
        await recordFinishedRuns(db, 'org-older', [history(SCHEDULE_A, 400 * 24 * 60, 1)]);
        // Active for 10 minutes where A usually takes one.
        await startExecution(db, ORG, {
          key: `k${key++}`,
          scheduleId: SCHEDULE_A,
          prompt: 'Run',
          status: 'active',
          startedAt: new Date(now - 10 * MINUTE),
        });
      });
      afterAll(() => database?.dispose());

      const get = async (path: string) => {
        const res = await app.request(path, { headers: { [ORG_HEADER]: ORG } });
        expect(res.status).toBe(200);
        return parseDocument(await res.text());
      };
      const total = (doc: Document) => text(doc.querySelector('.xa-total'));

      it('totals runs and credits for the current filters', async () => {
        expect(total(await get('/admin/executions'))).toBe('24 executions total · 39 credits');
        expect(total(await get(`/admin/executions?agent=${AGENT_B}`))).toBe('11 executions total · 10 credits');
      });

      it('flags a run far above its agent’s usual credits, and filters to spikes only', async () => {
        const doc = await get('/admin/executions?spikes=1');
        expect(total(doc)).toBe('1 execution total · 9 credits');
        const rows = [...doc.querySelectorAll('#xa-results tbody tr')];
        expect(rows).toHaveLength(1);
        expect(text(rows[0]!.querySelector('.xa-flag--spike'))).toBe('Credit spike: 4.5× usual');
        expect(rows[0]!.querySelector('a.xa-icon-link')?.getAttribute('href')).toContain(`/conversations/${spikeConversation}?`);
        expect(doc.querySelector<HTMLInputElement>('#xa-spikes')?.hasAttribute('checked')).toBe(true);
        // Not a spike: the same agent's ordinary runs.
        expect((await get('/admin/executions')).querySelectorAll('.xa-flag--spike')).toHaveLength(1);
      });

      it('marks an Active run past three times its agent’s usual duration', async () => {
        const doc = await get('/admin/executions?status=active');
        const flags = [...doc.querySelectorAll('.xa-status .xa-flag')].map(text);
        expect(flags).toEqual(['Running long (usually 1 min)']);
      });

      it('names the first failed tool and jumps to it, opened, in the conversation', async () => {
        const doc = await get('/admin/executions?status=failed');
        const rows = [...doc.querySelectorAll('#xa-results tbody tr')];
        expect(rows).toHaveLength(2);
        for (const row of rows) {
          expect(text(row.querySelector('.xa-error-popover__tool'))).toBe('First failed tool: google_calendar');
          // Steps: the scheduled call (0), search (1), google_calendar (2).
          expect(row.querySelector('a.xa-icon-link')?.getAttribute('href')).toMatch(/#xa-step-2$/);
        }
        const conversation = await get(`/admin/executions/conversations/${failedConversation}`);
        const open = [...conversation.querySelectorAll('details.xa-tool-call[open]')];
        expect(open.map((d) => d.closest('li')?.id)).toEqual(['xa-step-2']);
        expect(text(open[0]!.querySelector('summary'))).toContain('google_calendar');
      });

      it('groups failures by first failed tool and normalised error, linking to exactly those runs', async () => {
        const digest = await get('/admin/executions/failures');
        const rows = [...digest.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map(text));
        expect(rows).toEqual([
          [
            'google_calendar',
            '401 expired credential for user <n>',
            '2 runs failed at google_calendar — 401 expired credential for user <n>',
            '2 agents',
          ],
        ]);
        const href = digest.querySelector('tbody a')!.getAttribute('href')!;
        const list = await get(href);
        expect(total(list)).toMatch(/^2 executions total/);
        expect([...list.querySelectorAll('#xa-applied a')].map(text)).toEqual([
          'Remove this filter Status: Failed',
          'Remove this filter Failure: google_calendar — 401 expired credential for user <n>',
        ]);
        // The digest keeps the page's filters: agent B alone failed once there.
        const forB = await get(`/admin/executions/failures?agent=${AGENT_B}`);
        expect([...forB.querySelectorAll('tbody td')].map(text).slice(2)).toEqual([
          '1 run failed at google_calendar — 401 expired credential for user <n>',
          '1 agent',
        ]);
      });

      it('links the weekly review to Failed runs over the organization’s last 7 days', async () => {
        const doc = await get('/admin/executions');
        const href = new URL(doc.querySelector('#xa-weekly-review')!.getAttribute('href')!, 'http://x');
        const today = localDay(new Date(), ZONE);
        const weekAgo = format(addDays(parse(today, 'yyyy-MM-dd', new Date()), -6), 'yyyy-MM-dd');
        expect(Object.fromEntries(href.searchParams)).toEqual({ status: 'failed', start: weekAgo, end: today });
        expect(total(await get(href.pathname + href.search))).toMatch(/^2 executions total/);
      });

      it('charts runs per day, from the first run to today, whose links filter to that day, every bar adding up to the total', async () => {
        const start = localDay(new Date(now - 2 * 86_400_000), ZONE);
        const end = localDay(new Date(now + 86_400_000), ZONE);
        const doc = await get(`/admin/executions?start=${start}&end=${end}`);
        const bars = [...doc.querySelectorAll('.xa-activity__list li')];
        // The range as far as it can hold runs: from the first run's day to today.
        const firstDay = localDay(new Date(now - 300 * MINUTE), ZONE);
        const today = localDay(new Date(), ZONE);
        expect(bars.map((b) => text(b.querySelector('a')))).toEqual(
          [firstDay, today]
            .filter((d, i, all) => all.indexOf(d) === i)
            .map((d) => format(parse(d, 'yyyy-MM-dd', new Date()), 'dd/MM/yyyy')),
        );
        let sum = 0;
        for (const bar of bars) {
          const runs = Number(text(bar).match(/^\d{2}\/\d{2}\/\d{4}: (\d+) runs?/)?.[1]);
          sum += runs;
          const day = await get(bar.querySelector('a')!.getAttribute('href')!);
          expect(total(day)).toMatch(new RegExp(`^${runs} execution`));
        }
        expect(sum).toBe(24);
        expect(doc.querySelectorAll('.xa-activity__chart a')).toHaveLength(bars.length);
      });

      it('holds an agent’s usual duration at the largest integer when its runs last weeks, and keeps recording', async () => {
        const { db } = database;
        const agentId = '0b0e8a52-0c5e-4b8f-9a37-1a9f0c2d3e03';
        const scheduleId = '0b0e8a52-0c5e-4b8f-9a37-1a9f0c2d3e13';
        await upsertAgent(db, ORG, { agentId, name: 'Archiver' });
        await upsertSchedule(db, ORG, { scheduleId, agentId, name: 'Monthly archive', kind: 'cron', expression: '0 0 1 * *' });
        const month = 30 * 24 * 60;
        // Five finished runs of thirty days each: a median past 2^31 milliseconds.
        await recordFinishedRuns(
          db,
          ORG,
          Array.from({ length: 5 }, (_, i) => history(scheduleId, (20 - 3 * i) * month, 0, month * MINUTE)),
        );
        const [next] = await recordFinishedRuns(db, ORG, [history(scheduleId, 60, 0)]);
        const [row] = await db
          .select({ usual: executions.usualDurationMs })
          .from(executions)
          .where(and(eq(executions.organizationId, ORG), eq(executions.id, next!.executionId)));
        expect(row?.usual).toBe(2_147_483_647);
      });
    },
  );
}
