/**
 * The module's tables. Every table carries `organization_id` and every primary, unique and
 * foreign key starts with it, so a distributed Postgres (Citus) can shard all of them by
 * organization and no join can ever cross from one organization into another.
 *
 * A key whose name drizzle would derive past Postgres's 63 bytes is named here: Postgres cuts a
 * longer name, and drizzle-kit, not finding the name it expects, drops and adds the key again on
 * every push. test/own-schema.test.ts holds the database's names to these.
 */
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  actionOutcome,
  conversationChannel,
  executionsAdmin,
  executionStatus,
  jobStatus,
  runAction,
  scheduleKind,
  stepKind,
} from './pg-schema.js';
import { sortIndexes } from './sort-indexes.js';

export {
  actionOutcome,
  conversationChannel,
  executionsAdmin,
  executionStatus,
  jobStatus,
  runAction,
  scheduleKind,
  stepKind,
} from './pg-schema.js';
export {
  executionDailyCounts,
  executionFailureCounts,
  executionFailureMonthlyCounts,
  executionFailureYearlyCounts,
  executionMonthlyCounts,
  executionOrgDailyCounts,
  executionOrgMonthlyCounts,
  executionStatusCounts,
} from './count-tables.js';
export { runActions } from './action-tables.js';
export { bulkJobs } from './job-tables.js';

/**
 * A run is a credit spike when it cost more than this many times its agent's usual credits (the
 * median of the agent's last 20 finished runs): the spec's sign of a tool loop or inflated context.
 */
export const CREDIT_SPIKE_FACTOR = 3;
/** A century: retention beyond it is keeping for ever. */
export const MAX_RETENTION_DAYS = 36_500;
/** An Active run is running long past this many times its agent's usual (median) duration. */
export const RUNNING_LONG_FACTOR = 3;

/** How much of a run's title, error and tool names search reads: the start of each. */
export const SEARCHED_LENGTH = 1000;

/**
 * What search matches, lower-cased: the title, the error and the tool names, a line apart (a term
 * holds no line break, so it never matches across two). Stored as a column (searched_text), not an
 * index expression: drizzle-kit cannot read an expression index back and would rebuild it on every
 * push, and a walk filtering by it pays no lower() per row.
 */
const searchedTextExpression = sql.raw(
  `lower(left("conversation_title", ${SEARCHED_LENGTH}) || E'\\n' || left(coalesce("error_message", ''), ${SEARCHED_LENGTH}) || E'\\n' || left("tool_names", ${SEARCHED_LENGTH}))`,
);

/** Past any credits numeric(12, 2) holds, and any duration in microseconds: where missing ones sort. */
const CREDITS_PAST_ANY = '10000000000';
const BIGINT_MAX = '9223372036854775807';
/** Finished − started in microseconds; null while running. */
const durationMicroseconds = '(extract(epoch from (finished_at - started_at)) * 1000000)::bigint';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/**
 * A time the pages can show: years 1900 to 9999 in UTC, as the write API takes them. drizzle reads
 * years before Christ and infinity as an invalid Date, years 1 to 99 as 19xx (drizzle/0031).
 */
const shownTime = (column: AnyPgColumn) => sql`${column} between '1900-01-01 00:00:00+00' and '9999-12-31 23:59:59.999999+00'`;

export const organizations = executionsAdmin.table(
  'xa_organizations',
  {
    organizationId: text('organization_id').primaryKey(),
    name: text('name').notNull(),
    /** IANA time zone; dates are shown and filtered in it. */
    timeZone: text('time_zone').notNull(),
    /** How many days its finished runs are kept; null keeps them for ever (src/write/retention.ts). */
    retentionDays: integer('retention_days'),
  },
  (t) => [check('xa_organizations_retention_days', sql`${t.retentionDays} between 1 and ${sql.raw(String(MAX_RETENTION_DAYS))}`)],
);

export const agents = executionsAdmin.table(
  'xa_agents',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.organizationId),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    /** Set when the agent is deleted: its rows stay so its runs stay listed. */
    deletedAt: timestamptz('deleted_at'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] }), check('xa_agents_deleted_at_shown', shownTime(t.deletedAt))],
);

