/**
 * Hostile input through every call of the write API, on PGlite and on real Postgres: arbitrary
 * strings (NUL, unpaired surrogates, noncharacters, megabytes) and arbitrary JSON. Each call either
 * succeeds, and what it stored reads back as given with unpaired surrogates replaced by U+FFFD, or
 * fails with a RecorderError — never with the driver's error. A NUL anywhere is `invalid_input`
 * naming the field: Postgres text and jsonb cannot hold it.
 */
import { and, asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeExecution,
  deleteAgent,
  failExecution,
  markActive,
  recordFinishedRuns,
  recordToolCall,
  RecorderError,
  setCredits,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
  type FinishedRunInput,
  type JsonValue,
} from '../src/write/recorder.js';
import { agents, executions, organizations, schedules, steps } from '../src/db/schema.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

const AGENT = '00000000-0000-4000-8000-0000000000a1';
const SCHEDULE = '00000000-0000-4000-8001-0000000000a1';
const NUL = '\u0000';
const NUL_MESSAGE = 'must not contain a NUL character (U+0000)';
const MEGABYTE = 1 << 20;

/** The oracle, written apart from the implementation: each unpaired surrogate becomes U+FFFD. */
const repair = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

function repairJson(value: JsonValue): JsonValue {
  if (typeof value === 'string') return repair(value);
  if (Array.isArray(value)) return value.map(repairJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [repair(k), repairJson(v)]));
  }
  return value;
}

/** What jsonb gives back: repaired, then as JSON has it (-0 is 0). */
const storedJson = (value: JsonValue): unknown => JSON.parse(JSON.stringify(repairJson(value)));

function jsonHasNul(value: JsonValue): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (Array.isArray(value)) return value.some(jsonHasNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => k.includes(NUL) || jsonHasNul(v));
  }
  return false;
}

/** Two keys of one object that become the same key once repaired: refused rather than merged. */
function jsonKeysCollide(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some(jsonKeysCollide);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    return new Set(keys.map(repair)).size < keys.length || Object.values(value).some(jsonKeysCollide);
  }
  return false;
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const piece = fc.oneof(
  { weight: 10, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  { weight: 3, arbitrary: loneSurrogate },
  { weight: 2, arbitrary: fc.constantFrom('\uFFFE', '\uFFFF', '\u0001', '\u001f', '\\u0000', '\uD83D\uDE00', 'é', ' ') },
  { weight: 1, arbitrary: fc.constant(NUL) },
);
/** Non-empty, and blank once in a while: blank required text is invalid_input too. */
const hostileString = fc.array(piece, { minLength: 1, maxLength: 5 }).map((pieces) => pieces.join(''));
const hostileJson = fc.oneof(
  fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }),
  fc.dictionary(hostileString, fc.oneof(hostileString, fc.jsonValue({ stringUnit: 'binary', maxDepth: 2 })), { maxKeys: 4 }),
  fc.array(hostileString, { maxLength: 4 }),
  hostileString,
) as fc.Arbitrary<JsonValue>;

type Field = string | JsonValue;

/** Why the call must be refused, from its fields: a NUL, blank required text, keys that collide once repaired. */
function refusal(fields: Record<string, Field>, required: readonly string[]) {
  const nul = Object.entries(fields)
    .filter(([, v]) => (typeof v === 'string' ? v.includes(NUL) : jsonHasNul(v)))
    .map(([name]) => name);
  const blank = required.some((name) => {
    const v = fields[name];
    return typeof v === 'string' && v.trim() === '';
  });
  const collides = Object.values(fields).some((v) => typeof v !== 'string' && jsonKeysCollide(v));
  return { nul, otherReason: blank || collides, refused: nul.length > 0 || blank || collides };
}

/**
 * Runs the call and checks it against its fields: refused as invalid_input (naming a field that
 * holds a NUL, when that is the only reason) or done. Returns the result, or undefined when refused.
 */
