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
  bigint,
  boolean,
  date,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Everything of the module lives in this Postgres schema, which migrateExecutionsAdmin owns: a host's
 * drizzle-kit, filtered to its own schemas, never sees a table, enum or function of the module to
 * drop or alter (drizzle/0008_own_schema.sql). Raw SQL names its objects schema-qualified, so the
 * module works whatever the host's search_path.
 */
export const executionsAdmin = pgSchema('executions_admin');

export const scheduleKind = executionsAdmin.enum('xa_schedule_kind', ['cron', 'interval', 'trigger']);

export const conversationChannel = executionsAdmin.enum('xa_conversation_channel', [
  'schedule',
  'hub',
  'public_channel',
  'whatsapp',
  'api',
]);

export const executionStatus = executionsAdmin.enum('xa_execution_status', ['active', 'completed', 'pending', 'failed']);

export const stepKind = executionsAdmin.enum('xa_step_kind', ['scheduled_call', 'tool_call', 'final_response', 'error']);

/**
 * A run is a credit spike when it cost more than this many times its agent's usual credits (the
 * median of the agent's last 20 finished runs): the spec's sign of a tool loop or inflated context.
 */
export const CREDIT_SPIKE_FACTOR = 3;
/** An Active run is running long past this many times its agent's usual (median) duration. */
export const RUNNING_LONG_FACTOR = 3;

/** How much of a run's title, error and tool names search reads: the start of each. */
export const SEARCHED_LENGTH = 1000;

/**
 * What search matches, lower-cased: the title, the error and the tool names, a line apart (a term
 * holds no line break, so it never matches across two). The index is on this expression: a query
 * must write it exactly so (xa_executions columns, unqualified or not, as Postgres compares them).
 */
export const searchedText = sql.raw(
  `lower(left("conversation_title", ${SEARCHED_LENGTH}) || E'\\n' || left(coalesce("error_message", ''), ${SEARCHED_LENGTH}) || E'\\n' || left("tool_names", ${SEARCHED_LENGTH}))`,
);

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const organizations = executionsAdmin.table('xa_organizations', {
  organizationId: text('organization_id').primaryKey(),
  name: text('name').notNull(),
  /** IANA time zone; dates are shown and filtered in it. */
  timeZone: text('time_zone').notNull(),
});

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
  (t) => [primaryKey({ columns: [t.organizationId, t.id] })],
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
     * insert (drizzle/0011_search.sql), whoever writes the steps.
     */
    toolNames: text('tool_names').notNull().default(''),
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
    // The rare sets the insight filters pick out: credit spikes, and one kind of failure.
    index('xa_executions_org_spike_started_idx')
      .on(t.organizationId, t.startedAt.desc(), t.id.desc())
      .where(sql`${t.scheduleId} is not null and ${t.creditSpike}`),
    index('xa_executions_org_failure_started_idx')
      .on(t.organizationId, t.failedTool, t.errorSignature, t.startedAt.desc(), t.id.desc())
      .where(sql`${t.scheduleId} is not null and ${t.status} = 'failed'`),
    // Search: trigrams of the searched text, behind the organization (btree_gin), so an index scan
    // never leaves the organization. The operator class is pg_trgm's, wherever that extension
    // lives: the migration names its schema.
    index('xa_executions_org_search_idx')
      .using('gin', t.organizationId, sql`${searchedText} gin_trgm_ops`)
      .where(sql`${t.scheduleId} is not null`),
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
  ],
);

/**
 * Scheduled runs counted per organization, local calendar day (in the organization's time zone),
 * agent, status, credit spike and — for failed runs — first failed tool and error signature ('' when
 * none), with their credits, kept exact by triggers on xa_executions in the same transaction as
 * every write (drizzle/0002_daily_counts.sql, 0003_insights.sql). Totals, credits, the activity
 * chart and the failure digest for any filter are a sum over rows per day instead of a scan of
 * every matching run. Derived data: no foreign keys, rebuilt on a time-zone change.
 */
export const executionDailyCounts = executionsAdmin.table(
  'xa_execution_daily_counts',
  {
    organizationId: text('organization_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    agentId: uuid('agent_id').notNull(),
    status: executionStatus('status').notNull(),
    creditSpike: boolean('credit_spike').notNull().default(false),
    failedTool: text('failed_tool').notNull().default(''),
    errorSignature: text('error_signature').notNull().default(''),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    /** Credits in hundredths, exact in a bigint sum. */
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({
      name: 'xa_execution_daily_counts_pk',
      columns: [t.organizationId, t.day, t.agentId, t.status, t.creditSpike, t.failedTool, t.errorSignature],
    }),
  ],
);

/**
 * The same counts without the insight keys: one row per organization, local day, agent and status.
 * Totals and the chart read it whenever no spike or failure filter is set — the common case — so
 * they sum far fewer rows (kept by the same trigger, drizzle/0004_status_counts.sql).
 */
export const executionStatusCounts = executionsAdmin.table(
  'xa_execution_status_counts',
  {
    organizationId: text('organization_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    agentId: uuid('agent_id').notNull(),
    status: executionStatus('status').notNull(),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'xa_execution_status_counts_pk', columns: [t.organizationId, t.day, t.agentId, t.status] })],
);

/**
 * The insight-keyed counts again, per local calendar month (its first day) instead of per day:
 * with no date filter, or one of whole months, the totals, the chart's month or year bars and
 * the failure digest sum a row per month and key where the daily counts hold one per day, a small
 * fraction of them over a long history (kept by the same trigger, drizzle/0005_monthly_counts.sql).
 * See docs/performance.md.
 */
export const executionMonthlyCounts = executionsAdmin.table(
  'xa_execution_monthly_counts',
  {
    organizationId: text('organization_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    agentId: uuid('agent_id').notNull(),
    status: executionStatus('status').notNull(),
    creditSpike: boolean('credit_spike').notNull().default(false),
    failedTool: text('failed_tool').notNull().default(''),
    errorSignature: text('error_signature').notNull().default(''),
    runs: bigint('runs', { mode: 'number' }).notNull(),
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({
      name: 'xa_execution_monthly_counts_pk',
      columns: [t.organizationId, t.month, t.agentId, t.status, t.creditSpike, t.failedTool, t.errorSignature],
    }),
  ],
);

export type ExecutionStatus = (typeof executionStatus.enumValues)[number];
export type ScheduleKind = (typeof scheduleKind.enumValues)[number];
export type ConversationChannel = (typeof conversationChannel.enumValues)[number];
export type StepKind = (typeof stepKind.enumValues)[number];
