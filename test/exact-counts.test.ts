/**
 * Totals, credits, the activity chart and the failure digest come from trigger-kept daily and monthly counts;
 * here each is checked against plain SQL over the runs themselves, with the same filters the list
 * uses (dates resolved to instants in the organization's zone). For any runs, any changes —
 * status, credits, a failure, deletes, a new time zone — any time zone (half-hour offsets and DST
 * days included) and any filters, they must agree exactly. So must each run's usual credits and
 * duration with a median computed here, and its first failed tool with its steps.
 */
import { and, count, countDistinct, desc, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import { format, lastDayOfMonth, parseISO } from 'date-fns';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, type ExecutionQuery } from '../src/list/query.js';
import { STATUS_ORDER as STATUSES } from '../src/list/status.js';
import { instantRange } from '../src/lib/time-zone.js';
import { filtersFor, type ExecutionFilters } from '../src/list/filter-set.js';
import type { ActivityUnit } from '../src/list/counts.js';
import { summarizeExecutions } from '../src/list/summary-query.js';
import { digestFailures } from '../src/digest/repository.js';
import { agents, conversations, executions, organizations, schedules, steps } from '../src/db/schema.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

const ZONES = [
  'UTC',
  'Asia/Kolkata', // +05:30
  'Asia/Kathmandu', // +05:45
  'America/Sao_Paulo',
  'America/New_York', // DST: 2026-03-08, 2026-11-01
  'Europe/London', // DST: 2026-03-29, 2026-10-25
  'Australia/Lord_Howe', // a 30-minute DST shift
  'Pacific/Chatham', // +12:45/+13:45
];

/** Around both 2026 DST changes, so runs land on both sides of local midnights that move. */
const WINDOWS = [
  [Date.parse('2026-03-06T00:00:00Z'), Date.parse('2026-04-02T00:00:00Z')],
  [Date.parse('2026-10-22T00:00:00Z'), Date.parse('2026-11-04T00:00:00Z')],
] as const;

const TOOLS = ['google_calendar', 'hubspot'];
/** Two of them differ only in particulars, so they share a signature. */
const ERRORS = ['401 expired credential for user 12345', '401 expired credential for user 987654', 'Timed out after 30000 ms'];
const UNITS: ActivityUnit[] = ['day', 'week', 'month', 'year'];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const runArb = fc.record({
  agent: fc.integer({ min: 0, max: 1 }),
  window: fc.integer({ min: 0, max: 1 }),
  // fast-check's doubles crowd the window's ends; the integers spread runs across its days.
  at: fc.oneof(
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000),
  ),
  status: fc.constantFrom(...STATUSES),
  scheduled: fc.constantFrom(true, true, true, false),
  // Mostly near 5 credits, sometimes far above: spikes.
  cents: fc.option(fc.oneof(fc.integer({ min: 300, max: 700 }), fc.integer({ min: 0, max: 4000 })), { nil: null }),
  tookMs: fc.integer({ min: 1000, max: 600_000 }),
  error: fc.option(fc.constantFrom(...ERRORS), { nil: null }),
  failedTool: fc.option(fc.record({ tool: fc.constantFrom(...TOOLS), position: fc.integer({ min: 1, max: 3 }) }), { nil: null }),
});

const changeArb = fc.oneof(
  fc.record({ kind: fc.constant('status' as const), run: fc.nat(), status: fc.constantFrom(...STATUSES) }),
  fc.record({ kind: fc.constant('credits' as const), run: fc.nat(), cents: fc.integer({ min: 0, max: 4000 }) }),
  fc.record({
    kind: fc.constant('fail' as const),
    run: fc.nat(),
    error: fc.constantFrom(...ERRORS),
    tool: fc.constantFrom(...TOOLS),
  }),
  fc.record({ kind: fc.constant('delete' as const), run: fc.nat() }),
  fc.record({ kind: fc.constant('zone' as const), zone: fc.constantFrom(...ZONES) }),
);