async function expectCall<T>(
  label: string,
  fields: Record<string, Field>,
  required: readonly string[],
  call: () => Promise<T>,
): Promise<T | undefined> {
  const { nul, otherReason, refused } = refusal(fields, required);
  let result: T;
  try {
    result = await call();
  } catch (error) {
    if (!(error instanceof RecorderError)) throw new Error(`${label} threw a raw error`, { cause: error });
    if (!refused)
      throw new Error(`${label} refused valid input: ${error.code}: ${error.message.slice(0, 200)}`, { cause: error });
    expect(error.code, label).toBe('invalid_input');
    if (!otherReason) {
      const named = nul.some((name) => error.message.startsWith(`${name} ${NUL_MESSAGE}`));
      expect(named, `${label}: "${error.message.slice(0, 100)}" names one of ${nul.join(', ')}`).toBe(true);
    }
    return undefined;
  }
  expect(refused, `${label} accepted ${nul.length > 0 ? `a NUL in ${nul.join(', ')}` : 'invalid input'}`).toBe(false);
  return result;
}

interface Scenario {
  organizationId: string;
  organizationName: string;
  agentName: string;
  scheduleName: string;
  expression: string;
  startKey: string;
  prompt: string;
  toolKey: string;
  toolName: string;
  input: JsonValue;
  output: JsonValue;
  finishKey: string;
  response: string;
  errorMessage: string | null;
  completes: boolean;
  history: { prompt: string; toolName: string; input: JsonValue; output: JsonValue; response: string }[];
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  organizationId: hostileString,
  organizationName: hostileString,
  agentName: hostileString,
  scheduleName: hostileString,
  expression: hostileString,
  startKey: hostileString,
  prompt: hostileString,
  toolKey: hostileString,
  toolName: hostileString,
  input: hostileJson,
  output: hostileJson,
  finishKey: hostileString,
  response: hostileString,
  errorMessage: fc.option(hostileString),
  completes: fc.boolean(),
  history: fc.array(
    fc.record({
      prompt: hostileString,
      toolName: hostileString,
      input: hostileJson,
      output: hostileJson,
      response: hostileString,
    }),
    { maxLength: 2 },
  ),
});

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `hostile input to the write API on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      const db = () => database.db;
      let n = 0;
      /** Keys and organizations unique per scenario, the hostile part kept whole. */
      const unique = (s: string) => `${s}#${++n}`;

      const stepsOf = (organizationId: string, conversationId: string) =>
        db()
          .select()
          .from(steps)
          .where(and(eq(steps.organizationId, organizationId), eq(steps.conversationId, conversationId)))
          .orderBy(asc(steps.position));

      beforeAll(async () => {
        database = await target.open();
      });
      afterAll(async () => {
        await database?.dispose();
      });

      /** Every call of the write API with the scenario's strings and JSON, checking what each stored. */
      async function play(s: Scenario): Promise<void> {
        const org = unique(s.organizationId);
        const orgId = repair(org);
        const orgDone = await expectCall(
          'upsertOrganization',
          { organizationId: org, name: s.organizationName },
          ['name'],
          async () => {
            await upsertOrganization(db(), org, { name: s.organizationName, timeZone: 'America/Sao_Paulo' });
            return true;
          },
        );
        if (!orgDone) {
          // Every call names the organization: each refuses it the same way.
          if (refusal({ o: org }, []).refused) {
            await expect(markActive(db(), org, AGENT)).rejects.toEqual(expect.objectContaining({ code: 'invalid_input' }));
            await expect(setCredits(db(), org, AGENT, 1)).rejects.toEqual(expect.objectContaining({ code: 'invalid_input' }));
          }
          return;
        }
        const [orgRow] = await db().select().from(organizations).where(eq(organizations.organizationId, orgId));
        expect(orgRow?.name).toBe(repair(s.organizationName));

        const agentDone = await expectCall('upsertAgent', { name: s.agentName }, ['name'], async () => {
          await upsertAgent(db(), org, { agentId: AGENT, name: s.agentName });
          return true;
        });
        if (!agentDone) return;
        const [agentRow] = await db().select().from(agents).where(eq(agents.organizationId, orgId));
        expect(agentRow?.name).toBe(repair(s.agentName));

        const schedule = {
          scheduleId: SCHEDULE,
          agentId: AGENT,
          name: s.scheduleName,
          kind: 'cron' as const,
          expression: s.expression,
        };
        const scheduleFields = { name: s.scheduleName, expression: s.expression };
        const scheduleDone = await expectCall('upsertSchedule', scheduleFields, ['name', 'expression'], async () => {
          await upsertSchedule(db(), org, schedule);
          return true;
        });
        if (!scheduleDone) return;
        const [scheduleRow] = await db().select().from(schedules).where(eq(schedules.organizationId, orgId));
        expect(scheduleRow).toMatchObject({ name: repair(s.scheduleName), expression: repair(s.expression) });

        const startKey = unique(s.startKey);
        const start = () =>
          startExecution(db(), org, { key: startKey, scheduleId: SCHEDULE, prompt: s.prompt, status: 'active' });
        const ids = await expectCall('startExecution', { key: startKey, prompt: s.prompt }, ['key', 'prompt'], start);
        if (ids) {
          // A retry with the same, unrepaired, input is the same run.
          expect(await start()).toEqual(ids);
          const [run] = await db().select().from(executions).where(eq(executions.id, ids.executionId));
          expect(run?.idempotencyKey).toBe(repair(startKey));
          expect(run?.conversationTitle).toBe(repair(s.scheduleName));
          expect((await stepsOf(orgId, ids.conversationId))[0]?.content).toBe(repair(s.prompt));
          expect(await markActive(db(), org, ids.executionId)).toEqual({ status: 'active' });

          const toolKey = unique(s.toolKey);
          const call = { key: toolKey, toolName: s.toolName, input: s.input, output: s.output, ok: false, durationMs: 5 };
          const record = () => recordToolCall(db(), org, ids.executionId, call);
          const toolFields = { key: toolKey, toolName: s.toolName, input: s.input, output: s.output };
          const recorded = await expectCall('recordToolCall', toolFields, ['key', 'toolName'], record);
          if (recorded) {
            expect(await record()).toEqual(recorded);
            const step = (await stepsOf(orgId, ids.conversationId))[recorded.position];
            expect(step).toMatchObject({ toolName: repair(s.toolName), idempotencyKey: repair(toolKey) });
            expect(step?.toolInput).toEqual(storedJson(s.input));
            expect(step?.toolOutput).toEqual(storedJson(s.output));
          }

          const finishKey = unique(s.finishKey);
          const finish = s.completes
            ? () => completeExecution(db(), org, ids.executionId, { key: finishKey, response: s.response })
            : () => failExecution(db(), org, ids.executionId, { key: finishKey, errorMessage: s.errorMessage });
          const finishFields: Record<string, Field> = s.completes
            ? { key: finishKey, response: s.response }
            : { key: finishKey, errorMessage: s.errorMessage };
          const finished = await expectCall('finish', finishFields, ['key', 'response'], async () => {
            await finish();
            return true;
          });
          if (finished) {
            await finish();
            const all = await stepsOf(orgId, ids.conversationId);
            const content = s.completes ? s.response : s.errorMessage;
            expect(all.at(-1)?.content).toBe(content === null ? null : repair(content));
            const [run] = await db().select().from(executions).where(eq(executions.id, ids.executionId));
            expect(run?.errorMessage).toBe(s.completes || s.errorMessage === null ? null : repair(s.errorMessage));
            await setCredits(db(), org, ids.executionId, 0.5);
          }
        }

        const historyKey = unique(s.startKey);
        const runs: FinishedRunInput[] = s.history.map((h, i) => ({
          key: `${historyKey}/${i}`,
          scheduleId: SCHEDULE,
          prompt: h.prompt,
          startedAt: new Date(Date.UTC(2026, 0, 1, i)),
          toolCalls: [
            {
              toolName: h.toolName,
              input: h.input,
              output: h.output,
              ok: true,
              durationMs: 1,
              at: new Date(Date.UTC(2026, 0, 1, i, 1)),
            },
          ],
          outcome: { status: 'completed', response: h.response },
          finishedAt: new Date(Date.UTC(2026, 0, 1, i, 2)),
          credits: 1,
        }));
        const historyFields: Record<string, Field> = {};
        const required: string[] = [];
        s.history.forEach((h, i) => {
          const at = `runs[${i}]`;
          Object.assign(historyFields, {
            [`${at}.key`]: `${historyKey}/${i}`,
            [`${at}.prompt`]: h.prompt,
            [`${at}.toolCalls[0].toolName`]: h.toolName,
            [`${at}.toolCalls[0].input`]: h.input,
            [`${at}.toolCalls[0].output`]: h.output,
            [`${at}.response`]: h.response,
          });
          required.push(`${at}.prompt`, `${at}.toolCalls[0].toolName`, `${at}.response`);
        });
        const history = await expectCall('recordFinishedRuns', historyFields, required, () =>
          recordFinishedRuns(db(), org, runs),
        );
        if (history) {
          expect(await recordFinishedRuns(db(), org, runs)).toEqual(history);
          for (const [i, h] of s.history.entries()) {
            const written = await stepsOf(orgId, history[i]?.conversationId ?? '');
            expect(written.map((w) => w.content)).toEqual([repair(h.prompt), null, repair(h.response)]);
            expect(written[1]).toMatchObject({ toolName: repair(h.toolName), toolInput: storedJson(h.input) });
            expect(written[1]?.toolOutput).toEqual(storedJson(h.output));
          }
        }
        await deleteAgent(db(), org, AGENT);
      }

      it('every call either stores what it was given, unpaired surrogates repaired, or refuses it as invalid_input', async () => {
        await fc.assert(fc.asyncProperty(scenario, play), { numRuns: 100 });
      });

      it('stores megabyte strings, and refuses one with a NUL at its end', async () => {
        const big = (seed: string) => seed.repeat(Math.ceil(MEGABYTE / seed.length)).slice(0, MEGABYTE);
        const base: Scenario = {
          organizationId: 'org-mega',
          organizationName: big('Org \uD83D\uDE00 '),
          agentName: big('agent \uD800 '),
          scheduleName: big('schedule 2026-01-01 "quoted" 42 '),
          expression: big('* '),
          startKey: 'start',
          prompt: big('prompt \uDC00\uFFFE 123e4567-e89b-12d3-a456-426614174000 '),
          toolKey: 'tool',
          toolName: 'http.get',
          input: { body: big('in \uD83D') },
          output: [big('out \uDE00 '), { [big('key ')]: big('x@y.com 1 2 3 ') }],
          finishKey: 'finish',
          response: big('done '),
          errorMessage: big('Error 500 at 2026-01-01T00:00:00Z for user 1234 "x" '),
          completes: false,
          history: [{ prompt: big('p'), toolName: 't', input: big('i'), output: { o: big('o') }, response: big('r') }],
        };
        await play(base);
        await play({ ...base, completes: true });
        await play({
          ...base,
          prompt: `${base.prompt}${NUL}`,
          output: { [`${big('k')}${NUL}`]: 1 },
          errorMessage: `${big('e')}${NUL}`,
        });
      });

      it('refuses, as invalid_input, values jsonb, the columns or their indexes would refuse or change', async () => {
        const org = unique('org-edges');
        await upsertOrganization(db(), org, { name: 'Edges', timeZone: 'UTC' });
        await upsertAgent(db(), org, { agentId: AGENT, name: 'Agent' });
        await upsertSchedule(db(), org, {
          scheduleId: SCHEDULE,
          agentId: AGENT,
          name: 'S',
          kind: 'cron',
          expression: '* * * * *',
        });
        const { executionId } = await startExecution(db(), org, {
          key: unique('k'),
          scheduleId: SCHEDULE,
          prompt: 'p',
          status: 'active',
        });
        const invalidInput = (field: string) =>
          expect.objectContaining({ name: 'RecorderError', code: 'invalid_input', message: expect.stringContaining(field) });
        const call = (change: Record<string, unknown>) =>
          recordToolCall(db(), org, executionId, {
            key: unique('t'),
            toolName: 'tool',
            input: {},
            output: {},
            ok: true,
            durationMs: 1,
            ...change,
          } as Parameters<typeof recordToolCall>[3]);
        const nest = (depth: number) => {
          let value: JsonValue = 1;
          for (let i = 0; i < depth; i++) value = [value];
          return value;
        };
        for (const output of [
          NaN,
          { n: Infinity },
          [-Infinity],
          { b: 10n },
          { d: new Date(0) },
          new Map(),
          [undefined],
          undefined,
          () => 1,
          { ['a\uD800']: 1, ['a\uDC00']: 2 },
          nest(1001),
        ]) {
          await expect(call({ output })).rejects.toEqual(invalidInput('output'));
        }
        const kept = await call({ output: [nest(999), { gone: undefined, ['__proto__']: 1, z: -0, big: 1e308, tiny: 5e-324 }] });
        const [step] = (
          await stepsOf(
            org,
            (await db().select().from(executions).where(eq(executions.id, executionId)))[0]?.conversationId ?? '',
          )
        ).filter((s) => s.position === kept.position);
        expect(step?.toolOutput).toEqual(
          JSON.parse(`[${JSON.stringify(nest(999))},{"__proto__":1,"z":0,"big":1e308,"tiny":5e-324}]`),
        );
        await expect(call({ durationMs: 2 ** 31 })).rejects.toEqual(invalidInput('durationMs'));
        await expect(call({ toolName: 'x'.repeat(201) })).rejects.toEqual(invalidInput('toolName'));
        await expect(call({ at: new Date(Date.UTC(10000, 0)) })).rejects.toEqual(invalidInput('at'));
        for (const startedAt of [
          new Date(NaN),
          new Date(-62198755200000),
          new Date('0001-01-01T00:00:00Z'),
          new Date('1899-12-31T23:59:59.999Z'),
          new Date(8.64e15),
        ]) {
          await expect(
            startExecution(db(), org, { key: unique('d'), scheduleId: SCHEDULE, prompt: 'p', startedAt }),
          ).rejects.toEqual(invalidInput('startedAt'));
        }
        // Either end kept as it was written: finished at its start, the run reads back its own start.
        for (const startedAt of [new Date('1900-01-01T00:00:00Z'), new Date('9999-12-31T23:59:59.999Z')]) {
          const run = await startExecution(db(), org, { key: unique('d'), scheduleId: SCHEDULE, prompt: 'p', startedAt });
          await markActive(db(), org, run.executionId);
          await completeExecution(db(), org, run.executionId, { key: unique('d'), response: 'r', finishedAt: startedAt });
        }
        await expect(upsertOrganization(db(), 'o'.repeat(201), { name: 'o', timeZone: 'UTC' })).rejects.toEqual(
          invalidInput('organizationId'),
        );
        await expect(upsertOrganization(db(), unique('o'), { name: 'o', timeZone: `UTC${NUL}` })).rejects.toEqual(
          invalidInput('timeZone'),
        );
        await expect(upsertAgent(db(), unique('no-such-org'), { agentId: AGENT, name: 'a' })).rejects.toEqual(
          expect.objectContaining({ name: 'RecorderError', code: 'not_found' }),
        );
        const schedule = { scheduleId: SCHEDULE, agentId: AGENT, name: 'S', kind: 'hourly', expression: 'x' } as const;
        await expect(upsertSchedule(db(), org, schedule as unknown as Parameters<typeof upsertSchedule>[2])).rejects.toEqual(
          invalidInput('kind'),
        );
        const run: FinishedRunInput = {
          key: unique('h'),
          scheduleId: SCHEDULE,
          prompt: 'p',
          startedAt: new Date(0),
          toolCalls: [],
          outcome: { status: 'cancelled' } as unknown as FinishedRunInput['outcome'],
          finishedAt: new Date(1),
          credits: null,
        };
        await expect(recordFinishedRuns(db(), org, [run])).rejects.toEqual(invalidInput('runs[0].outcome.status'));
        await expect(
          recordFinishedRuns(db(), org, [{ ...run, outcome: { status: 'failed', errorMessage: `a${NUL}` } }]),
        ).rejects.toEqual(invalidInput(`runs[0].errorMessage ${NUL_MESSAGE}`));
        await expect(markActive(db(), `a${NUL}`, executionId)).rejects.toEqual(invalidInput(`organizationId ${NUL_MESSAGE}`));
      });
    },
  );
}
