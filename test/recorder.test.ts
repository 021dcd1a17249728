/**
 * The scheduler's write API, on PGlite and on real Postgres: every guarantee it makes has a test
 * here that fails when the guarantee breaks. On PGlite (one connection) concurrent calls are
 * serialised by the driver; on Postgres they really race, through a pool of connections.
 */
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
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
  type StartedExecution,
} from '../src/write/recorder.js';
import { filtersFor } from '../src/list/filter-set.js';
import { DEFAULT_QUERY } from '../src/list/query.js';
import { findExecutionConversation } from './support/read-conversation.js';
import { listExecutions } from '../src/list/page-query.js';
import { agents, conversations, executions, organizations, schedules, steps } from '../src/db/schema.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

const ORG_A = 'recorder-org-a';
const ORG_B = 'recorder-org-b';
const AGENT_A = '00000000-0000-4000-8000-00000000000a';
const AGENT_B = '00000000-0000-4000-8000-00000000000b';
const SCHEDULE_A = '00000000-0000-4000-8001-00000000000a';
const SCHEDULE_B = '00000000-0000-4000-8001-00000000000b';
const PROMPT = 'Scheduled run (cron 0 9 * * 1-5): post the sales digest';
/** Step content or tool name that an injected trigger refuses, to fail a write halfway through. */
const EXPLODE = 'explode';
/** An error message whose execution update is refused, after the run's error step was inserted. */
const EXPLODE_ON_UPDATE = 'explode on update';

let keys = 0;
const nextKey = (label = 'call') => `${label}-${++keys}`;

const toolCall = (key: string, n = 1) => ({
  key,
  toolName: 'hubspot.search_deals',
  input: { filter: { stage: 'closedwon' }, limit: n },
  output: { results: [{ id: String(n), amount: 1200.5 }], total: 1 },
  ok: true,
  durationMs: 300 + n,
});

/** The settled results of concurrent calls, split into the fulfilled values and the errors. */
async function settle<T>(calls: Promise<T>[]): Promise<{ values: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(calls);
  return {
    values: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : [])),
  };
}

