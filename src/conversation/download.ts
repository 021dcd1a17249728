/**
 * The whole of a prompt, tool input or output, response or error that the conversation page shows
 * cut short (bounds.ts), as a download. Streamed from Postgres in slices, each read when the
 * client has taken the one before: a 10 MB value is never one string in this process, and a slow
 * client holds the reading back. Every read is scoped by the organization, as the page is.
 */
import { and, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../db/database.js';
import { rowsOf, type Row } from '../db/raw-rows.js';
import { executions, steps } from '../db/schema.js';
import { jsonbText } from './bounded-repository.js';

export type DownloadField = 'content' | 'input' | 'output';

/** The run's error message or title, or one field of one step. */
export type DownloadPart = { kind: 'error' | 'title' } | { kind: 'step'; position: number; field: DownloadField };

export interface FieldDownload {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

/**
 * Characters a slice. Each slice is its own query, and Postgres reads a text (or writes a jsonb
 * value out) from its start to reach a slice: slices grow with the value, so a huge one takes a
 * bounded number of queries, while an ordinary large one streams in slices of modest size.
 */
const MIN_SLICE = 1024 * 1024;
const MAX_SLICES = 16;

/** The one row holding the field, scoped by the organization; its text and type ('text', or jsonb_typeof). */
interface Source {
  table: SQL;
  where: SQL;
  text: SQL;
  type: SQL;
}

function sourceOf(organizationId: string, conversationId: string, part: DownloadPart): Source {
  // A scheduled run's, as the page is: another channel's conversation is the page's 404.
  const scheduledRun = and(
    eq(executions.organizationId, organizationId),
    eq(executions.conversationId, conversationId),
    isNotNull(executions.scheduleId),
  )!;
  if (part.kind !== 'step') {
    return {
      table: sql`${executions}`,
      where: scheduledRun,
      text: sql`${part.kind === 'error' ? executions.errorMessage : executions.conversationTitle}`,
      type: sql`'text'`,
    };
  }
  const table = sql`${steps}`;
  const where = and(
    eq(steps.organizationId, organizationId),
    eq(steps.conversationId, conversationId),
    eq(steps.position, part.position),
    sql`exists (select from ${executions} where ${scheduledRun})`,
  )!;
  if (part.field === 'content') return { table, where, text: sql`${steps.content}`, type: sql`'text'` };
  const column = part.field === 'input' ? steps.toolInput : steps.toolOutput;
  return { table, where, text: jsonbText(column), type: sql`jsonb_typeof(${column})` };
}

/**
 * Characters `from` (1-based) on of the field, `length` of them; the first read also gives the
 * field's type and length. The text is computed once in a lateral subquery (OFFSET 0 keeps it
 * from being folded into each use, which would write a jsonb value out twice).
 */
function readSlice(db: ExecutionsDatabase, source: Source, from: number, length: number, first: boolean): Promise<Row[]> {
  const extra = first ? sql`, x.type as type, length(x.text) as chars` : sql``;
  return rowsOf(
    db,
    sql`select substr(x.text, ${from}::int, ${length}::int) as chunk${extra}
      from ${source.table} cross join lateral (select ${source.text} as text, ${source.type} as type offset 0) as x
      where ${source.where}`,
  );
}

function filenameOf(conversationId: string, part: DownloadPart, json: boolean): string {
  const what = part.kind === 'step' ? `step-${part.position}-${part.field}` : part.kind;
  return `conversation-${conversationId}-${what}.${json ? 'json' : 'txt'}`;
}

/**
 * The field as a download, its first slice read before anything is sent (a missing field is a
 * 404, and a database that cannot serve a 503, not a 200 cut short). Null when the organization
 * has no such run, step or value.
 */
export async function openFieldDownload(
  db: ExecutionsDatabase,
  organizationId: string,
  conversationId: string,
  part: DownloadPart,
): Promise<FieldDownload | null> {
  const source = sourceOf(organizationId, conversationId, part);
  const [row] = await readSlice(db, source, 1, MIN_SLICE, true);
  if (!row || typeof row.chunk !== 'string') return null;
  const chars = Number(row.chars);
  const sliceLength = Math.max(MIN_SLICE, Math.ceil(chars / MAX_SLICES));
  // A JSON string is the text it holds; anything else in a jsonb column is JSON.
  const json = row.type !== 'text' && row.type !== 'string';
  const encoder = new TextEncoder();
  let pending: string | null = row.chunk;
  let from = 1 + MIN_SLICE;
  const body = new ReadableStream<Uint8Array>({
    // Called once the previous chunk was taken, so a slow client holds the reading back.
    async pull(controller) {
      let text = pending;
      pending = null;
      if (text === null) {
        const [more] = await readSlice(db, source, from, sliceLength, false);
        from += sliceLength;
        text = typeof more?.chunk === 'string' ? more.chunk : '';
      }
      if (text !== '') controller.enqueue(encoder.encode(text));
      if (text === '' || from > chars) controller.close();
    },
  });
  return {
    filename: filenameOf(conversationId, part, json),
    contentType: json ? 'application/json' : 'text/plain; charset=utf-8',
    body,
  };
}
