/**
 * A run's columns as the list reads them, and the texts it shows cut to length in Postgres: the
 * page, the live poll, the CSV and the conversation page read the same.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { executions } from '../db/schema.js';

/** Microsecond-exact and round-trips through ::timestamptz: a JavaScript Date would lose precision. */
export const cursorText = (instant: SQL | AnyPgColumn) =>
  sql<string>`to_char(${instant} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
// Aliased: the page is also read as a subquery (pageWithSummary), which needs names for expressions.
const startedAtText = cursorText(executions.startedAt).as('started_at_text');

/** A run's columns as the list reads them: its agent by id, named from the organization's agents. */
export const pageColumns = {
  id: executions.id,
  startedAtText,
  conversationId: executions.conversationId,
  agentId: executions.agentId,
  scheduleTitle: executions.conversationTitle,
  status: executions.status,
  startedAt: executions.startedAt,
  finishedAt: executions.finishedAt,
  credits: executions.credits,
  errorMessage: executions.errorMessage,
  usualCredits: executions.usualCredits,
  usualDurationMs: executions.usualDurationMs,
  creditSpike: executions.creditSpike,
  failedTool: executions.failedTool,
  failedStep: executions.failedStep,
};

/**
 * How much of a run's title and error the list shows: a row, or an error revealed over the list,
 * must stay readable and light whatever a host stored. One more character is read, so the view
 * knows the text goes on; the run's own page has more, and its error whole as a download.
 */
export const SHOWN_TITLE_LENGTH = 200;
export const SHOWN_ERROR_LENGTH = 300;
/**
 * How much of a title the run's own page shows, in its heading, its schedule and the browser's
 * title: a schedule's name is not limited where it is written, and a page on a slow link must not
 * carry one three times whole. The CSV has all of it.
 */
export const PAGE_TITLE_LENGTH = 1000;

/** A text as the list shows it: one character past `length`, cut in Postgres. */
export const shownText = <T extends string | null>(text: AnyPgColumn | SQL | SQL.Aliased, length: number) =>
  sql<T>`left(${text}, ${sql.raw(String(length + 1))})`;

/** As the list reads them: the title and the error cut in Postgres, so a long one is never sent here whole. */
export const listColumns = {
  ...pageColumns,
  scheduleTitle: shownText<string>(executions.conversationTitle, SHOWN_TITLE_LENGTH).as('schedule_title'),
  errorMessage: shownText<string | null>(executions.errorMessage, SHOWN_ERROR_LENGTH).as('error_message'),
};
