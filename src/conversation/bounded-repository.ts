/**
 * A scheduled run with its conversation, as the conversation page reads it. Prompts, tool inputs
 * and outputs, responses and errors can run to megabytes: the page reads only their beginnings
 * (bounds.ts) and their sizes, cut in Postgres, so a huge value never crosses to this process.
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { ExecutionsDatabase } from '../db/database.js';
import { agents, executions, schedules, steps, type ScheduleKind, type StepKind } from '../db/schema.js';
import { toExecutionRow, type ExecutionRow } from '../list/page-query.js';
import { PAGE_TITLE_LENGTH, pageColumns, shownText } from '../list/run-columns.js';
import { HEAD_CHARS } from './bounds.js';

/** The beginning of a stored text and its whole size. */
export interface TextHead {
  /** At most HEAD_CHARS characters. */
  head: string;
  /** UTF-8 bytes of the whole text. */
  bytes: number;
}

/** A jsonb value as text: a JSON string as the text it holds, anything else as Postgres writes JSON. */
export interface JsonHead extends TextHead {
  /** jsonb_typeof: 'string' for plain text (a service that did not answer JSON), 'null', 'object', … */
  type: string;
}

export interface BoundedStep {
  position: number;
  kind: StepKind;
  content: TextHead | null;
  toolName: string | null;
  toolInput: JsonHead | null;
  toolOutput: JsonHead | null;
  ok: boolean | null;
  durationMs: number | null;
  createdAt: Date;
}

export interface BoundedConversation extends Omit<ExecutionRow, 'errorMessage'> {
  errorMessage: TextHead | null;
  /** The whole title's size in UTF-8 bytes: the page shows its beginning (PAGE_TITLE_LENGTH). */
  scheduleTitleBytes: number;
  schedule: { name: string; kind: ScheduleKind; expression: string };
  steps: BoundedStep[];
}

/**
 * A jsonb value as the text a download gives: a JSON string unquoted, anything else as JSON.
 * Shared with the download so that the page's sizes are the files'.
 */
export function jsonbText(column: AnyPgColumn | SQL): SQL<string | null> {
  return sql<string | null>`(case when jsonb_typeof(${column}) = 'string' then ${column} #>> '{}' else ${column}::text end)`;
}

/**
 * substr, not left(): on a long TOASTed text it decompresses only the slice; octet_length reads
 * the size from the TOAST header.
 */
const head = (text: AnyPgColumn | SQL) => sql<string | null>`substr(${text}, 1, ${HEAD_CHARS})`;
const bytes = (text: AnyPgColumn | SQL) => sql<number | null>`octet_length(${text})`.mapWith(Number);
const textHead = (h: string | null, b: number | null): TextHead | null => (h === null ? null : { head: h, bytes: b ?? 0 });

/** What the trigger of drizzle/0029_step_json_heads.sql keeps of a long tool input or output. */
interface StoredHead {
  type: AnyPgColumn;
  head: AnyPgColumn;
  bytes: AnyPgColumn;
}

/**
 * A jsonb column's type and text, computed once a row in a lateral subquery (OFFSET 0 keeps
 * Postgres from folding it into the outer query, which would serialize the value once for each
 * use) — unless the value's beginning and size were kept when it was written: then the value is
 * not read at all, neither decompressed nor written out as text.
 */
const jsonbLateral = (column: AnyPgColumn, stored: StoredHead, alias: string) =>
  sql`(select coalesce(${stored.type}, jsonb_typeof(${column})) as type,
      case when ${stored.head} is null then ${jsonbText(column)} end as text,
      ${stored.head} as stored_head, ${stored.bytes} as stored_bytes
    offset 0) as ${sql.identifier(alias)}`;
const lateralColumns = (alias: string) => {
  const column = (name: string) => sql`${sql.identifier(alias)}.${sql.identifier(name)}`;
  return {
    type: sql<string | null>`${column('type')}`,
    head: head(sql`coalesce(${column('stored_head')}, ${column('text')})`),
    bytes: sql<number | null>`coalesce(${column('stored_bytes')}, octet_length(${column('text')}))`.mapWith(Number),
  };
};

/** The run's conversation with its steps in order; null when the organization has no such run. */
export async function findBoundedConversation(
  db: ExecutionsDatabase,
  organizationId: string,
  conversationId: string,
): Promise<BoundedConversation | null> {
  const [row] = await db
    .select({
      ...pageColumns,
      scheduleTitle: shownText<string>(executions.conversationTitle, PAGE_TITLE_LENGTH),
      scheduleTitleBytes: bytes(executions.conversationTitle),
      errorMessage: head(executions.errorMessage),
      errorBytes: bytes(executions.errorMessage),
      agentName: agents.name,
      agentDeletedAt: agents.deletedAt,
      scheduleName: schedules.name,
      scheduleKind: schedules.kind,
      scheduleExpression: schedules.expression,
    })
    .from(executions)
    .innerJoin(agents, and(eq(agents.organizationId, executions.organizationId), eq(agents.id, executions.agentId)))
    .innerJoin(schedules, and(eq(schedules.organizationId, executions.organizationId), eq(schedules.id, executions.scheduleId)))
    .where(and(eq(executions.organizationId, organizationId), eq(executions.conversationId, conversationId)));
  if (!row) return null;
  const input = lateralColumns('xa_input');
  const output = lateralColumns('xa_output');
  const stepRows = await db
    .select({
      position: steps.position,
      kind: steps.kind,
      contentHead: head(steps.content),
      contentBytes: bytes(steps.content),
      toolName: steps.toolName,
      inputType: input.type,
      inputHead: input.head,
      inputBytes: input.bytes,
      outputType: output.type,
      outputHead: output.head,
      outputBytes: output.bytes,
      ok: steps.ok,
      durationMs: steps.durationMs,
      createdAt: steps.createdAt,
    })
    .from(steps)
    .crossJoinLateral(
      jsonbLateral(
        steps.toolInput,
        { type: steps.toolInputType, head: steps.toolInputHead, bytes: steps.toolInputBytes },
        'xa_input',
      ),
    )
    .crossJoinLateral(
      jsonbLateral(
        steps.toolOutput,
        { type: steps.toolOutputType, head: steps.toolOutputHead, bytes: steps.toolOutputBytes },
        'xa_output',
      ),
    )
    .where(and(eq(steps.organizationId, organizationId), eq(steps.conversationId, conversationId)))
    .orderBy(asc(steps.position));
  const { scheduleName, scheduleKind, scheduleExpression, agentName, agentDeletedAt, errorBytes, scheduleTitleBytes } = row;
  const jsonHead = (type: string | null, h: string | null, b: number | null): JsonHead | null =>
    type === null || h === null ? null : { type, head: h, bytes: b ?? 0 };
  return {
    ...toExecutionRow({ ...row, errorMessage: null }, agentDeletedAt ? null : agentName),
    errorMessage: textHead(row.errorMessage, errorBytes),
    scheduleTitleBytes: scheduleTitleBytes ?? 0,
    schedule: { name: scheduleName, kind: scheduleKind, expression: scheduleExpression },
    steps: stepRows.map((s) => ({
      position: s.position,
      kind: s.kind,
      content: textHead(s.contentHead, s.contentBytes),
      toolName: s.toolName,
      toolInput: jsonHead(s.inputType, s.inputHead, s.inputBytes),
      toolOutput: jsonHead(s.outputType, s.outputHead, s.outputBytes),
      ok: s.ok,
      durationMs: s.durationMs,
      createdAt: s.createdAt,
    })),
  };
}