export const schedules = executionsAdmin.table(
  'xa_schedules',
  {
    organizationId: text('organization_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    agentId: uuid('agent_id').notNull(),
    name: text('name').notNull(),
    kind: scheduleKind('kind').notNull(),
    /** A cron expression, an ISO 8601 duration, or the trigger's event name, by kind. */
    expression: text('expression').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    foreignKey({
      name: 'xa_schedules_agent_fk',
      columns: [t.organizationId, t.agentId],
      foreignColumns: [agents.organizationId, agents.id],
    }),
  ],
);

export const conversations = executionsAdmin.table(
  'xa_conversations',
  {
    organizationId: text('organization_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    agentId: uuid('agent_id').notNull(),
    channel: conversationChannel('channel').notNull(),
    title: text('title').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    foreignKey({
      name: 'xa_conversations_agent_fk',
      columns: [t.organizationId, t.agentId],
      foreignColumns: [agents.organizationId, agents.id],
    }),
    check('xa_conversations_created_at_shown', shownTime(t.createdAt)),
  ],
);

export const executions = executionsAdmin.table(
  'xa_executions',
  {
    organizationId: text('organization_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    conversationId: uuid('conversation_id').notNull(),
    /**
     * A copy of its conversation's title, which names the schedule that fired the run: the list,
     * its CSV and the conversation page read it here instead of probing the conversations' primary
     * key once per run (drizzle/0006_conversation_title.sql). Triggers set it from the conversation
     * on every insert, whatever the writer passed, and follow the title when it changes. It has no
     * default, so a load with the triggers off (session_replication_role = replica) that forgets it
     * fails on NOT NULL. An insert through drizzle may leave it out: it sends DEFAULT, which the
     * trigger replaces. (Declared as a column default, null, drizzle-kit found it missing from the
     * database — Postgres stores no default for DEFAULT NULL — and set it again on every push.)
     */
    conversationTitle: text('conversation_title')
      .notNull()
      .$defaultFn(() => sql`default`),
    agentId: uuid('agent_id').notNull(),
    /** The schedule that fired the run; null for runs from other channels, which the page never lists. */
    scheduleId: uuid('schedule_id'),
    status: executionStatus('status').notNull(),
    startedAt: timestamptz('started_at').notNull(),
    finishedAt: timestamptz('finished_at'),
    /** Null until the platform has calculated the run's cost. */
    credits: numeric('credits', { precision: 12, scale: 2, mode: 'number' }),
    errorMessage: text('error_message'),
    /** The scheduler's key for the call that started the run: a retry finds the run instead of duplicating it. */
    idempotencyKey: text('idempotency_key'),
    /**
     * The agent's median credits and (completed) duration over its last 20 finished scheduled
     * runs before this one, filled in when the run is recorded (drizzle/0003_insights.sql); null
     * until the agent has 5 such runs.
     */
    usualCredits: numeric('usual_credits', { precision: 12, scale: 2, mode: 'number' }),
    usualDurationMs: integer('usual_duration_ms'),
    /** Credits above CREDIT_SPIKE_FACTOR times the usual ones. */
    creditSpike: boolean('credit_spike')
      .notNull()
      .generatedAlwaysAs(sql`coalesce(credits > ${sql.raw(String(CREDIT_SPIKE_FACTOR))} * usual_credits, false)`),
    /**
     * The run's first failed tool call (lowest position): its tool, '' when no tool call failed,
     * and its position. Kept by a trigger on xa_steps.
     */
    failedTool: text('failed_tool').notNull().default(''),
    failedStep: integer('failed_step'),
    /** The error with its particulars (ids, numbers, times, quoted values) replaced: what failures group by. */
    errorSignature: text('error_signature')
      .notNull()
      .generatedAlwaysAs(sql`coalesce(executions_admin.xa_error_signature(error_message), '')`),
    /**
     * The names of the tools the run called, each once, in the order first called, one a line:
     * what search finds a run by besides its title and error. Kept by triggers on xa_steps and on
     * insert (drizzle/0012_search.sql), whoever writes the steps.
     */
    toolNames: text('tool_names').notNull().default(''),
    searchedText: text('searched_text').notNull().generatedAlwaysAs(searchedTextExpression),
    /**
     * The sortable columns' keys, one for each direction (src/list/sort.ts): a missing value (credits
     * not calculated, a run not finished) is last both ways, so it stands in as a bound past any
     * real value. Stored columns rather than index expressions, which drizzle-kit cannot read back.
     */
    creditsAscKey: numeric('credits_asc_key', { mode: 'string' })
      .notNull()
      .generatedAlwaysAs(sql.raw(`coalesce(credits, ${CREDITS_PAST_ANY})`)),
    creditsDescKey: numeric('credits_desc_key', { mode: 'string' })
      .notNull()
      .generatedAlwaysAs(sql`coalesce(credits, -1)`),
    durationAscKey: bigint('duration_asc_key', { mode: 'bigint' })
      .notNull()
      .generatedAlwaysAs(sql.raw(`coalesce(${durationMicroseconds}, ${BIGINT_MAX})`)),
    durationDescKey: bigint('duration_desc_key', { mode: 'bigint' })
      .notNull()
      .generatedAlwaysAs(sql.raw(`coalesce(${durationMicroseconds}, -1)`)),
    /** Its UTC week, stored as the keys are: drizzle-kit would rebuild an expression index on every push. */
    startedWeek: timestamp('started_week', { mode: 'string' })
      .notNull()
      .generatedAlwaysAs(sql`date_trunc('week', started_at at time zone 'UTC')`),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    foreignKey({
      name: 'xa_executions_conversation_fk',
      columns: [t.organizationId, t.conversationId],
      foreignColumns: [conversations.organizationId, conversations.id],
    }),
    foreignKey({
      name: 'xa_executions_agent_fk',
      columns: [t.organizationId, t.agentId],
      foreignColumns: [agents.organizationId, agents.id],
    }),
    foreignKey({
      name: 'xa_executions_schedule_fk',
      columns: [t.organizationId, t.scheduleId],
      foreignColumns: [schedules.organizationId, schedules.id],
    }),
    check('xa_executions_credits_non_negative', sql`${t.credits} >= 0`),
    check('xa_executions_finished_after_start', sql`${t.finishedAt} >= ${t.startedAt}`),
    check('xa_executions_started_at_shown', shownTime(t.startedAt)),
    check('xa_executions_finished_at_shown', shownTime(t.finishedAt)),
    // The list shows scheduled runs only, newest first: partial indexes keep other channels out.
    index('xa_executions_org_started_idx')
      .on(t.organizationId, t.startedAt.desc(), t.id.desc())
      .where(sql`${t.scheduleId} is not null`),
    index('xa_executions_org_status_started_idx')
      .on(t.organizationId, t.status, t.startedAt.desc(), t.id.desc())
      .where(sql`${t.scheduleId} is not null`),
    index('xa_executions_org_agent_started_idx')
      .on(t.organizationId, t.agentId, t.startedAt.desc(), t.id.desc())
      .where(sql`${t.scheduleId} is not null`),
    index('xa_executions_org_agent_status_started_idx')
      .on(t.organizationId, t.agentId, t.status, t.startedAt.desc(), t.id.desc())
      .where(sql`${t.scheduleId} is not null`),
    // The rare sets the insight filters pick out: credit spikes, and one kind of failure. The other
    // filters' columns follow, so that a second filter is checked on the index, not on each run's row.
    index('xa_executions_org_spike_started_idx')
      .on(t.organizationId, t.startedAt.desc(), t.id.desc(), t.agentId, t.status, t.failedTool, t.errorSignature)
      .where(sql`${t.scheduleId} is not null and ${t.creditSpike}`),
    index('xa_executions_org_failure_started_idx')
      .on(t.organizationId, t.failedTool, t.errorSignature, t.startedAt.desc(), t.id.desc(), t.agentId, t.creditSpike)
      .where(sql`${t.scheduleId} is not null and ${t.status} = 'failed'`),
    // Search: trigrams of the searched text, behind the organization (btree_gin), so an index scan
    // never leaves the organization. The operator class is pg_trgm's, wherever that extension
    // lives: the migration names its schema.
    index('xa_executions_org_search_idx')
      .using('gin', t.organizationId, t.searchedText.op('gin_trgm_ops'))
      .where(sql`${t.scheduleId} is not null`),
    ...sortIndexes(t),
    // A conversation records at most one run.
    uniqueIndex('xa_executions_org_conversation_key').on(t.organizationId, t.conversationId),
    uniqueIndex('xa_executions_org_idempotency_key').on(t.organizationId, t.idempotencyKey),
  ],
);

export const steps = executionsAdmin.table(
  'xa_steps',
  {
    organizationId: text('organization_id').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    /** Order within the conversation, from 0. */
    position: integer('position').notNull(),
    kind: stepKind('kind').notNull(),
    /** The scheduled call's prompt, the final response or the error text. */
    content: text('content'),
    toolName: text('tool_name'),
    /** The input sent to the tool, as sent. */
    toolInput: jsonb('tool_input'),
    /** The tool's response as received: JSON when the service answered JSON. */
    toolOutput: jsonb('tool_output'),
    /**
     * For a tool input of over 64 KiB as jsonb and over 16,384 characters as text (a JSON string
     * as the text it holds, anything else as JSON): its jsonb_typeof, that text's beginning and its
     * UTF-8 bytes, kept by a trigger (drizzle/0029_step_json_heads.sql) so that the conversation
     * page need not read the value to show its start. Null otherwise, and on rows written before
     * 0029: the page then reads them from the value.
     */
    toolInputType: text('tool_input_type'),
    toolInputHead: text('tool_input_head'),
    toolInputBytes: integer('tool_input_bytes'),
    /** The same for the tool's response. */
    toolOutputType: text('tool_output_type'),
    toolOutputHead: text('tool_output_head'),
    toolOutputBytes: integer('tool_output_bytes'),
    ok: boolean('ok'),
    durationMs: integer('duration_ms'),
    createdAt: timestamptz('created_at').notNull(),
    /** The scheduler's key for the call that wrote the step, unique within its conversation. */
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.conversationId, t.position] }),
    foreignKey({
      name: 'xa_steps_conversation_fk',
      columns: [t.organizationId, t.conversationId],
      foreignColumns: [conversations.organizationId, conversations.id],
    }),
    uniqueIndex('xa_steps_org_conversation_idempotency_key').on(t.organizationId, t.conversationId, t.idempotencyKey),
    check('xa_steps_position_non_negative', sql`${t.position} >= 0`),
    check('xa_steps_tool_call_has_tool', sql`${t.kind} <> 'tool_call' or ${t.toolName} is not null`),
    check('xa_steps_created_at_shown', shownTime(t.createdAt)),
  ],
);

