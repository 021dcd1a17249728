/**
 * Runs whose prompts, tool inputs and outputs, responses and errors are megabytes long, for the
 * conversation page's bounds: recorded through the write API with small values, then given their
 * huge ones in SQL (repeat() in Postgres writes 10 MB far faster than a parameter would carry it).
 */
import { sql } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../../src/db/database.js';
import {
  completeExecution,
  failExecution,
  markActive,
  recordToolCall,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
  type StartedExecution,
} from '../../src/write/recorder.js';
import { select } from './select.js';

export const MB = 1_000_000;
/** Mixed characters: markup, quotes and ampersands (escaped on the page), two- to four-byte UTF-8. */
export const MIXED = `héllo <b class="x">wörld</b> & 'quotes' "double" 日本語 🎉 \\ {"k": [1, 2]}\n`;

export interface HugeFixture {
  /** Failed: a 10 MB prompt, three tool calls with 10 MB of JSON in and a 10 MB text out, a 10 MB error. */
  failed: StartedExecution;
  /** Completed: a 10 MB prompt and response, and many tool calls of 200 KB each way. */
  completed: StartedExecution;
  /** How many tool calls the completed run made. */
  manyCalls: number;
}

const uuid = (group: number, n: number) =>
  `00000000-0000-4000-8${group.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;
export const SCHEDULE_ID = uuid(2, 1);

/** `sql` text of about `bytes` bytes of MIXED, built in Postgres. */
const mixedText = (bytes: number) => sql`repeat(${MIXED}::text, ${Math.ceil(bytes / Buffer.byteLength(MIXED))}::int)`;
/** Objects in mixedJson's array of `bytes` (each is about 166 bytes as Postgres writes it). */
export const jsonItems = (bytes: number) => Math.ceil(bytes / 166);
/** A JSON array of about `bytes` bytes of objects holding mixed text. */
const mixedJson = (bytes: number) =>
  sql`(select jsonb_agg(jsonb_build_object('id', g, 'text', ${MIXED}::text, 'ok', g % 2 = 0, 'nested', jsonb_build_object('empty', '{}'::jsonb, 'none', '[]'::jsonb)))
    from generate_series(1, ${jsonItems(bytes)}::int) g)`;

/** `size`: the bytes of the failed run's fields and the completed run's prompt and response. */
export async function recordHugeRuns(
  db: ExecutionsDatabase,
  organizationId: string,
  { size = 10 * MB, manyCalls = 30 }: { size?: number; manyCalls?: number } = {},
): Promise<HugeFixture> {
  await upsertOrganization(db, organizationId, { name: 'Huge', timeZone: 'UTC' });
  await upsertAgent(db, organizationId, { agentId: uuid(1, 1), name: 'Bulky agent' });
  await upsertSchedule(db, organizationId, {
    scheduleId: SCHEDULE_ID,
    agentId: uuid(1, 1),
    name: 'Bulk export',
    kind: 'cron',
    expression: '0 * * * *',
  });
  const start = async (key: string, startedAt: Date) => {
    const run = await startExecution(db, organizationId, { key, scheduleId: SCHEDULE_ID, prompt: 'p', startedAt });
    await markActive(db, organizationId, run.executionId);
    return run;
  };
  const call = (run: StartedExecution, key: string, ok: boolean) =>
    recordToolCall(db, organizationId, run.executionId, { key, toolName: 'bulk', input: {}, output: {}, ok, durationMs: 5 });

  const failed = await start('failed', new Date('2026-03-20T10:00:00Z'));
  for (const n of [0, 1, 2]) await call(failed, `call-${n}`, n !== 1);
  await failExecution(db, organizationId, failed.executionId, { key: 'fail', errorMessage: 'boom' });
  const completed = await start('completed', new Date('2026-03-20T11:00:00Z'));
  for (let n = 0; n < manyCalls; n += 1) await call(completed, `call-${n}`, true);
  await completeExecution(db, organizationId, completed.executionId, { key: 'done', response: 'ok' });

  const where = (run: StartedExecution) =>
    sql`organization_id = ${organizationId} and conversation_id = ${run.conversationId}::uuid`;
  await db.execute(
    sql`update executions_admin.xa_steps set content = ${mixedText(size)} where ${where(failed)} and kind <> 'tool_call'`,
  );
  await db.transaction(async (tx) => {
    // The error's signature (a generated column) takes seconds to compute on 10 MB, and the steps'
    // trigger writes each 10 MB JSON value out as text to keep its beginning (0029).
    await tx.execute(sql`set local statement_timeout = 0`);
    await tx.execute(
      sql`update executions_admin.xa_steps set tool_input = ${mixedJson(size)}, tool_output = to_jsonb(${mixedText(size)})
        where ${where(failed)} and kind = 'tool_call'`,
    );
    await tx.execute(sql`update executions_admin.xa_executions set error_message = ${mixedText(size)} where ${where(failed)}`);
  });
  await db.execute(
    sql`update executions_admin.xa_steps set content = ${mixedText(size)} where ${where(completed)} and kind <> 'tool_call'`,
  );
  await db.execute(
    sql`update executions_admin.xa_steps set tool_input = ${mixedJson(200_000)}, tool_output = to_jsonb(${mixedText(200_000)})
      where ${where(completed)} and kind = 'tool_call'`,
  );
  return { failed, completed, manyCalls };
}

/** A field's size and MD5, as Postgres reads the stored value (a JSON string as its text). */
export async function storedDigest(
  db: ExecutionsDatabase,
  organizationId: string,
  conversationId: string,
  field: 'error' | 'content' | 'input' | 'output',
  position = 0,
): Promise<{ bytes: number; md5: string }> {
  const asText = (column: string) =>
    sql.raw(`(case when jsonb_typeof(${column}) = 'string' then ${column} #>> '{}' else ${column}::text end)`);
  const [row] =
    field === 'error'
      ? await select(
          db,
          sql`select octet_length(error_message) as bytes, md5(error_message) as md5 from executions_admin.xa_executions
            where organization_id = ${organizationId} and conversation_id = ${conversationId}::uuid`,
        )
      : await select(
          db,
          sql`select octet_length(t) as bytes, md5(t) as md5 from (select ${
            field === 'content' ? sql.raw('content') : asText(field === 'input' ? 'tool_input' : 'tool_output')
          } as t from executions_admin.xa_steps
            where organization_id = ${organizationId} and conversation_id = ${conversationId}::uuid and position = ${position}) s`,
        );
  return { bytes: Number(row!.bytes), md5: String(row!.md5) };
}
