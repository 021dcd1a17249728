/**
 * The totals come from trigger-kept daily counts; the rows come from a count(*) over runs with
 * the same filters the list uses (dates resolved to instants in the organization's zone). For
 * any runs, any status changes and deletes, any time zone — half-hour offsets and DST days
 * included — and any filters, the two must agree exactly.
 */
import { and, count, eq, gte, isNotNull, lt } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filtersFor } from '../src/execution-list.js';
import { DEFAULT_QUERY, STATUSES, type ExecutionQuery } from '../src/query.js';
import { countExecutions } from '../src/repository.js';
import { agents, conversations, executions, organizations, schedules } from '../src/schema.js';
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

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const runArb = fc.record({
  agent: fc.integer({ min: 0, max: 1 }),
  window: fc.integer({ min: 0, max: 1 }),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  status: fc.constantFrom(...STATUSES),
  scheduled: fc.boolean(),
});

const changeArb = fc.oneof(
  fc.record({ kind: fc.constant('status' as const), run: fc.nat(), status: fc.constantFrom(...STATUSES) }),
  fc.record({ kind: fc.constant('delete' as const), run: fc.nat() }),
  fc.record({ kind: fc.constant('zone' as const), zone: fc.constantFrom(...ZONES) }),
);

const filterArb = fc.record({
  agent: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
  status: fc.option(fc.constantFrom(...STATUSES), { nil: null }),
  window: fc.integer({ min: 0, max: 1 }),
  start: fc.option(fc.integer({ min: -2, max: 30 }), { nil: null }),
  span: fc.integer({ min: 0, max: 10 }),
  end: fc.boolean(),
});

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

      it('equal count(*) for any runs, changes, time zones and filters', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...ZONES),
            fc.array(runArb, { minLength: 1, maxLength: 40 }),
            fc.array(changeArb, { maxLength: 12 }),
            fc.array(filterArb, { minLength: 10, maxLength: 10 }),
            async (zone, runs, changes, filters) => {
              const { db } = database;
              const org = `prop-${process.pid}-${nextOrganization++}`;
              const agentIds = [crypto.randomUUID(), crypto.randomUUID()];
              const scheduleIds = [crypto.randomUUID(), crypto.randomUUID()];
              await db.insert(organizations).values({ organizationId: org, name: org, timeZone: zone });
              await db.insert(agents).values(agentIds.map((id) => ({ organizationId: org, id, name: id })));
              await db
                .insert(schedules)
                .values(agentIds.map((agentId, i) => ({ organizationId: org, id: scheduleIds[i]!, agentId, name: 's', kind: 'cron' as const, expression: '* * * * *' })));
              const ids = runs.map(() => ({ conversation: crypto.randomUUID(), execution: crypto.randomUUID() }));
              await db.insert(conversations).values(
                runs.map((r, i) => ({ organizationId: org, id: ids[i]!.conversation, agentId: agentIds[r.agent]!, channel: r.scheduled ? ('schedule' as const) : ('hub' as const), title: 't' })),
              );
              await db.insert(executions).values(
                runs.map((r, i) => {
                  const [from, to] = WINDOWS[r.window]!;
                  return {
                    organizationId: org,
                    id: ids[i]!.execution,
                    conversationId: ids[i]!.conversation,
                    agentId: agentIds[r.agent]!,
                    scheduleId: r.scheduled ? scheduleIds[r.agent]! : null,
                    status: r.status,
                    // Microseconds and all: a run a hair before or after a local midnight.
                    startedAt: new Date(Math.floor(from + r.at * (to - from))),
                  };
                }),
              );
              let currentZone = zone;
              for (const change of changes) {
                const target = ids[change.kind === 'zone' ? 0 : change.run % ids.length]!;
                const where = and(eq(executions.organizationId, org), eq(executions.id, target.execution));
                if (change.kind === 'status') await db.update(executions).set({ status: change.status }).where(where);
                else if (change.kind === 'delete') await db.delete(executions).where(where);
                else {
                  await db.update(organizations).set({ timeZone: change.zone }).where(eq(organizations.organizationId, org));
                  currentZone = change.zone;
                }
              }

              for (const f of filters) {
                const [from] = WINDOWS[f.window]!;
                const startDate = f.start === null ? null : day(from + f.start * 86_400_000);
                const endDate = f.end ? day(from + ((f.start ?? 0) + f.span) * 86_400_000) : null;
                const query: ExecutionQuery = {
                  ...DEFAULT_QUERY,
                  agentId: f.agent === null ? null : agentIds[f.agent]!,
                  status: f.status,
                  startDate,
                  endDate: startDate && endDate && endDate < startDate ? startDate : endDate,
                };
                const filtersNow = filtersFor(query, currentZone);
                const [expected] = await db
                  .select({ n: count() })
                  .from(executions)
                  .where(
                    and(
                      eq(executions.organizationId, org),
                      isNotNull(executions.scheduleId),
                      filtersNow.agentId ? eq(executions.agentId, filtersNow.agentId) : undefined,
                      filtersNow.status ? eq(executions.status, filtersNow.status) : undefined,
                      filtersNow.startedFrom ? gte(executions.startedAt, filtersNow.startedFrom) : undefined,
                      filtersNow.startedBefore ? lt(executions.startedAt, filtersNow.startedBefore) : undefined,
                    ),
                  );
                expect(await countExecutions(db, org, filtersNow)).toBe(expected?.n);
              }
            },
          ),
          { numRuns: 100 },
        );
      }, 300_000);
    },
  );
}