/** Drizzle wraps the driver's error; the trigger's message is its cause's, on both drivers. */
const injectedFailure = expect.objectContaining({ cause: expect.objectContaining({ message: 'injected failure' }) });
const recorderError = (code: RecorderError['code']) => expect.objectContaining({ name: 'RecorderError', code });

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `recorder on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      const db = () => database.db;

      const counts = async (organizationId = ORG_A) => {
        const n = async (table: typeof conversations | typeof executions | typeof steps) => {
          const [row] = await db().select({ n: count() }).from(table).where(eq(table.organizationId, organizationId));
          return row?.n ?? 0;
        };
        return { conversations: await n(conversations), executions: await n(executions), steps: await n(steps) };
      };

      const run = async (organizationId: string, executionId: string) => {
        const [row] = await db()
          .select()
          .from(executions)
          .where(and(eq(executions.organizationId, organizationId), eq(executions.id, executionId)));
        if (!row) throw new Error(`no execution ${executionId}`);
        return row;
      };

      const stepsOf = (organizationId: string, conversationId: string) =>
        db()
          .select({ position: steps.position, kind: steps.kind, content: steps.content, key: steps.idempotencyKey })
          .from(steps)
          .where(and(eq(steps.organizationId, organizationId), eq(steps.conversationId, conversationId)))
          .orderBy(asc(steps.position));

      const start = (status: 'pending' | 'active' = 'active', organizationId = ORG_A) =>
        startExecution(db(), organizationId, {
          key: nextKey('start'),
          scheduleId: organizationId === ORG_A ? SCHEDULE_A : SCHEDULE_B,
          prompt: PROMPT,
          status,
        });

      beforeAll(async () => {
        database = await target.open();
        await upsertOrganization(db(), ORG_A, { name: 'Org A', timeZone: 'America/Sao_Paulo' });
        await upsertOrganization(db(), ORG_B, { name: 'Org B', timeZone: 'Asia/Kolkata' });
        await upsertAgent(db(), ORG_A, { agentId: AGENT_A, name: 'Sales Assistant' });
        await upsertAgent(db(), ORG_B, { agentId: AGENT_B, name: 'Org B Agent' });
        await upsertSchedule(db(), ORG_A, {
          scheduleId: SCHEDULE_A,
          agentId: AGENT_A,
          name: 'Daily sales digest',
          kind: 'cron',
          expression: '0 9 * * 1-5',
        });
        await upsertSchedule(db(), ORG_B, {
          scheduleId: SCHEDULE_B,
          agentId: AGENT_B,
          name: 'Org B schedule',
          kind: 'interval',
          expression: 'PT1H',
        });
        // Fail a write halfway: after the rows before it in the same transaction were written.
        for (const [table, condition] of [
          ['xa_steps', `new.content = '${EXPLODE}' or new.tool_name = '${EXPLODE}'`],
          ['xa_executions', `new.error_message = '${EXPLODE_ON_UPDATE}'`],
        ] as const) {
          await db().execute(
            sql.raw(`create function ${table}_explode() returns trigger language plpgsql as $$
              begin
                if ${condition} then raise exception 'injected failure'; end if;
                return new;
              end $$`),
          );
          await db().execute(
            sql.raw(
              `create trigger ${table}_explode before insert or update on executions_admin.${table} for each row execute function ${table}_explode()`,
            ),
          );
        }
      });
      afterAll(async () => {
        await database?.dispose();
      });

      describe('organizations, agents and schedules', () => {
        it('upserts them idempotently and validates the time zone', async () => {
          await upsertOrganization(db(), ORG_A, { name: 'Org A', timeZone: 'America/Sao_Paulo' });
          await upsertAgent(db(), ORG_A, { agentId: AGENT_A, name: 'Sales Assistant' });
          const [orgs] = await db().select({ n: count() }).from(organizations).where(eq(organizations.organizationId, ORG_A));
          expect(orgs?.n).toBe(1);
          const [agentRows] = await db().select({ n: count() }).from(agents).where(eq(agents.organizationId, ORG_A));
          expect(agentRows?.n).toBe(1);
          await expect(upsertOrganization(db(), 'org-x', { name: 'X', timeZone: 'Mars/Olympus_Mons' })).rejects.toEqual(
            recorderError('invalid_input'),
          );
        });

        it('refuses a schedule for an agent of another organization', async () => {
          await expect(
            upsertSchedule(db(), ORG_B, {
              scheduleId: '00000000-0000-4000-8001-0000000000ff',
              agentId: AGENT_A,
              name: 'Sneaky',
              kind: 'cron',
              expression: '* * * * *',
            }),
          ).rejects.toEqual(recorderError('not_found'));
          const [row] = await db().select({ n: count() }).from(schedules).where(eq(schedules.organizationId, ORG_B));
          expect(row?.n).toBe(1);
        });

        it('soft-deletes an agent once, keeping its first deletion date, only in its organization', async () => {
          const agentId = '00000000-0000-4000-8000-0000000000dd';
          await upsertAgent(db(), ORG_A, { agentId, name: 'Old Bot' });
          const first = new Date('2026-01-02T03:04:05Z');
          await deleteAgent(db(), ORG_A, agentId, first);
          await deleteAgent(db(), ORG_A, agentId, new Date('2026-02-01T00:00:00Z'));
          await upsertAgent(db(), ORG_A, { agentId, name: 'Old Bot renamed' });
          const [row] = await db()
            .select({ deletedAt: agents.deletedAt, name: agents.name })
            .from(agents)
            .where(and(eq(agents.organizationId, ORG_A), eq(agents.id, agentId)));
          expect(row).toEqual({ deletedAt: first, name: 'Old Bot renamed' });
          await expect(deleteAgent(db(), ORG_B, agentId)).rejects.toEqual(recorderError('not_found'));
        });
      });

      describe('starting a run', () => {
        it('creates the conversation, the execution and the scheduled call together', async () => {
          const startedAt = new Date('2026-03-10T12:00:00Z');
          const ids = await startExecution(db(), ORG_A, { key: nextKey(), scheduleId: SCHEDULE_A, prompt: PROMPT, startedAt });
          const conversation = await findExecutionConversation(db(), ORG_A, ids.conversationId);
          expect(conversation).toMatchObject({
            id: ids.executionId,
            agentName: 'Sales Assistant',
            scheduleTitle: 'Daily sales digest',
            status: 'pending',
            startedAt,
            finishedAt: null,
            credits: null,
          });
          expect(conversation?.steps).toEqual([
            expect.objectContaining({ position: 0, kind: 'scheduled_call', content: PROMPT, createdAt: startedAt }),
          ]);
        });

        it('is atomic: a failure after the conversation and execution were inserted leaves neither', async () => {
          const before = await counts();
          const key = nextKey();
          await expect(startExecution(db(), ORG_A, { key, scheduleId: SCHEDULE_A, prompt: EXPLODE })).rejects.toEqual(
            injectedFailure,
          );
          expect(await counts()).toEqual(before);
          // The key was not used up by the failed attempt.
          const ids = await startExecution(db(), ORG_A, { key, scheduleId: SCHEDULE_A, prompt: PROMPT });
          expect((await run(ORG_A, ids.executionId)).status).toBe('pending');
        });

        it('returns the same run for a retried key and writes nothing more', async () => {
          const input = { key: nextKey(), scheduleId: SCHEDULE_A, prompt: PROMPT };
          const first = await startExecution(db(), ORG_A, input);
          const before = await counts();
          const retried = await startExecution(db(), ORG_A, { ...input, startedAt: new Date() });
          expect(retried).toEqual(first);
          expect(await counts()).toEqual(before);
        });

        it('returns one run to retries racing with the same key', async () => {
          const before = await counts();
          const input = { key: nextKey(), scheduleId: SCHEDULE_A, prompt: PROMPT };
          const { values, errors } = await settle(Array.from({ length: 12 }, () => startExecution(db(), ORG_A, input)));
          expect(errors).toEqual([]);
          expect(new Set(values.map((v) => v.executionId)).size).toBe(1);
          expect(new Set(values.map((v) => v.conversationId)).size).toBe(1);
          const after = await counts();
          expect(after).toEqual({
            conversations: before.conversations + 1,
            executions: before.executions + 1,
            steps: before.steps + 1,
          });
        });

        it('rejects a key reused for a different run', async () => {
          const key = nextKey();
          await startExecution(db(), ORG_A, { key, scheduleId: SCHEDULE_A, prompt: PROMPT });
          await expect(startExecution(db(), ORG_A, { key, scheduleId: SCHEDULE_A, prompt: 'Another prompt' })).rejects.toEqual(
            recorderError('idempotency_conflict'),
          );
        });

        it('keeps keys per organization and schedules inside theirs', async () => {
          const key = nextKey();
          const a = await startExecution(db(), ORG_A, { key, scheduleId: SCHEDULE_A, prompt: PROMPT });
          const b = await startExecution(db(), ORG_B, { key, scheduleId: SCHEDULE_B, prompt: PROMPT });
          expect(b.executionId).not.toBe(a.executionId);
          await expect(startExecution(db(), ORG_B, { key: nextKey(), scheduleId: SCHEDULE_A, prompt: PROMPT })).rejects.toEqual(
            recorderError('not_found'),
          );
        });
      });

      describe('status transitions', () => {
        it('goes pending → active → completed, with the final response last', async () => {
          const ids = await start('pending');
          expect(await markActive(db(), ORG_A, ids.executionId)).toEqual({ status: 'active' });
          expect(await markActive(db(), ORG_A, ids.executionId)).toEqual({ status: 'active' });
          expect((await run(ORG_A, ids.executionId)).status).toBe('active');
          expect(await recordToolCall(db(), ORG_A, ids.executionId, toolCall(nextKey()))).toEqual({ position: 1 });
          await completeExecution(db(), ORG_A, ids.executionId, { key: nextKey(), response: 'Posted the digest.' });
          const row = await run(ORG_A, ids.executionId);
          expect(row.status).toBe('completed');
          expect(row.finishedAt).toBeInstanceOf(Date);
          expect(row.errorMessage).toBeNull();
          expect((await stepsOf(ORG_A, ids.conversationId)).map((s) => s.kind)).toEqual([
            'scheduled_call',
            'tool_call',
            'final_response',
          ]);
        });

        it('lets a pending run fail (it never started) but not complete or record tool calls', async () => {
          const ids = await start('pending');
          await expect(completeExecution(db(), ORG_A, ids.executionId, { key: nextKey(), response: 'Done' })).rejects.toEqual(
            recorderError('invalid_transition'),
          );
          await expect(recordToolCall(db(), ORG_A, ids.executionId, toolCall(nextKey()))).rejects.toEqual(
            recorderError('invalid_transition'),
          );
          await failExecution(db(), ORG_A, ids.executionId, {
            key: nextKey(),
            errorMessage: 'Queue timeout: no worker picked the run up',
          });
          const row = await run(ORG_A, ids.executionId);
          expect(row).toMatchObject({ status: 'failed', errorMessage: 'Queue timeout: no worker picked the run up' });
          expect((await stepsOf(ORG_A, ids.conversationId)).map((s) => [s.kind, s.content])).toEqual([
            ['scheduled_call', PROMPT],
            ['error', 'Queue timeout: no worker picked the run up'],
          ]);
        });

        it('never reopens a finished run nor adds steps to it', async () => {
          const ids = await start();
          await failExecution(db(), ORG_A, ids.executionId, { key: nextKey(), errorMessage: null });
          const before = await stepsOf(ORG_A, ids.conversationId);
          // A late or replayed markActive is answered with the status, and changes nothing.
          expect(await markActive(db(), ORG_A, ids.executionId)).toEqual({ status: 'failed' });
          await expect(recordToolCall(db(), ORG_A, ids.executionId, toolCall(nextKey()))).rejects.toEqual(
            recorderError('already_finished'),
          );
          await expect(
            completeExecution(db(), ORG_A, ids.executionId, { key: nextKey(), response: 'Done after all' }),
          ).rejects.toEqual(recorderError('already_finished'));
          await expect(failExecution(db(), ORG_A, ids.executionId, { key: nextKey(), errorMessage: 'again' })).rejects.toEqual(
            recorderError('already_finished'),
          );
          expect(await run(ORG_A, ids.executionId)).toMatchObject({ status: 'failed', errorMessage: null });
          expect(await stepsOf(ORG_A, ids.conversationId)).toEqual(before);
        });

        it('refuses a finish before the start', async () => {
          const ids = await startExecution(db(), ORG_A, {
            key: nextKey(),
            scheduleId: SCHEDULE_A,
            prompt: PROMPT,
            status: 'active',
            startedAt: new Date('2026-03-10T12:00:00Z'),
          });
          await expect(
            completeExecution(db(), ORG_A, ids.executionId, {
              key: nextKey(),
              response: 'Done',
              finishedAt: new Date('2026-03-10T11:00:00Z'),
            }),
          ).rejects.toEqual(recorderError('invalid_input'));
          expect((await run(ORG_A, ids.executionId)).status).toBe('active');
        });

        it('finishes atomically: a failure after the step was written leaves the run active without it', async () => {
          const ids = await start();
          await recordToolCall(db(), ORG_A, ids.executionId, toolCall(nextKey()));
          const before = await stepsOf(ORG_A, ids.conversationId);
          // The trigger refuses the execution update, which comes after the error step's insert.
          await expect(
            failExecution(db(), ORG_A, ids.executionId, { key: nextKey(), errorMessage: EXPLODE_ON_UPDATE }),
          ).rejects.toEqual(injectedFailure);
          expect(await stepsOf(ORG_A, ids.conversationId)).toEqual(before);
          expect(await run(ORG_A, ids.executionId)).toMatchObject({ status: 'active', finishedAt: null });
        });
      });

      describe('idempotent steps and finishes', () => {
        it('returns the step already written to a retried tool call, even racing', async () => {
          const ids = await start();
          const key = nextKey();
          const first = await recordToolCall(db(), ORG_A, ids.executionId, toolCall(key));
          const { values, errors } = await settle(
            Array.from({ length: 10 }, () => recordToolCall(db(), ORG_A, ids.executionId, toolCall(key))),
          );
          expect(errors).toEqual([]);
          expect(values).toEqual(Array(10).fill(first));
          expect((await stepsOf(ORG_A, ids.conversationId)).map((s) => s.key)).toEqual([null, key]);
        });

        it('rejects a step key reused for a different tool call', async () => {
          const ids = await start();
          const key = nextKey();
          await recordToolCall(db(), ORG_A, ids.executionId, toolCall(key, 1));
          await expect(recordToolCall(db(), ORG_A, ids.executionId, toolCall(key, 2))).rejects.toEqual(
            recorderError('idempotency_conflict'),
          );
        });

        it('accepts a retried finish with the same key once the run has finished, writing nothing', async () => {
          const ids = await start();
          const key = nextKey();
          await completeExecution(db(), ORG_A, ids.executionId, { key, response: 'Posted the digest.' });
          const { errors } = await settle(
            Array.from({ length: 5 }, () =>
              completeExecution(db(), ORG_A, ids.executionId, { key, response: 'Posted the digest.' }),
            ),
          );
          expect(errors).toEqual([]);
          expect((await stepsOf(ORG_A, ids.conversationId)).map((s) => s.kind)).toEqual(['scheduled_call', 'final_response']);
          await expect(completeExecution(db(), ORG_A, ids.executionId, { key, response: 'A different answer' })).rejects.toEqual(
            recorderError('idempotency_conflict'),
          );
        });

        it('answers a tool call retried after the finish with its recorded step', async () => {
          const ids = await start();
          const key = nextKey();
          const recorded = await recordToolCall(db(), ORG_A, ids.executionId, toolCall(key));
          await completeExecution(db(), ORG_A, ids.executionId, { key: nextKey(), response: 'Done' });
          expect(await recordToolCall(db(), ORG_A, ids.executionId, toolCall(key))).toEqual(recorded);
          expect(await stepsOf(ORG_A, ids.conversationId)).toHaveLength(3);
        });
      });

      describe('concurrency on one run', () => {
        it('lets exactly one of 20 racing finishes win; the others get already_finished', async () => {
          for (let round = 0; round < 3; round++) {
            const ids = await start();
            const finishes = Array.from({ length: 20 }, (_, i) =>
              i % 2 === 0
                ? completeExecution(db(), ORG_A, ids.executionId, { key: nextKey(), response: `Answer ${i}` }).then(() => i)
                : failExecution(db(), ORG_A, ids.executionId, { key: nextKey(), errorMessage: `Error ${i}` }).then(() => i),
            );
            const { values, errors } = await settle(finishes);
            expect(values).toHaveLength(1);
            expect(errors).toHaveLength(19);
            expect(errors).toEqual(Array(19).fill(recorderError('already_finished')));
            const winner = values[0]!;
            const row = await run(ORG_A, ids.executionId);
            expect(row.status).toBe(winner % 2 === 0 ? 'completed' : 'failed');
            expect(row.errorMessage).toBe(winner % 2 === 0 ? null : `Error ${winner}`);
            const terminal = (await stepsOf(ORG_A, ids.conversationId)).filter((s) => s.kind !== 'scheduled_call');
            expect(terminal).toEqual([
              expect.objectContaining({
                position: 1,
                kind: winner % 2 === 0 ? 'final_response' : 'error',
                content: winner % 2 === 0 ? `Answer ${winner}` : `Error ${winner}`,
              }),
            ]);
          }
        });

        it('keeps all of 50 parallel tool calls, at contiguous positions', async () => {
          const ids = await start();
          const stepKeys = Array.from({ length: 50 }, () => nextKey('tool'));
          const { values, errors } = await settle(
            stepKeys.map((key, i) => recordToolCall(db(), ORG_A, ids.executionId, toolCall(key, i))),
          );
          expect(errors).toEqual([]);
          expect(values.map((v) => v.position).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
          const stored = await stepsOf(ORG_A, ids.conversationId);
          expect(stored.map((s) => s.position)).toEqual(Array.from({ length: 51 }, (_, i) => i));
          expect(new Set(stored.map((s) => s.key))).toEqual(new Set([null, ...stepKeys]));
        });

        it('mixes racing tool calls and finishes: one terminal step, last, and no accepted step lost', async () => {
          const ids = await start();
          const calls = Array.from({ length: 30 }, (_, i) => {
            const key = nextKey('tool');
            return recordToolCall(db(), ORG_A, ids.executionId, toolCall(key, i)).then(() => key);
          });
          const finishes = Array.from({ length: 10 }, (_, i) =>
            completeExecution(db(), ORG_A, ids.executionId, { key: nextKey('finish'), response: `Answer ${i}` }).then(
              () => `finish-${i}`,
            ),
          );
          // Settled together: a finish that loses the race rejects while the tool calls are still pending,
          // and a rejection without a handler yet is reported as unhandled.
          const [tools, done] = await Promise.all([settle(calls), settle(finishes)]);
          expect(done.values).toHaveLength(1);
          expect([...tools.errors, ...done.errors]).toEqual(
            Array(tools.errors.length + done.errors.length).fill(recorderError('already_finished')),
          );
          const stored = await stepsOf(ORG_A, ids.conversationId);
          expect(stored.map((s) => s.position)).toEqual(stored.map((_, i) => i));
          expect(stored.filter((s) => s.kind === 'final_response')).toHaveLength(1);
          expect(stored.at(-1)?.kind).toBe('final_response');
          expect(
            stored
              .filter((s) => s.kind === 'tool_call')
              .map((s) => s.key)
              .sort(),
          ).toEqual([...tools.values].sort());
          expect((await run(ORG_A, ids.executionId)).status).toBe('completed');
        });
      });

      describe('credits', () => {
        it('arrive after the run has finished, and not before', async () => {
          const ids = await start();
          await expect(setCredits(db(), ORG_A, ids.executionId, 2.5)).rejects.toEqual(recorderError('invalid_transition'));
          await completeExecution(db(), ORG_A, ids.executionId, { key: nextKey(), response: 'Done' });
          const listed = async () =>
            (
              await listExecutions(db(), ORG_A, filtersFor(DEFAULT_QUERY, 'UTC'), { kind: 'offset', limit: 1000, offset: 0 })
            ).find((r) => r.id === ids.executionId);
          expect((await listed())?.credits).toBeNull();
          await setCredits(db(), ORG_A, ids.executionId, 12.34);
          expect((await listed())?.credits).toBe(12.34);
          await setCredits(db(), ORG_A, ids.executionId, 12.34);
          await setCredits(db(), ORG_A, ids.executionId, 0);
          expect((await listed())?.credits).toBe(0);
        });

        it('must be a finite, non-negative number', async () => {
          const ids = await start();
          await completeExecution(db(), ORG_A, ids.executionId, { key: nextKey(), response: 'Done' });
          for (const credits of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e12]) {
            await expect(setCredits(db(), ORG_A, ids.executionId, credits)).rejects.toEqual(recorderError('invalid_input'));
          }
          expect((await run(ORG_A, ids.executionId)).credits).toBeNull();
        });
      });

      describe('tenant scoping', () => {
        it('finds no run of another organization, whatever the call, and leaves it untouched', async () => {
          const ids = await start();
          await recordToolCall(db(), ORG_A, ids.executionId, toolCall(nextKey()));
          const before = { row: await run(ORG_A, ids.executionId), steps: await stepsOf(ORG_A, ids.conversationId) };
          const id = ids.executionId;
          const attempts = [
            markActive(db(), ORG_B, id),
            recordToolCall(db(), ORG_B, id, toolCall(nextKey())),
            completeExecution(db(), ORG_B, id, { key: nextKey(), response: 'Hijacked' }),
            failExecution(db(), ORG_B, id, { key: nextKey(), errorMessage: 'Hijacked' }),
            setCredits(db(), ORG_B, id, 99),
            markActive(db(), ORG_A, 'not-a-uuid'),
            completeExecution(db(), ORG_A, '00000000-0000-4000-8000-000000000999', { key: nextKey(), response: 'x' }),
          ];
          const { values, errors } = await settle<unknown>(attempts);
          expect(values).toEqual([]);
          expect(errors).toEqual(Array(attempts.length).fill(recorderError('not_found')));
          expect({ row: await run(ORG_A, id), steps: await stepsOf(ORG_A, ids.conversationId) }).toEqual(before);
        });
      });

      describe('recording finished runs whole', () => {
        const finishedRun = (key: string, overrides: Partial<FinishedRunInput> = {}): FinishedRunInput => ({
          key,
          scheduleId: SCHEDULE_A,
          prompt: PROMPT,
          startedAt: new Date('2026-02-01T12:00:00Z'),
          toolCalls: [{ ...toolCall('unused'), at: new Date('2026-02-01T12:00:03Z') }],
          outcome: { status: 'failed', errorMessage: 'hubspot: 401 EXPIRED_AUTHENTICATION; reconnect in Tools' },
          finishedAt: new Date('2026-02-01T12:00:05Z'),
          credits: 1.25,
          ...overrides,
        });

        it("stores a tool call's JSON null as no value and a JSON string as a string, as a finished run's", async () => {
          const stored = async (conversationId: string) =>
            (
              await db()
                .select({
                  input: sql<string | null>`jsonb_typeof(${steps.toolInput})`,
                  output: sql<string | null>`jsonb_typeof(${steps.toolOutput})`,
                  inputIsNull: sql<boolean>`${steps.toolInput} is null`,
                })
                .from(steps)
                .where(
                  and(eq(steps.organizationId, ORG_A), eq(steps.conversationId, conversationId), eq(steps.kind, 'tool_call')),
                )
            ).map((r) => ({ ...r, inputIsNull: r.inputIsNull === true || String(r.inputIsNull) === 't' }));
          const call = { ...toolCall(nextKey()), input: null, output: 'plain text, not JSON' };
          const live = await start('active');
          await recordToolCall(db(), ORG_A, live.executionId, call);
          const [backfilled] = await recordFinishedRuns(db(), ORG_A, [
            finishedRun(nextKey(), { toolCalls: [{ ...call, at: new Date('2026-02-01T12:00:03Z') }] }),
          ]);
          const expected = [{ input: null, output: 'string', inputIsNull: true }];
          expect(await stored(backfilled!.conversationId)).toEqual(expected);
          expect(await stored(live.conversationId)).toEqual(expected);
        });

        it('marks each run with its first failed tool call, and its tools', async () => {
          const call = (toolName: string, ok: boolean, second: number) => ({
            ...toolCall('unused'),
            toolName,
            ok,
            at: new Date(`2026-02-01T12:00:0${second}Z`),
          });
          const toolCalls = [call('crm.search', true, 1), call('mail.send', false, 2), call('slack.post', false, 3)];
          const [failed, clean] = await recordFinishedRuns(db(), ORG_A, [
            finishedRun(nextKey(), { toolCalls }),
            finishedRun(nextKey(), { toolCalls: [toolCalls[0]!] }),
          ]);
          const marks = await db()
            .select({
              id: executions.id,
              failedTool: executions.failedTool,
              failedStep: executions.failedStep,
              tools: executions.toolNames,
            })
            .from(executions)
            .where(and(eq(executions.organizationId, ORG_A), inArray(executions.id, [failed!.executionId, clean!.executionId])));
          expect(marks.find((m) => m.id === failed!.executionId)).toMatchObject({
            failedTool: 'mail.send',
            failedStep: 2,
            tools: 'crm.search\nmail.send\nslack.post',
          });
          expect(marks.find((m) => m.id === clean!.executionId)).toMatchObject({
            failedTool: '',
            failedStep: null,
            tools: 'crm.search',
          });
        });

        it('writes each run with its steps, and a retried batch writes nothing more', async () => {
          const batch = [finishedRun(nextKey()), finishedRun(nextKey(), { outcome: { status: 'completed', response: 'Done' } })];
          const before = await counts();
          const first: StartedExecution[] = await recordFinishedRuns(db(), ORG_A, batch);
          expect(await counts()).toEqual({
            conversations: before.conversations + 2,
            executions: before.executions + 2,
            steps: before.steps + 6,
          });
          expect(await recordFinishedRuns(db(), ORG_A, batch)).toEqual(first);
          expect(await recordFinishedRuns(db(), ORG_A, [...batch, finishedRun(nextKey())])).toHaveLength(3);
          expect((await counts()).executions).toBe(before.executions + 3);
          const conversation = await findExecutionConversation(db(), ORG_A, first[0]!.conversationId);
          expect(conversation).toMatchObject({
            status: 'failed',
            credits: 1.25,
            errorMessage: 'hubspot: 401 EXPIRED_AUTHENTICATION; reconnect in Tools',
          });
          expect(conversation?.steps.map((s) => s.kind)).toEqual(['scheduled_call', 'tool_call', 'error']);
        });

        it('gives overlapping batches racing in opposite orders the same runs, once', async () => {
          const batch = Array.from({ length: 20 }, () => finishedRun(nextKey()));
          const before = await counts();
          const { values, errors } = await settle(
            Array.from({ length: 6 }, (_, i) => recordFinishedRuns(db(), ORG_A, i % 2 ? [...batch].reverse() : batch)),
          );
          expect(errors).toEqual([]);
          const ids = values.map((v, i) => (i % 2 ? [...v].reverse() : v));
          for (const other of ids) expect(other).toEqual(ids[0]);
          expect((await counts()).executions).toBe(before.executions + 20);
        });

        it('writes all of a batch or none of it', async () => {
          const before = await counts();
          const bad = finishedRun(nextKey(), {
            toolCalls: [{ ...toolCall('unused'), toolName: EXPLODE, at: new Date('2026-02-01T12:00:03Z') }],
          });
          await expect(recordFinishedRuns(db(), ORG_A, [finishedRun(nextKey()), bad])).rejects.toEqual(injectedFailure);
          expect(await counts()).toEqual(before);
        });

        it('refuses steps outside the run and a finish before the start', async () => {
          await expect(
            recordFinishedRuns(db(), ORG_A, [finishedRun(nextKey(), { finishedAt: new Date('2026-02-01T11:00:00Z') })]),
          ).rejects.toEqual(recorderError('invalid_input'));
          await expect(
            recordFinishedRuns(db(), ORG_A, [
              finishedRun(nextKey(), { toolCalls: [{ ...toolCall('unused'), at: new Date('2026-02-01T13:00:00Z') }] }),
            ]),
          ).rejects.toEqual(recorderError('invalid_input'));
        });
      });
    },
  );
}

describe('RecorderError', () => {
  it('carries a code callers can switch on', () => {
    const error = new RecorderError('already_finished', 'Execution x has already completed');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'RecorderError', code: 'already_finished' });
  });
});
