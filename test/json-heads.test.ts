/**
 * The beginnings and sizes of long tool inputs and outputs kept at write time (trigger of
 * drizzle/0029_step_json_heads.sql), which the conversation page reads instead of the values:
 * - what the page reads of a step is the same with them and without them (a row the trigger did
 *   not see), for values around the length where they start, written by the API or by plain SQL;
 * - they are kept, exactly, for every value of over 64 KiB as jsonb, one copied compressed from
 *   another row included, and, when kept at all, exact for a smaller one; cleared or put right by
 *   any write to a value or to them.
 */
import { and, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBoundedConversation } from '../src/conversation/bounded-repository.js';
import { HEAD_CHARS } from '../src/conversation/bounds.js';
import { steps } from '../src/db/schema.js';
import { markActive, recordToolCall, startExecution, type StartedExecution } from '../src/write/recorder.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { recordHugeRuns, SCHEDULE_ID } from './support/huge-conversation.js';
import { select } from './support/select.js';

const ORG = 'json-heads-org';
/** Units of text of one to four UTF-8 bytes, and characters JSON escapes. */
const unit = fc.constantFrom('a', 'é', '日', '🎉', '"', '\\', '\n', '<&>');
/** A count of units that puts a value's text just under, at or just over HEAD_CHARS characters. */
const nearHead = (per: number) => fc.integer({ min: Math.floor(HEAD_CHARS / per) - 3, max: Math.ceil(HEAD_CHARS / per) + 3 });
/** Over 64 KiB as jsonb whatever the unit (each at least a byte): the trigger keeps these. */
const HUGE_UNITS = 70_000;
/** A payload, and whether the trigger must keep its beginning. */
const payload = fc.oneof(
  // A JSON string: its text is the string itself.
  fc.tuple(unit, nearHead(1)).map(([u, n]) => ({ value: u.repeat(n), huge: false })),
  // An array of strings, an object: their text is JSON.
  fc.tuple(unit, nearHead(6)).map(([u, n]) => ({ value: Array.from({ length: n }, () => `${u}`), huge: false })),
  fc
    .tuple(unit, nearHead(12))
    .map(([u, n]) => ({ value: { list: Array.from({ length: n }, (_, i) => ({ [`${i}`]: u })) }, huge: false })),
  fc.tuple(unit, fc.integer({ min: 0, max: 3 })).map(([u, n]) => ({ value: u.repeat(HUGE_UNITS + n), huge: true })),
  fc
    .tuple(unit, fc.integer({ min: 0, max: 3 }))
    .map(([u, n]) => ({ value: { list: [u.repeat(HUGE_UNITS + n), 1] }, huge: true })),
  fc.constantFrom(null, 1, 'short', { a: [] }).map((value) => ({ value, huge: false })),
);

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `long tool payloads' heads on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let run: StartedExecution;

      beforeAll(async () => {
        database = await target.open();
        // The organization, its agent and schedule; then a run left active, to record calls into.
        await recordHugeRuns(database.db, ORG, { size: 1_000, manyCalls: 1 });
        run = await startExecution(database.db, ORG, {
          key: 'heads',
          scheduleId: SCHEDULE_ID,
          prompt: 'p',
          startedAt: new Date(),
        });
        await markActive(database.db, ORG, run.executionId);
      }, 120_000);
      afterAll(() => database?.dispose());

      /** The stored columns, and what they should be, computed from the value here in SQL. */
      const kept = async (position: number) => {
        const [row] = await select(
          database.db,
          sql`select tool_input_type, tool_input_head, tool_input_bytes, tool_output_type, tool_output_head, tool_output_bytes,
              jsonb_typeof(tool_input) as input_type, jsonb_typeof(tool_output) as output_type, x.input, x.output
            from executions_admin.xa_steps,
              lateral (select case when jsonb_typeof(tool_input) = 'string' then tool_input #>> '{}' else tool_input::text end as input,
                case when jsonb_typeof(tool_output) = 'string' then tool_output #>> '{}' else tool_output::text end as output) x
            where organization_id = ${ORG} and conversation_id = ${run.conversationId}::uuid and position = ${position}`,
        );
        const expected = (type: unknown, value: unknown) =>
          typeof value === 'string' && [...value].length > HEAD_CHARS
            ? [type, [...value].slice(0, HEAD_CHARS).join(''), Buffer.byteLength(value)]
            : [null, null, null];
        const bytes = (b: unknown) => (b === null ? null : Number(b));
        return {
          stored: [
            [row!.tool_input_type, row!.tool_input_head, bytes(row!.tool_input_bytes)],
            [row!.tool_output_type, row!.tool_output_head, bytes(row!.tool_output_bytes)],
          ],
          expected: [expected(row!.input_type, row!.input), expected(row!.output_type, row!.output)],
        };
      };

      /** The step as the conversation page reads it. */
      const pageStep = async (position: number) =>
        (await findBoundedConversation(database.db, ORG, run.conversationId))!.steps.find((s) => s.position === position)!;

      /** The same, read from the values alone: the kept columns emptied with the triggers off. */
      const pageStepFromValues = async (position: number) => {
        await database.db.transaction(async (tx) => {
          await tx.execute(sql`set local session_replication_role = replica`);
          await tx
            .update(steps)
            .set({
              toolInputType: null,
              toolInputHead: null,
              toolInputBytes: null,
              toolOutputType: null,
              toolOutputHead: null,
              toolOutputBytes: null,
            })
            .where(
              and(eq(steps.organizationId, ORG), eq(steps.conversationId, run.conversationId), eq(steps.position, position)),
            );
        });
        return pageStep(position);
      };

      let next = 0;
      it('keeps them exactly for huge values, and the page reads the same with them as without', async () => {
        await fc.assert(
          fc.asyncProperty(payload, payload, async (input, output) => {
            const { position } = await recordToolCall(database.db, ORG, run.executionId, {
              key: `heads-${(next += 1)}`,
              toolName: 'probe',
              input: input.value,
              output: output.value,
              ok: true,
              durationMs: 1,
            });
            const { stored, expected } = await kept(position);
            // Kept for a huge value, exactly; for a smaller one exactly or not at all.
            [input, output].forEach(({ huge }, i) => {
              expect(stored[i]).toEqual(huge || stored[i]![0] !== null ? expected[i] : [null, null, null]);
              if (huge) expect(stored[i]![0]).not.toBeNull();
            });
            const withHeads = await pageStep(position);
            expect(await pageStepFromValues(position)).toEqual(withHeads);
          }),
          { numRuns: 40 },
        );
      });

      it('puts them right after any plain SQL write to a value or to them', async () => {
        const long = { list: 'x'.repeat(HUGE_UNITS) };
        const { position } = await recordToolCall(database.db, ORG, run.executionId, {
          key: 'heads-sql',
          toolName: 'probe',
          input: long,
          output: 'y'.repeat(HUGE_UNITS),
          ok: true,
          durationMs: 1,
        });
        const where = sql`organization_id = ${ORG} and conversation_id = ${run.conversationId}::uuid and position = ${position}`;
        const holds = async () => {
          const { stored, expected } = await kept(position);
          expect(stored).toEqual(expected);
        };
        await holds();
        expect((await kept(position)).stored.map(([type]) => type)).toEqual(['object', 'string']);
        await database.db.execute(
          sql`update executions_admin.xa_steps set tool_input_head = '<script>lie</script>', tool_output_bytes = 1 where ${where}`,
        );
        await holds();
        await database.db.execute(
          sql`update executions_admin.xa_steps set tool_input_type = 'string', tool_input_head = null where ${where}`,
        );
        await holds();
        await database.db.execute(sql`update executions_admin.xa_steps set tool_output = '"short"'::jsonb where ${where}`);
        await holds();
        expect((await kept(position)).stored[1]).toEqual([null, null, null]);
        await database.db.execute(
          sql`update executions_admin.xa_steps set tool_input = to_jsonb(repeat('🎉', ${HUGE_UNITS}::int)), tool_output = null where ${where}`,
        );
        await holds();
        expect((await kept(position)).stored[0]![2]).toBe(4 * HUGE_UNITS);
        await database.db.execute(
          sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, tool_name, tool_input, tool_input_head, ok, created_at)
            values (${ORG}, ${run.conversationId}::uuid, ${position + 1000}, 'tool_call', 'probe', ${JSON.stringify(long)}::jsonb, 'lie', true, now())`,
        );
        const { stored, expected } = await kept(position + 1000);
        expect(stored).toEqual(expected);
        expect(stored[0]![1]).toBe(JSON.stringify(long).replace(':', ': ').slice(0, HEAD_CHARS));
        // Copied from another row, the value arrives compressed, far smaller than its text.
        await database.db.execute(
          sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, tool_name, tool_input, ok, created_at)
            select organization_id, conversation_id, position + 1000, kind, tool_name, tool_input, ok, created_at
              from executions_admin.xa_steps where organization_id = ${ORG} and conversation_id = ${run.conversationId}::uuid
                and position = ${position + 1000}`,
        );
        const [copied] = await select(
          database.db,
          sql`select pg_column_size(tool_input) as size from executions_admin.xa_steps
            where organization_id = ${ORG} and conversation_id = ${run.conversationId}::uuid and position = ${position + 2000}`,
        );
        expect(Number(copied!.size), `size ${String(copied!.size)}`).toBeLessThan(2730);
        const copy = await kept(position + 2000);
        expect(copy.stored).toEqual(copy.expected);
        expect(copy.stored[0]![0]).toBe('object');
      });

      it('reads a long number it keeps nothing of from the value, as it reads the rest', async () => {
        // A few bytes as jsonb, 20,001 characters as text: the trigger's size test passes it by.
        const { position } = await recordToolCall(database.db, ORG, run.executionId, {
          key: 'heads-number',
          toolName: 'probe',
          input: 'pending',
          output: null,
          ok: true,
          durationMs: 1,
        });
        await database.db.execute(
          sql`update executions_admin.xa_steps set tool_input = '1e20000'::jsonb
            where organization_id = ${ORG} and conversation_id = ${run.conversationId}::uuid and position = ${position}`,
        );
        expect((await kept(position)).stored[0]).toEqual([null, null, null]);
        const step = await pageStep(position);
        expect(step.toolInput).toEqual({ type: 'number', head: `1${'0'.repeat(HEAD_CHARS - 1)}`, bytes: 20_001 });
      });
    },
  );
}