/** How long a saved view's name may be, in characters (code points). */
export const VIEW_NAME_LENGTH = 80;
/** A saved view's query string: far beyond any canonical list query, short of a hostile one. */
export const VIEW_QUERY_LENGTH = 4000;

/**
 * A user's saved list views: a name and the list's canonical query string (page and cursor left
 * out). The user id is the host's, as its `user` option gives it; a shared view is listed to every
 * user of the organization and changed by its owner alone. The query is read back through
 * parseExecutionQuery like any URL: stored text is never trusted.
 */
export const savedViews = executionsAdmin.table(
  'xa_saved_views',
  {
    organizationId: text('organization_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    userId: text('user_id').notNull(),
    /** The owner's name as the host gave it when the view was saved, for a shared view's "by". */
    ownerName: text('owner_name'),
    name: text('name').notNull(),
    /**
     * The name as uniqueness reads it, "Failed" and "failed" being one name to a reader: a column,
     * not an index on lower(name), which drizzle-kit cannot compare and would rebuild on every push.
     */
    nameKey: text('name_key')
      .notNull()
      .generatedAlwaysAs(sql`lower(name)`),
    query: text('query').notNull(),
    shared: boolean('shared').notNull().default(false),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex('xa_saved_views_user_name_key').on(t.organizationId, t.userId, t.nameKey),
    index('xa_saved_views_shared_idx')
      .on(t.organizationId)
      .where(sql`${t.shared}`),
    check('xa_saved_views_name_length', sql`char_length(${t.name}) between 1 and ${sql.raw(String(VIEW_NAME_LENGTH))}`),
    check('xa_saved_views_query_length', sql`char_length(${t.query}) <= ${sql.raw(String(VIEW_QUERY_LENGTH))}`),
  ],
);

export type ExecutionStatus = (typeof executionStatus.enumValues)[number];
export type ScheduleKind = (typeof scheduleKind.enumValues)[number];
export type ConversationChannel = (typeof conversationChannel.enumValues)[number];
export type StepKind = (typeof stepKind.enumValues)[number];
export type RunActionKind = (typeof runAction.enumValues)[number];
export type ActionOutcome = (typeof actionOutcome.enumValues)[number];
export type JobStatus = (typeof jobStatus.enumValues)[number];