/**
 * Every filter, each left out often enough that most combinations match runs: with a spike and a
 * failure filter each set four times in five, 98% of the checks once compared empty sets.
 */
const filterArb = fc.record({
  /** An agent by its index, or 2: every deleted agent (the second agent is deleted in every other case). */
  agent: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 2 }),
  status: fc.option(fc.constantFrom(...STATUSES), { nil: null, freq: 2 }),
  window: fc.integer({ min: 0, max: 1 }),
  start: fc.option(fc.integer({ min: -2, max: 30 }), { nil: null }),
  span: fc.integer({ min: 0, max: 10 }),
  end: fc.boolean(),
  /** Dates snapped to whole months or whole years, which the monthly counts and the yearly failure counts answer. */
  whole: fc.constantFrom(null, null, 'months', 'years'),
  spikesOnly: fc.constantFrom(false, false, false, true),
  failure: fc.oneof(
    { arbitrary: fc.constant(null), weight: 4 },
    { arbitrary: fc.record({ tool: fc.constantFrom('', ...TOOLS), error: fc.constantFrom(...ERRORS) }), weight: 1 },
  ),
  unit: fc.constantFrom(...UNITS),
});

/** The lower middle value, as percentile_disc(0.5) takes it. */
const lowerMedian = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length / 2) - 1]!;

