/**
 * Every read the page makes. Each function takes the organization first and scopes every
 * table it touches by it — joins included — so no query can reach another organization's rows.
 */
import { and, asc, eq, getTableName, gte, isNotNull, lt, lte, sql, sum, type Placeholder, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { isLastDayOfMonth, parseISO } from 'date-fns';
import type { ExecutionsDatabase } from '../db/database.js';
import {
  agents,
  executionDailyCounts,
  executionMonthlyCounts,
  executionStatusCounts,
  executions,
  organizations,
  schedules,
  steps,
  type ExecutionStatus,
  type StepKind,
} from '../db/schema.js';

export interface Organization {
  id: string;
  name: string;
  timeZone: string;
}

/** The organization with the local day of its first scheduled run, which sizes the activity chart. */
export interface OrganizationRecord extends Organization {
  firstDay: string | null;
}

export interface AgentOption {
  id: string;
  name: string;
  removed: boolean;
}

/**
 * What the SQL filters on: the query value's filters, its calendar dates both as they are (for
 * the daily counts) and resolved to instants in the organization's time zone (for the runs).
 */
export interface ExecutionFilters {
  agentId: string | null;
  status: ExecutionStatus | null;
  /** Inclusive local calendar dates, yyyy-MM-dd. */
  startDate: string | null;
  endDate: string | null;
  startedFrom: Date | null;
  startedBefore: Date | null;
  /** Credit spikes only. */
  spikesOnly: boolean;
  /** Failed runs whose first failed tool ('' for none) and error signature are these. */
  failure: FailureKind | null;
}

/** A kind of failure, as the digest groups them and the list filters by them. */
export interface FailureKind {
  tool: string;
  signature: string;
}

/** A run's place in the newest-first order: its exact start (microseconds, UTC ISO) and id. */
export interface PageCursor {
  startedAt: string;
  id: string;
}

/**
 * Which rows of the newest-first list to read. Keyset requests (after/before a cursor) cost the
 * same at any depth; `fromEnd` counts its offset from the oldest run, so the last pages of a long
 * list are as cheap as the first.
 */
export type PageRequest =
  | { kind: 'offset'; offset: number; limit: number }
  | { kind: 'fromEnd'; offset: number; limit: number }
  | { kind: 'after'; cursor: PageCursor; limit: number }
  | { kind: 'before'; cursor: PageCursor; limit: number };

export interface ExecutionRow {
  id: string;
  cursor: PageCursor;
  conversationId: string;
  /** Null when the agent was deleted. */
  agentName: string | null;
  /** The conversation's title, which names the schedule that fired the run. */
  scheduleTitle: string;
  status: ExecutionStatus;
  startedAt: Date;
  finishedAt: Date | null;
  credits: number | null;
  errorMessage: string | null;
  /** The agent's usual (median) credits and completed duration when the run started, if known. */
  usualCredits: number | null;
  usualDurationMs: number | null;
  creditSpike: boolean;
  /** The first tool call that failed: its tool and step position. */
  failedTool: string | null;
  failedStep: number | null;
}

export interface ConversationStep {
  position: number;
  kind: StepKind;
  content: string | null;
  toolName: string | null;
  toolInput: unknown;
  toolOutput: unknown;
  ok: boolean | null;
  durationMs: number | null;
  createdAt: Date;
}

/** The columns of a step as the conversation view and the write API read it. */
export const stepColumns = {
  position: steps.position,
  kind: steps.kind,
  content: steps.content,
  toolName: steps.toolName,
  toolInput: steps.toolInput,
  toolOutput: steps.toolOutput,
  ok: steps.ok,
  durationMs: steps.durationMs,
  createdAt: steps.createdAt,
};

export interface ExecutionConversation extends ExecutionRow {
  schedule: { name: string; kind: string; expression: string };
  steps: ConversationStep[];
}

export async function findOrganization(db: ExecutionsDatabase, organizationId: string): Promise<OrganizationRecord | null> {
  const c = executionDailyCounts;
  const [row] = await db
    .select({
      id: organizations.organizationId,
      name: organizations.name,
      timeZone: organizations.timeZone,
      // The first key of the counts' primary key: one index probe.
      // Written out with the parameter: drizzle leaves columns of a one-table select unqualified,
      // and a correlated "organization_id = organization_id" here would match every organization.
      firstDay: sql<string | null>`(select min(c.day) from ${c} c where c.organization_id = ${organizationId} and c.runs > 0)`,
    })
    .from(organizations)
    .where(eq(organizations.organizationId, organizationId));
  return row ?? null;
}

/** Agents for the filter: live ones by name, deleted ones after them. */
export async function listAgents(db: ExecutionsDatabase, organizationId: string): Promise<AgentOption[]> {
  const rows = await db
    .select({ id: agents.id, name: agents.name, deletedAt: agents.deletedAt })
    .from(agents)
    .where(eq(agents.organizationId, organizationId))
    .orderBy(asc(agents.name), asc(agents.id));
  return rows.map((r) => ({ id: r.id, name: r.name, removed: r.deletedAt !== null }));
}

/**
 * How a query takes a request's values: as its own parameters, or as named placeholders of a
 * query built once for its shape and run with each request's values (see `preparedByShape`).
 */
type Bind = <T>(name: keyof ShapeValues, value: T) => T | Placeholder;
const asParameter: Bind = (_name, value) => value;
const asPlaceholder: Bind = (name) => sql.placeholder(name);

/** What fills the placeholders of a query prepared by shape. */
type ShapeValues = {
  organizationId: string;
  agentId: string | null;
  status: ExecutionStatus | null;
  /** Instants as ISO text: a placeholder's value reaches the driver as it is, unencoded. */
  startedFrom: string | null;
  startedBefore: string | null;
  startDate: string | null;
  endDate: string | null;
  failedTool: string | null;
  errorSignature: string | null;
  cursorStartedAt: string | null;
  cursorId: string | null;
  limit: number;
  offset: number;
};

function shapeValues(organizationId: string, f: ExecutionFilters, page?: PageRequest): ShapeValues {
  const cursor = page && (page.kind === 'after' || page.kind === 'before') ? page.cursor : null;
  return {
    organizationId,
    agentId: f.agentId,
    status: f.status,
    startedFrom: f.startedFrom?.toISOString() ?? null,
    startedBefore: f.startedBefore?.toISOString() ?? null,
    startDate: f.startDate,
    endDate: f.endDate,
    failedTool: f.failure?.tool ?? null,
    errorSignature: f.failure?.signature ?? null,
    cursorStartedAt: cursor?.startedAt ?? null,
    cursorId: cursor?.id ?? null,
    limit: page?.limit ?? 0,
    offset: page && (page.kind === 'offset' || page.kind === 'fromEnd') ? page.offset : 0,
  };
}

/**
 * Which filters a query has: with the page's kind (and the counts and bars of a summary), all
 * that changes the text of the queries below. Every condition they add or leave out must be
 * named here, or two shapes would share one prepared query.
 */
function filterShape(f: ExecutionFilters): string {
  const has = (on: unknown) => (on ? '1' : '0');
  return `${has(f.agentId)}${has(f.status)}${has(f.startedFrom)}${has(f.startedBefore)}${has(f.startDate)}${has(f.endDate)}${has(f.spikesOnly)}${has(f.failure)}`;
}

/** Queries prepared once per database and shape. Shapes are few: at most a few hundred. */
const preparedQueries = new WeakMap<ExecutionsDatabase, Map<string, unknown>>();

/**
 * The query of this shape, prepared on first use. Drizzle builds a query's text anew at every
 * run, about a tenth of the server's time under load; prepared, it is built once, and postgres.js
 * runs it as a named statement: one round trip instead of two (Parse and Describe, then Bind and
 * Execute), and Postgres parses it once per connection.
 */
function preparedByShape<P>(db: ExecutionsDatabase, shape: string, prepare: (name: string) => P): P {
  let shapes = preparedQueries.get(db);
  if (!shapes) preparedQueries.set(db, (shapes = new Map()));
  let query = shapes.get(shape) as P | undefined;
  if (query === undefined) shapes.set(shape, (query = prepare(shape)));
  return query;
}

function listConditions(organizationId: string, f: ExecutionFilters, bind: Bind = asParameter): SQL | undefined {
  return and(
    eq(executions.organizationId, bind('organizationId', organizationId)),
    // Runs from Hub, public channel, WhatsApp or API conversations are not executions here.
    isNotNull(executions.scheduleId),
    f.agentId ? eq(executions.agentId, bind('agentId', f.agentId)) : undefined,
    f.status ? eq(executions.status, bind('status', f.status)) : undefined,
    f.startedFrom ? gte(executions.startedAt, bind('startedFrom', f.startedFrom)) : undefined,
    f.startedBefore ? lt(executions.startedAt, bind('startedBefore', f.startedBefore)) : undefined,
    f.spikesOnly ? eq(executions.creditSpike, true) : undefined,
    ...(f.failure
      ? [
          eq(executions.status, 'failed'),
          eq(executions.failedTool, bind('failedTool', f.failure.tool)),
          eq(executions.errorSignature, bind('errorSignature', f.failure.signature)),
        ]
      : []),
  );
}

/** Microsecond-exact and round-trips through ::timestamptz: a JavaScript Date would lose precision. */
export const cursorText = (instant: SQL | AnyPgColumn) =>
  sql<string>`to_char(${instant} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
// Aliased: the page is also read as a subquery (pageWithSummary), which needs names for expressions.
const startedAtText = cursorText(executions.startedAt).as('started_at_text');

/** A run's columns as the list reads them: its agent by id, named from the organization's agents. */
const pageColumns = {
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

/** With its agent joined, as the conversation page reads it. */
const rowColumns = { ...pageColumns, agentName: agents.name, agentDeletedAt: agents.deletedAt };

/** A run as `pageColumns` selects it. */
type SelectedRow = { startedAtText: string; agentId: string; failedTool: string } & Omit<ExecutionRow, 'cursor' | 'failedTool' | 'agentName'>;

/**
 * Field by field rather than by rest and spread: a page maps twenty of these per request, and
 * the spread copies took 3.6% of the server's main thread under load.
 */
function toExecutionRow(r: SelectedRow, agentName: string | null): ExecutionRow {
  return {
    id: r.id,
    cursor: { startedAt: r.startedAtText, id: r.id },
    conversationId: r.conversationId,
    agentName,
    scheduleTitle: r.scheduleTitle,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    credits: r.credits,
    errorMessage: r.errorMessage,
    usualCredits: r.usualCredits,
    usualDurationMs: r.usualDurationMs,
    creditSpike: r.creditSpike,
    failedTool: r.failedTool === '' ? null : r.failedTool,
    failedStep: r.failedStep,
  };
}

const joinAgent = and(eq(agents.organizationId, executions.organizationId), eq(agents.id, executions.agentId));

function beyond(cursor: PageCursor, direction: 'older' | 'newer', bind: Bind = asParameter): SQL {
  // A row comparison walks the (started_at, id) index from the cursor, at any depth.
  const op = direction === 'older' ? '<' : '>';
  return sql`(${executions.startedAt}, ${executions.id}) ${sql.raw(op)} (${bind('cursorStartedAt', cursor.startedAt)}::timestamptz, ${bind('cursorId', cursor.id)}::uuid)`;
}

const newestFirst = (page: PageRequest) => page.kind === 'offset' || page.kind === 'after';
const NEWEST_FIRST = [sql`${executions.startedAt} desc nulls last`, sql`${executions.id} desc nulls last`];
const OLDEST_FIRST = [sql`${executions.startedAt} asc nulls first`, sql`${executions.id} asc nulls first`];

/** The page query itself, unexecuted: the bench checks its plan. */
export function listExecutionsQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  page: PageRequest,
  bind: Bind = asParameter,
) {
  const where = listConditions(organizationId, filters, bind);
  return db
    .select(pageColumns)
    .from(executions)
    .where(
      page.kind === 'after'
        ? and(where, beyond(page.cursor, 'older', bind))
        : page.kind === 'before'
          ? and(where, beyond(page.cursor, 'newer', bind))
          : where,
    )
    // Spelled out to match the indexes (DESC NULLS LAST) exactly: plain DESC means NULLS FIRST
    // in Postgres, and the planner then sorts every matching row instead of walking the index.
    .orderBy(...(newestFirst(page) ? NEWEST_FIRST : OLDEST_FIRST))
    .limit(bind('limit', page.limit))
    .offset(bind('offset', page.kind === 'offset' || page.kind === 'fromEnd' ? page.offset : 0));
}

/**
 * A stretch of the newest-first list: the runs after `after` (exclusive; from the top without one)
 * through `through` (inclusive), none started after `newest`. Bounded by runs, so that stretches
 * read apart neither lose nor repeat a run, whatever is written meanwhile; and by an instant, so
 * that runs recorded at the top since the stretch was found stay out of it.
 */
export interface ListRange {
  after: PageCursor | null;
  through: PageCursor;
  /** UTC ISO, microseconds: `after`'s start, or the list's first run's when it was found. */
  newest: string;
}

function inRange({ after, through, newest }: ListRange): SQL | undefined {
  // A plain range on started_at for the index, and ties on its two instants settled by id. Not
  // row comparisons: the planner estimates each by its first column alone, so two of them made a
  // batch of 10,000 runs look like 2,500, and it chose to join agent by agent and sort.
  return and(
    gte(executions.startedAt, sql`${through.startedAt}::timestamptz`),
    lte(executions.startedAt, sql`${newest}::timestamptz`),
    sql`(${executions.startedAt} <> ${through.startedAt}::timestamptz or ${executions.id} >= ${through.id}::uuid)`,
    after ? sql`(${executions.startedAt} <> ${after.startedAt}::timestamptz or ${executions.id} < ${after.id}::uuid)` : undefined,
  );
}

/**
 * The list's runs in a range — same organization, joins, filters and newest-first order — each
 * as one text expression of the caller's (`line`, SQL over the joined tables). Unexecuted: the CSV
 * export aggregates a batch of preformatted lines over it, in one row.
 */
export function listedExecutionsQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  line: SQL<string>,
  range: ListRange,
) {
  return db
    .select({ line: line.as('line') })
    .from(executions)
    .innerJoin(agents, joinAgent)
    .where(and(listConditions(organizationId, filters), inRange(range)))
    .orderBy(...NEWEST_FIRST);
}

/**
 * Where the list splits into batches of `size` runs, for the next `count` batches after `after`
 * (from the newest without one): the first run (n = 1), every `size`-th, and the last if the
 * list ends sooner. The filters' index alone answers it, without the joins or the rows, so the
 * batches can then be read side by side. A last n below size × count means the list ends there.
 * Unexecuted: the bench checks its plan.
 */
export function listBoundariesQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  after: PageCursor | null,
  size: number,
  count: number,
) {
  const runs = db
    .select({ startedAt: executions.startedAt, id: executions.id })
    .from(executions)
    .where(and(listConditions(organizationId, filters), after ? beyond(after, 'older') : undefined))
    .orderBy(...NEWEST_FIRST)
    .limit(size * count)
    .as('runs');
  // The window's order is the subquery's own, so it costs no sort.
  const order = sql`order by ${runs.startedAt} desc nulls last, ${runs.id} desc nulls last`;
  const numbered = db
    .select({
      startedAt: runs.startedAt,
      id: runs.id,
      n: sql<number>`row_number() over (${order})`.as('n'),
      last: sql<boolean>`lead(${runs.id}) over (${order}) is null`.as('last'),
    })
    .from(runs)
    .as('numbered');
  return db
    .select({ startedAt: cursorText(numbered.startedAt), id: numbered.id, n: sql<number>`${numbered.n}`.mapWith(Number) })
    .from(numbered)
    .where(sql`${numbered.n} = 1 or ${numbered.n} % ${size} = 0 or ${numbered.last}`)
    .orderBy(numbered.n);
}

/**
 * One page of runs, newest first; ties on start time broken by id so pages never overlap. Agents
 * are named from `agents` — the organization's, which the caller has for the filter anyway —
 * instead of a join, which took a third of the query's planning (0.27 → 0.18 ms warm, at 10M runs) for rows whose agents the caller has; read again if a run's agent is
 * not among them (added since they were read).
 */
export async function listExecutions(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  page: PageRequest,
  agents?: AgentOption[],
): Promise<ExecutionRow[]> {
  const query = preparedByShape(db, `list ${filterShape(filters)} ${page.kind}`, (name) =>
    listExecutionsQuery(db, organizationId, filters, page, asPlaceholder).prepare(name),
  );
  return namedRows(db, organizationId, await query.execute(shapeValues(organizationId, filters, page)), page, agents);
}

/** Selected runs with their agents' names, newest first. */
async function namedRows(
  db: ExecutionsDatabase,
  organizationId: string,
  selected: SelectedRow[],
  page: PageRequest,
  agents?: AgentOption[],
): Promise<ExecutionRow[]> {
  let known = agents;
  if (!known || selected.some((row) => !known!.some((a) => a.id === row.agentId))) known = await listAgents(db, organizationId);
  const byId = new Map(known.map((a) => [a.id, a]));
  const rows = selected.map((row) => {
    const agent = byId.get(row.agentId);
    return toExecutionRow(row, agent && !agent.removed ? agent.name : null);
  });
  return newestFirst(page) ? rows : rows.reverse();
}

/** A run of pageWithSummary's JSON, in pageColumns' order. */
type PageRowJson = [
  id: string,
  startedAtText: string,
  conversationId: string,
  agentId: string,
  scheduleTitle: string,
  status: ExecutionStatus,
  startedAt: string,
  finishedAt: string | null,
  credits: number | null,
  errorMessage: string | null,
  usualCredits: number | null,
  usualDurationMs: number | null,
  creditSpike: boolean,
  failedTool: string,
  failedStep: number | null,
];

/** The summary and a page in one statement, unexecuted: the bench checks its plan. */
export function pageWithSummaryQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  unit: ActivityUnit,
  page: PageRequest,
  bind: Bind = asParameter,
) {
  const summary = summarizeExecutionsQuery(db, organizationId, filters, unit, bind).as('summary');
  const p = listExecutionsQuery(db, organizationId, filters, page, bind).as('page');
  const order = newestFirst(page) ? sql`${p.startedAt} desc, ${p.id} desc` : sql`${p.startedAt} asc, ${p.id} asc`;
  const columns = [
    p.id, p.startedAtText, p.conversationId, p.agentId, p.scheduleTitle, p.status, p.startedAt, p.finishedAt, p.credits,
    p.errorMessage, p.usualCredits, p.usualDurationMs, p.creditSpike, p.failedTool, p.failedStep,
  ];
  return db
    .select({
      bars: summary.bars,
      rows: sql<PageRowJson[]>`(select coalesce(json_agg(json_build_array(${sql.join(columns, sql`, `)}) order by ${order}), '[]') from ${p})`,
    })
    .from(summary);
}

/**
 * The summary and a page that does not depend on it (the first, or one by cursor), as one
 * statement: one write to Postgres and one round trip instead of two, each row one JSON array
 * rather than fifteen fields mapped by drizzle. Under the mixed load the socket writes of the
 * queries alone were 7% of the server's main thread.
 */
export async function pageWithSummary(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  unit: ActivityUnit,
  page: PageRequest,
  agents?: AgentOption[],
): Promise<{ summary: ExecutionSummary; rows: ExecutionRow[] }> {
  const query = preparedByShape(db, `page+summary ${filterShape(filters)} ${unit} ${countsName(filters, unit)} ${page.kind}`, (name) =>
    pageWithSummaryQuery(db, organizationId, filters, unit, page, asPlaceholder).prepare(name),
  );
  const [row] = await query.execute(shapeValues(organizationId, filters, page));
  const selected = (row?.rows ?? []).map(
    (r): SelectedRow => ({
      id: r[0],
      startedAtText: r[1],
      conversationId: r[2],
      agentId: r[3],
      scheduleTitle: r[4],
      status: r[5],
      startedAt: new Date(r[6]),
      finishedAt: r[7] === null ? null : new Date(r[7]),
      credits: r[8],
      errorMessage: r[9],
      usualCredits: r[10],
      usualDurationMs: r[11],
      creditSpike: r[12],
      failedTool: r[13],
      failedStep: r[14],
    }),
  );
  return { summary: summaryOf(row?.bars ?? []), rows: await namedRows(db, organizationId, selected, page, agents) };
}

/** How the activity chart groups days (see activity.ts). */
export type ActivityUnit = 'day' | 'week' | 'month' | 'year';

export interface ActivityBucket {
  /** The bucket's first day, yyyy-MM-dd (a Monday for weeks, the 1st for months). */
  start: string;
  status: ExecutionStatus;
  runs: number;
}

export interface ExecutionSummary {
  /** Exact: every matching run, counted once. */
  total: number;
  /** Their credits, exact to the hundredth. */
  credits: number;
  /** Runs per bucket and status; only buckets with runs. */
  activity: ActivityBucket[];
}

/** The insight-keyed counts, per day or per month, as the summary and the digest read them. */
const DAILY = { ...executionDailyCounts, table: executionDailyCounts, period: executionDailyCounts.day, insight: true as const };
const MONTHLY = { ...executionMonthlyCounts, table: executionMonthlyCounts, period: executionMonthlyCounts.month, insight: true as const };
/** Without the insight keys: a row per day, agent and status, a third as many as DAILY. */
const BY_STATUS = { ...executionStatusCounts, table: executionStatusCounts, period: executionStatusCounts.day, insight: false as const };
type Counts = typeof DAILY | typeof MONTHLY | typeof BY_STATUS;

/** No date filter, or one of whole local months: the monthly counts hold exactly the same runs. */
function wholeMonths(f: ExecutionFilters): boolean {
  return (!f.startDate || f.startDate.endsWith('-01')) && (!f.endDate || isLastDayOfMonth(parseISO(f.endDate)));
}

/**
 * Which counts to sum: the monthly ones when the dates allow and no bar is shorter than a month
 * (`unit` null: no chart); else per day, the narrow ones unless a spike or failure filter, or the
 * digest, needs the insight keys.
 */
function countsFor(f: ExecutionFilters, unit: ActivityUnit | null): Counts {
  if (wholeMonths(f) && (unit === null || unit === 'month' || unit === 'year')) return MONTHLY;
  return f.spikesOnly || f.failure || unit === null ? DAILY : BY_STATUS;
}

/** Which counts `countsFor` reads, by name: it depends on the dates' values, not only on their presence. */
const countsName = (f: ExecutionFilters, unit: ActivityUnit | null) => getTableName(countsFor(f, unit).table);

/** The conditions on the counts equivalent to `listConditions` on the runs. */
function countConditions(c: Counts, organizationId: string, f: ExecutionFilters, bind: Bind): SQL | undefined {
  const insight = c.insight ? c : null;
  return and(
    eq(c.organizationId, bind('organizationId', organizationId)),
    f.agentId ? eq(c.agentId, bind('agentId', f.agentId)) : undefined,
    f.status ? eq(c.status, bind('status', f.status)) : undefined,
    f.startDate ? gte(c.period, bind('startDate', f.startDate)) : undefined,
    f.endDate ? lte(c.period, bind('endDate', f.endDate)) : undefined,
    f.spikesOnly && insight ? eq(insight.creditSpike, true) : undefined,
    ...(f.failure && insight
      ? [
          eq(c.status, 'failed'),
          eq(insight.failedTool, bind('failedTool', f.failure.tool)),
          eq(insight.errorSignature, bind('errorSignature', f.failure.signature)),
        ]
      : []),
  );
}

/** The summary query itself, unexecuted: the bench checks its plan. */
export function summarizeExecutionsQuery(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  unit: ActivityUnit,
  bind: Bind = asParameter,
) {
  const c = countsFor(filters, unit);
  const where = countConditions(c, organizationId, filters, bind);
  // Sums of bigint are numeric, whose arithmetic is slow; a run count or a sum of cents never
  // nears bigint's limit.
  const runs = sql<string>`sum(${c.runs})::bigint`;
  const cents = sql<string>`sum(${c.creditCents})::bigint`;
  let bars;
  if (unit === (c === MONTHLY ? 'month' : 'day')) {
    // A bar per period of the counts' rows: one grouping. Half the time of the two below for the
    // unfiltered list at ten million runs (0.50 against 1.02 ms, plan and execution, over 1,456
    // monthly rows).
    bars = db
      .select({
        start: sql<string>`to_char(${c.period}, 'YYYY-MM-DD')`.as('start'),
        status: c.status,
        runs: runs.as('runs'),
        cents: cents.as('cents'),
      })
      .from(c.table)
      .where(where)
      .groupBy(c.period, c.status)
      .having(sql`${runs} > 0`)
      .as('bars');
  } else {
    // Days (or months) first, then buckets: the date functions run once per day instead of once
    // per count row (one per agent and status, or more), which halved the time over two years of
    // ten million runs.
    const days = db
      .select({ day: sql<string>`${c.period}`.as('day'), status: c.status, runs: runs.as('runs'), cents: cents.as('cents') })
      .from(c.table)
      .where(where)
      .groupBy(c.period, c.status)
      .as('days');
    const bucket = sql`date_trunc(${sql.raw(`'${unit}'`)}, ${days.day}::timestamp)`;
    bars = db
      .select({
        start: sql<string>`to_char(${bucket}, 'YYYY-MM-DD')`.as('start'),
        status: days.status,
        runs: sql<string>`sum(${days.runs})::bigint`.as('runs'),
        cents: sql<string>`sum(${days.cents})::bigint`.as('cents'),
      })
      .from(days)
      .groupBy(sql`1`, days.status)
      .having(sql`sum(${days.runs}) > 0`)
      .as('bars');
  }
  // One row holding every bar as JSON, parsed natively by the driver, rather than a row per bar
  // and status (a hundred and more at month bars) mapped field by field by drizzle and the driver.
  return db
    .select({
      bars: sql<SummaryBar[]>`coalesce(json_agg(json_build_array(${bars.start}, ${bars.status}, ${bars.runs}, ${bars.cents})), '[]')`.as(
        'bars',
      ),
    })
    .from(bars);
}

/** A bar's runs of one status: [first day, status, runs, cents]. */
type SummaryBar = [start: string, status: ExecutionStatus, runs: number, cents: number];

/**
 * Totals, credits and the activity chart of the runs matching the filters, in one pass over the
 * daily counts: the total is the chart's sum, so the two can never disagree.
 */
export async function summarizeExecutions(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  unit: ActivityUnit,
): Promise<ExecutionSummary> {
  // Which counts table the filters' dates allow is part of the shape too.
  const query = preparedByShape(db, `summary ${filterShape(filters)} ${unit} ${countsName(filters, unit)}`, (name) =>
    summarizeExecutionsQuery(db, organizationId, filters, unit, asPlaceholder).prepare(name),
  );
  const [row] = await query.execute(shapeValues(organizationId, filters));
  return summaryOf(row?.bars ?? []);
}

function summaryOf(bars: SummaryBar[]): ExecutionSummary {
  let total = 0;
  let cents = 0;
  const activity: ActivityBucket[] = [];
  for (const [start, status, runs, barCents] of bars) {
    total += runs;
    cents += barCents;
    activity.push({ start, status, runs });
  }
  return { total, credits: cents / 100, activity };
}

export interface FailureGroup extends FailureKind {
  runs: number;
  agents: number;
}

/** Failures among the runs matching the filters, by first failed tool and error signature, most runs first. */
export async function digestFailures(
  db: ExecutionsDatabase,
  organizationId: string,
  filters: ExecutionFilters,
  limit: number,
): Promise<FailureGroup[]> {
  const query = preparedByShape(db, `digest ${filterShape(filters)} ${countsName(filters, null)}`, (name) =>
    digestFailuresQuery(db, organizationId, filters).prepare(name),
  );
  return query.execute({ ...shapeValues(organizationId, filters), limit });
}

function digestFailuresQuery(db: ExecutionsDatabase, organizationId: string, filters: ExecutionFilters) {
  const c = countsFor(filters, null) as typeof DAILY | typeof MONTHLY;
  return db
    .select({
      tool: c.failedTool,
      signature: c.errorSignature,
      runs: sum(c.runs).mapWith(Number),
      // A (period, agent) row that went back to zero runs is not an agent that failed.
      agents: sql<number>`count(distinct ${c.agentId}) filter (where ${c.runs} > 0)`.mapWith(Number),
    })
    .from(c.table)
    .where(and(countConditions(c, organizationId, filters, asPlaceholder), eq(c.status, 'failed')))
    .groupBy(c.failedTool, c.errorSignature)
    .having(sql`sum(${c.runs}) > 0`)
    .orderBy(sql`3 desc`, c.failedTool, c.errorSignature)
    .limit(sql.placeholder('limit'));
}

/** A scheduled run's conversation with its steps in order; null when the organization has no such run. */
export async function findExecutionConversation(
  db: ExecutionsDatabase,
  organizationId: string,
  conversationId: string,
): Promise<ExecutionConversation | null> {
  const [row] = await db
    .select({
      ...rowColumns,
      scheduleName: schedules.name,
      scheduleKind: schedules.kind,
      scheduleExpression: schedules.expression,
    })
    .from(executions)
    .innerJoin(agents, joinAgent)
    .innerJoin(
      schedules,
      and(eq(schedules.organizationId, executions.organizationId), eq(schedules.id, executions.scheduleId)),
    )
    .where(and(eq(executions.organizationId, organizationId), eq(executions.conversationId, conversationId)));
  if (!row) return null;
  const stepRows = await db
    .select(stepColumns)
    .from(steps)
    .where(and(eq(steps.organizationId, organizationId), eq(steps.conversationId, conversationId)))
    .orderBy(asc(steps.position));
  const { scheduleName, scheduleKind, scheduleExpression, agentName, agentDeletedAt } = row;
  return {
    ...toExecutionRow(row, agentDeletedAt ? null : agentName),
    schedule: { name: scheduleName, kind: scheduleKind, expression: scheduleExpression },
    steps: stepRows,
  };
}
