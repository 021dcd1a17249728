/**
 * Durations as the page writes them — the list's Duration column, a tool call's length and the
 * conversation page's timeline — from stored times that may be missing, negative, out of order or
 * absurdly far apart.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BoundedStep } from '../src/conversation/bounded-repository.js';
import { AXIS, TIMELINE_BARS, timelineView } from '../src/conversation/timeline.js';
import { en } from '../src/i18n/en.js';
import { ptBR } from '../src/i18n/pt-BR.js';
import { formatDuration } from '../src/lib/format.js';
import { durationView } from '../src/list/view-model.js';
import { TimelineChart } from '../views/conversation/timeline-chart.js';
import { parseDocument } from './support/test-host.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;

describe('formatDuration', () => {
  it('writes at most two units, each cut rather than rounded', () => {
    const cases: [number, string][] = [
      [0, '0 ms'],
      [0.4, '0 ms'],
      [1, '1 ms'],
      [850, '850 ms'],
      [999.9, '999 ms'],
      [1000, '1.0 s'],
      [8_449, '8.4 s'],
      [9_999, '9.9 s'],
      [10_000, '10 s'],
      [59_999, '59 s'],
      [MIN, '1 min'],
      [MIN + 12_900, '1 min 12 s'],
      [59 * MIN + 59_999, '59 min 59 s'],
      [H, '1 h'],
      [2 * H + 5 * MIN + 59 * S, '2 h 5 min'],
      [23 * H + 59 * MIN, '23 h 59 min'],
      [DAY, '1 day'],
      [DAY + H, '1 day 1 h'],
      [3 * DAY + 4 * H + 59 * MIN, '3 days 4 h'],
      [12_345 * DAY, '12,345 days'],
    ];
    expect(cases.map(([ms]) => formatDuration(ms, en))).toEqual(cases.map(([, text]) => text));
  });

  it('writes decimals and days in the messages’ language', () => {
    expect([8_449, 3 * DAY + H, 1_234 * DAY].map((ms) => formatDuration(ms, ptBR))).toEqual([
      '8,4 s',
      '3 dias 1 h',
      '1.234 dias',
    ]);
  });

  it('is no duration for a finish before the start, or a time that is no number', () => {
    for (const ms of [-1, -0.5, -DAY, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(formatDuration(ms, en), String(ms)).toBeNull();
  });

  it('writes any span a Date can hold in one of its shapes, never longer than it took', () => {
    const shapes = /^(\d+ ms|\d\.\d s|\d+ s|\d+ min( \d+ s)?|\d+ h( \d+ min)?|[\d,]+ days?( \d+ h)?)$/;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8.64e15 * 2 }), (ms) => {
        const text = formatDuration(ms, en)!;
        expect(text).toMatch(shapes);
        // Read back by its units, it is never more than the span.
        const units: Record<string, number> = { ms: 1, s: S, min: MIN, h: H, day: DAY, days: DAY };
        const read = [...text.replaceAll(',', '').matchAll(/([\d.]+) (ms|s|min|h|days?)/g)].reduce(
          (sum, [, n, unit]) => sum + Number(n) * units[unit!]!,
          0,
        );
        expect(read).toBeLessThanOrEqual(ms + 1e-6);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the Duration cell', () => {
  const at = (iso: string) => new Date(iso);
  it('is finished − started, or the dash with what it stands for', () => {
    const startedAt = at('2026-03-10T12:00:00.000Z');
    expect(durationView({ startedAt, finishedAt: at('2026-03-10T12:01:12.400Z') }, en)).toEqual({
      text: '1 min 12 s',
      missing: false,
    });
    expect(durationView({ startedAt, finishedAt: startedAt }, en)).toEqual({ text: '0 ms', missing: false });
    expect(durationView({ startedAt, finishedAt: null }, en)).toEqual({ text: 'Not finished', missing: true });
    // The database refuses a finish before the start; a host's copy of the table may not.
    expect(durationView({ startedAt, finishedAt: at('2026-03-10T11:59:00Z') }, en)).toEqual({
      text: 'Not recorded',
      missing: true,
    });
    expect(durationView({ startedAt, finishedAt: null }, ptBR)).toEqual({ text: 'Não terminou', missing: true });
  });
});

const START = new Date('2026-03-10T12:00:00Z');
let position = 0;
/** A tool call recorded `endsAfter` ms after the run's start, having taken `durationMs`. */
function call(tool: string | null, endsAfter: number, durationMs: number | null, ok = true): BoundedStep {
  position += 1;
  return {
    position,
    kind: 'tool_call',
    content: null,
    toolName: tool,
    toolInput: null,
    toolOutput: null,
    ok,
    durationMs,
    createdAt: new Date(START.getTime() + endsAfter),
  };
}
const prompt: BoundedStep = { ...call('x', 0, null), position: 0, kind: 'scheduled_call', toolName: null };