let nextOrganization = 0;

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `exact totals on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open();
      });
      afterAll(() => database?.dispose());

      it('equal plain SQL for any runs, changes, time zones and filters', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...ZONES),
            fc.array(runArb, { minLength: 10, maxLength: 40, size: 'max' }),
            fc.array(changeArb, { maxLength: 12 }),
            fc.array(filterArb, { minLength: 8, maxLength: 8 }),
            async (zone, runs, changes, filters) => {
              const { db } = database;
              const org = `prop-${process.pid}-${nextOrganization++}`;
              const agentIds = [crypto.randomUUID(), crypto.randomUUID()];
              const scheduleIds = [crypto.randomUUID(), crypto.randomUUID()];
              await db.insert(organizations).values({ organizationId: org, name: org, timeZone: zone });
              const deletedAt = nextOrganization % 2 === 0 ? new Date() : null;
              await db
                .insert(agents)
                .values(agentIds.map((id, i) => ({ organizationId: org, id, name: id, deletedAt: i === 1 ? deletedAt : null })));
              await db.insert(schedules).values(
                agentIds.map((agentId, i) => ({
                  organizationId: org,
                  id: scheduleIds[i]!,
                  agentId,
                  name: 's',
                  kind: 'cron' as const,
                  expression: '* * * * *',
                })),
              );
              const rows = runs.map((r) => {
                const [from, to] = WINDOWS[r.window]!;
                const startedAt = new Date(Math.floor(from + r.at * (to - from)));
                const finished = r.status === 'completed' || r.status === 'failed';
                return {
                  organizationId: org,
                  id: crypto.randomUUID(),
                  conversationId: crypto.randomUUID(),
                  agentId: agentIds[r.agent]!,
                  scheduleId: r.scheduled ? scheduleIds[r.agent]! : null,
                  status: r.status,
                  // Microseconds and all: a run a hair before or after a local midnight.
                  startedAt,
                  finishedAt: finished ? new Date(startedAt.getTime() + r.tookMs) : null,
                  credits: finished && r.cents !== null ? r.cents / 100 : null,
                  errorMessage: r.status === 'failed' ? r.error : null,
                };
              });
              await db.insert(conversations).values(
                runs.map((r, i) => ({
                  organizationId: org,
                  id: rows[i]!.conversationId,
                  agentId: agentIds[r.agent]!,
                  channel: r.scheduled ? ('schedule' as const) : ('hub' as const),
                  title: 't',
                })),
              );
              // One at a time, oldest first, as a scheduler records them: each measured against those before it.
              const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.startedAt.getTime() - rows[b]!.startedAt.getTime());
              for (const i of order) await db.insert(executions).values(rows[i]!);

              // Usual credits and duration: the trigger's medians against ones computed here.
              const usual = await db
                .select({ id: executions.id, credits: executions.usualCredits, durationMs: executions.usualDurationMs })
                .from(executions)
                .where(eq(executions.organizationId, org));
              for (const row of rows.filter((r) => r.scheduleId)) {
                const before = rows
                  .filter((p) => p.scheduleId && p.agentId === row.agentId && p.startedAt < row.startedAt && p.finishedAt)
                  .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (b.id < a.id ? -1 : 1))
                  .slice(0, 20);
                const credits = before.flatMap((p) => (p.credits === null ? [] : [Math.round(p.credits * 100)]));
                const took = before
                  .filter((p) => p.status === 'completed')
                  .map((p) => p.finishedAt!.getTime() - p.startedAt.getTime());
                expect(usual.find((u) => u.id === row.id)).toEqual({
                  id: row.id,
                  credits: credits.length >= 5 ? lowerMedian(credits) / 100 : null,
                  durationMs: took.length >= 5 ? lowerMedian(took) : null,
                });
              }

              // Failed tool calls, recorded as steps: the earliest one marks its run.
              const toolSteps = runs.flatMap((r, i) =>
                r.failedTool ? [{ run: i, tool: r.failedTool.tool, position: r.failedTool.position }] : [],
              );
              for (const step of toolSteps) {
                await db.insert(steps).values({
                  organizationId: org,
                  conversationId: rows[step.run]!.conversationId,
                  position: step.position,
                  kind: 'tool_call',
                  toolName: step.tool,
                  ok: false,
                  createdAt: rows[step.run]!.startedAt,
                });
              }

              let currentZone = zone;
              for (const change of changes) {
                const row = rows[change.kind === 'zone' ? 0 : change.run % rows.length]!;
                const where = and(eq(executions.organizationId, org), eq(executions.id, row.id));
                if (change.kind === 'status') await db.update(executions).set({ status: change.status }).where(where);
                else if (change.kind === 'credits')
                  await db
                    .update(executions)
                    .set({ credits: change.cents / 100 })
                    .where(where);
                else if (change.kind === 'fail') {
                  await db.update(executions).set({ status: 'failed', errorMessage: change.error }).where(where);
                  // Position 0 fails before any generated step: it becomes the first failed tool.
                  await db
                    .insert(steps)
                    .values({
                      organizationId: org,
                      conversationId: row.conversationId,
                      position: 0,
                      kind: 'tool_call',
                      toolName: change.tool,
                      ok: false,
                      createdAt: row.startedAt,
                    })
                    .onConflictDoNothing();
                } else if (change.kind === 'delete') await db.delete(executions).where(where);
                else {
                  await db.update(organizations).set({ timeZone: change.zone }).where(eq(organizations.organizationId, org));
                  currentZone = change.zone;
                }
              }

              const [firstFailures] = await db
                .select({ wrong: count() })
                .from(executions)
                .where(
                  and(
                    eq(executions.organizationId, org),
                    sql`${executions.failedTool} is distinct from coalesce((
                      select s.tool_name from ${steps} s
                       where s.organization_id = ${executions.organizationId} and s.conversation_id = ${executions.conversationId}
                         and s.kind = 'tool_call' and s.ok = false
                       order by s.position limit 1), '')`,
                  ),
                );
              expect(firstFailures?.wrong).toBe(0);

              for (const f of filters) {
                const [from] = WINDOWS[f.window]!;
                let startDate = f.start === null ? null : day(from + f.start * 86_400_000);
                let endDate = f.end ? day(from + ((f.start ?? 0) + f.span) * 86_400_000) : null;
                if (f.whole === 'months') {
                  startDate &&= `${startDate.slice(0, 8)}01`;
                  endDate &&= format(lastDayOfMonth(parseISO(endDate)), 'yyyy-MM-dd');
                } else if (f.whole === 'years') {
                  startDate &&= `${startDate.slice(0, 5)}01-01`;
                  endDate &&= `${endDate.slice(0, 5)}12-31`;
                }
                const [signature] = f.failure
                  ? await db
                      .select({ s: sql<string>`executions_admin.xa_error_signature(${f.failure.error})` })
                      .from(organizations)
                      .limit(1)
                  : [];
                const query: ExecutionQuery = {
                  ...DEFAULT_QUERY,
                  agentId: f.agent === null || f.agent === 2 ? null : agentIds[f.agent]!,
                  removedAgents: f.agent === 2,
                  status: f.status,
                  startDate,
                  endDate: startDate && endDate && endDate < startDate ? startDate : endDate,
                  spikesOnly: f.spikesOnly,
                  failure: f.failure && { tool: f.failure.tool, signature: signature!.s },
                };
                const filtersNow = filtersFor(query, currentZone);
                const where = plainConditions(org, filtersNow);
                const localDay = sql`(${executions.startedAt} at time zone ${currentZone})::date`;
                const bucket =
                  f.unit === 'day'
                    ? sql`to_char(${localDay}, 'YYYY-MM-DD')`
                    : sql`to_char(date_trunc(${f.unit}, ${localDay}), 'YYYY-MM-DD')`;
                const [expected] = await db
                  .select({
                    n: count(),
                    cents: sql<number>`coalesce(sum(round(${executions.credits} * 100)), 0)`.mapWith(Number),
                  })
                  .from(executions)
                  .where(where);
                const expectedActivity = await db
                  .select({ start: bucket.mapWith(String), status: executions.status, runs: count() })
                  .from(executions)
                  .where(where)
                  .groupBy(sql`1`, executions.status);
                const expectedDigest = await db
                  .select({
                    tool: executions.failedTool,
                    signature: executions.errorSignature,
                    runs: count(),
                    agents: countDistinct(executions.agentId),
                  })
                  .from(executions)
                  .where(and(where, eq(executions.status, 'failed')))
                  .groupBy(executions.failedTool, executions.errorSignature)
                  // Most runs first, as the digest lists them.
                  .orderBy(desc(count()), executions.failedTool, executions.errorSignature);

                const summary = await summarizeExecutions(db, org, filtersNow, f.unit);
                expect(summary.total).toBe(expected?.n);
                expect(Math.round(summary.credits * 100)).toBe(expected?.cents);
                const byKey = <T extends object>(rows: T[], key: (r: T) => string) =>
                  [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
                expect(byKey(summary.activity, (b) => b.start + b.status)).toEqual(
                  byKey(expectedActivity, (b) => b.start + b.status),
                );
                const digest = await digestFailures(db, org, filtersNow, 1000);
                expect(digest).toEqual(expectedDigest);
              }
            },
          ),
          { numRuns: 30 },
        );
      }, 600_000);
    },
  );
}

/** The list's filters, written out again here against the runs, so a mistake in one is caught by the other. */
function plainConditions(org: string, f: ExecutionFilters): SQL | undefined {
  const range = instantRange(f.startDate, f.endDate, f.timeZone);
  return and(
    eq(executions.organizationId, org),
    isNotNull(executions.scheduleId),
    f.agentId ? eq(executions.agentId, f.agentId) : undefined,
    f.removedAgents
      ? sql`exists (select 1 from ${agents} a where a.organization_id = ${org} and a.id = ${executions.agentId} and a.deleted_at is not null)`
      : undefined,
    f.status ? eq(executions.status, f.status) : undefined,
    range.from ? gte(executions.startedAt, range.from) : undefined,
    range.before ? lt(executions.startedAt, range.before) : undefined,
    f.spikesOnly ? sql`${executions.credits} > 3 * ${executions.usualCredits}` : undefined,
    f.failure
      ? sql`${executions.status} = 'failed' and ${executions.failedTool} = ${f.failure.tool} and ${executions.errorSignature} = ${f.failure.signature}`
      : undefined,
  );
}