describe('the timeline chart', () => {
  it('draws each call from its start (its record less its duration) on an axis from the run’s start to its finish', () => {
    const steps = [prompt, call('search', 2 * S, 2 * S), call('slow_export', 62 * S, 60 * S, false), call('notify', 70 * S, 0)];
    const chart = timelineView(steps, { startedAt: START, finishedAt: new Date(START.getTime() + 80 * S) }, en)!;
    expect(chart.caption).toBe('Tool calls over time: 3 calls in 1 min 20 s');
    expect([chart.from, chart.to, chart.note]).toEqual(['0 ms', '1 min 20 s', null]);
    expect(chart.bars.map((b) => [b.tool, b.ok, b.x, b.width, b.startedAfter, b.duration, b.href])).toEqual([
      ['search', true, 0, 25, '0 ms', '2.0 s', '#xa-step-2'],
      ['slow_export', false, 25, 750, '2.0 s', '1 min', '#xa-step-3'],
      // An instant call is still drawn, at the least width.
      ['notify', true, 875, 3, '1 min 10 s', '0 ms', '#xa-step-4'],
    ]);
  });

  it('is no chart for a run without tool calls', () => {
    expect(timelineView([prompt], { startedAt: START, finishedAt: null }, en)).toBeNull();
  });

  it('places what hostile data allows and says what it cannot: no duration, negative, before the start, out of order', () => {
    const steps = [
      call(null, 10 * S, null),
      call('negative', 20 * S, -5 * S),
      call('before start', -4 * S, 1 * S),
      call('later', 30 * S, 10 * S),
      call('earlier', 5 * S, 1 * S),
    ];
    const chart = timelineView(steps, { startedAt: START, finishedAt: null }, en)!;
    // The axis reaches back to the earliest call, and on to the last one's end.
    expect([chart.from, chart.to]).toEqual(['\u22125.0 s', '30 s']);
    expect(chart.caption).toBe('Tool calls over time: 5 calls in 35 s');
    expect(chart.bars.map((b) => [b.tool, b.startedAfter, b.duration])).toEqual([
      ['Unknown tool', '10 s', null],
      ['negative', '20 s', null],
      ['before start', '\u22125.0 s', '1.0 s'],
      ['later', '20 s', '10 s'],
      ['earlier', '4.0 s', '1.0 s'],
    ]);
    for (const bar of chart.bars) {
      expect(bar.x).toBeGreaterThanOrEqual(0);
      expect(bar.x + bar.width).toBeLessThanOrEqual(AXIS);
      expect(bar.width).toBeGreaterThanOrEqual(3);
    }
    expect(chart.bars[2]!.x).toBe(0);
  });

  it('keeps every bar on the axis for any stored times and durations', () => {
    const anyCall = fc.record({
      endsAfter: fc.integer({ min: -8.64e15, max: 8.64e15 - START.getTime() }),
      durationMs: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    });
    fc.assert(
      fc.property(
        fc.array(anyCall, { minLength: 1, maxLength: 30 }),
        fc.option(fc.integer({ min: 0, max: 1e12 })),
        (calls, finish) => {
          const chart = timelineView(
            calls.map((c) => call('t', c.endsAfter, c.durationMs)),
            { startedAt: START, finishedAt: finish === null ? null : new Date(START.getTime() + finish) },
            en,
          )!;
          expect(chart.bars).toHaveLength(calls.length);
          for (const bar of chart.bars) {
            expect(Number.isFinite(bar.x) && Number.isFinite(bar.width)).toBe(true);
            expect(bar.x).toBeGreaterThanOrEqual(0);
            expect(bar.width).toBeGreaterThan(0);
            expect(bar.x + bar.width).toBeLessThanOrEqual(AXIS + 1e-9);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('draws only the slowest calls of thousands, in the run’s order, and says so', () => {
    const many = Array.from({ length: 3000 }, (_, i) => call(`call ${i}`, (i + 1) * S, i % 997 === 0 ? 900 : 100));
    const chart = timelineView(many, { startedAt: START, finishedAt: null }, en)!;
    expect(chart.bars).toHaveLength(TIMELINE_BARS);
    expect(chart.note).toBe('The 100 slowest of 3,000 tool calls are shown, in order.');
    expect(chart.caption).toBe('Tool calls over time: 3,000 calls in 50 min');
    // The four slow ones are drawn, and the rest are the first calls (ties in the run's order).
    const drawn = chart.bars.map((b) => b.tool);
    expect(drawn.filter((t) => ['call 0', 'call 997', 'call 1994', 'call 2991'].includes(t))).toHaveLength(4);
    const order = drawn.map((t) => Number(t.split(' ')[1]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('shows a hostile tool name as text, cut to the list’s length', () => {
    const hostile = `<img src=x onerror="alert(1)">${'&'.repeat(300)}`;
    const step = call(hostile, 2 * S, S, false);
    const chart = timelineView([step], { startedAt: START, finishedAt: null }, en)!;
    const doc = parseDocument(`<main>${String(TimelineChart({ chart, messages: en }))}</main>`);
    expect(doc.querySelector('img')).toBeNull();
    const link = doc.querySelector('tbody a')!;
    expect(link.textContent).toBe(`${hostile.slice(0, 200)}…`);
    expect(link.getAttribute('href')).toBe(`#xa-step-${step.position}`);
    expect(doc.querySelector('caption')?.textContent).toBe('Tool calls over time: 1 call in 2.0 s');
    expect(doc.querySelector('thead .xa-visually-hidden')?.textContent).toBe('Time, from 0 ms to 2.0 s');
    expect(doc.querySelector('tbody .xa-tag--red')?.textContent).toBe('Error');
    expect(doc.querySelector('rect')?.getAttribute('class')).toBe('xa-bar--red');
  });
});
