/**
 * Sorting equals plain SQL: for random runs written by plain SQL (ties on credits, duration and
 * start; credits not calculated and runs not finished; starts on both sides of UTC weeks' and the
 * organization's days' bounds), random filters (status, agent, a search, a date range, read by
 * weeks when both ends are set: week-slices.ts) and every sort either way, paging through the list by the Next arrows' cursors, back by the
 * Previous ones, and by page numbers reads exactly the rows of `ORDER BY` the column (missing
 * values last both ways), then the start, then the id — the same way as the column — over the
 * same rows. Another organization's runs never appear.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExecutionList, type ListedOrganization } from '../src/list/execution-list.js';
import { parseExecutionQuery, PAGE_SIZE, toSearchParams, type ExecutionQuery } from '../src/list/query.js';
import { SORT_KEYS, sortParam } from '../src/list/sort.js';
import { STATUS_ORDER as STATUSES } from '../src/list/status.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { select } from './support/select.js';

const ORG = 'sort-org';
const OTHER = 'sort-other';
const AGENTS = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
const SCHEDULE = '00000000-0000-4000-8000-0000000000aa';
const BASE = Date.parse('2026-05-01T12:00:00Z');
const ZONE = 'America/Sao_Paulo';
/** Ties, a UTC week's first instant and the one before it, a local midnight (03:00 UTC), and weeks apart. */
const STARTS = [
  '2026-05-01T12:00:00Z',
  '2026-05-01T11:59:00Z',
  '2026-05-01T11:55:00Z',
  '2026-04-27T00:00:00Z',
  '2026-04-26T23:59:59.999999Z',
  '2026-04-27T03:00:00Z',
  '2026-04-10T08:00:00Z',
  '2026-03-02T00:00:00Z',
  '2026-01-15T10:00:00Z',
];
const DATES = ['2026-01-15', '2026-04-26', '2026-04-27', '2026-05-01'];

interface Run {
  agent: number;
  status: (typeof STATUSES)[number];
  /** Few values, so that ties are common. */
  credits: number | null;
  durationSeconds: number | null;
  started: string;
  titled: boolean;
}
const runArb: fc.Arbitrary<Run> = fc.record({
  agent: fc.integer({ min: 0, max: 1 }),
  status: fc.constantFrom(...STATUSES),
  credits: fc.option(fc.constantFrom(0, 0.01, 1.5, 1.5, 12, 9999999999.99), { nil: null }),
  durationSeconds: fc.option(fc.constantFrom(0, 0.000001, 1, 1, 72, 86_400 * 400), { nil: null }),
  started: fc.constantFrom(...STARTS),
  titled: fc.boolean(),
});

const idOf = (group: number, n: number) =>
  `00000000-0000-4000-9${group.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;

/** The runs, in one statement per table: whatever order the ids fall in, the start and key decide. */
async function write(db: TestDatabase['db'], org: string, group: number, runs: Run[]) {
  await db.execute(sql`delete from executions_admin.xa_executions where organization_id = ${org}`);
  await db.execute(sql`delete from executions_admin.xa_conversations where organization_id = ${org}`);
  if (runs.length === 0) return;
  const rows = JSON.stringify(
    runs.map((run, n) => {
      return {
        c: idOf(group, n),
        e: idOf(group + 1, (n * 7919) % 65_521),
        agent: AGENTS[run.agent],
        status: run.status,
        credits: run.credits,
        title: run.titled ? 'the Alpha run' : 'a run',
        started: run.started,
        seconds: run.durationSeconds,
      };
    }),
  );
  await db.execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
    select ${org}, r.c, r.agent, 'schedule', r.title, r.started
      from json_to_recordset(${rows}::json) as r(c uuid, agent uuid, title text, started timestamptz)`);
  await db.execute(sql`insert into executions_admin.xa_executions
      (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at, finished_at, credits)
    select ${org}, r.e, r.c, r.agent, ${SCHEDULE}::uuid, r.status::executions_admin.xa_execution_status, r.started,
           r.started + r.seconds * interval '1 second', r.credits
      from json_to_recordset(${rows}::json)
        as r(c uuid, e uuid, agent uuid, status text, credits numeric, started timestamptz, seconds float8)`);
}

const COLUMN = { date: 'e.started_at', credits: 'e.credits', duration: '(e.finished_at - e.started_at)' } as const;

/** The runs plain SQL finds, in the sort's order. */
async function expected(db: TestDatabase['db'], query: ExecutionQuery): Promise<string[]> {
  const dir = query.sort.descending ? 'desc' : 'asc';
  const rows = await select(
    db,
    sql`select e.id from executions_admin.xa_executions e
         where e.organization_id = ${ORG} and e.schedule_id is not null
           and (${query.status}::text is null or e.status::text = ${query.status})
           and (${query.agentId}::uuid is null or e.agent_id = ${query.agentId}::uuid)
           and (${query.search}::text is null or position(lower(${query.search}) in lower(e.conversation_title)) > 0)
           and (${query.startDate}::date is null or e.started_at >= ${query.startDate}::date::timestamp at time zone ${ZONE})
           and (${query.endDate}::date is null or e.started_at < (${query.endDate}::date + 1)::timestamp at time zone ${ZONE})
         order by ${sql.raw(`${COLUMN[query.sort.key]} ${dir} nulls last, e.started_at ${dir}, e.id ${dir}`)}`,
  );
  return rows.map((r) => String(r.id));
}

const organization: ListedOrganization = { id: ORG, name: ORG, timeZone: ZONE, firstDay: '2026-01-15' };

/** Every page, by the arrows' cursors both ways and by number, holds what plain SQL orders. */
async function pagesAsPlainSql(db: TestDatabase['db'], params: URLSearchParams) {
  const now = new Date(BASE + 60_000);
  const load = (p: URLSearchParams) => loadExecutionList(db, organization, parseExecutionQuery(p), now);
  const first = await load(params);
  const want = await expected(db, first.query);
  const pages = Math.max(1, Math.ceil(want.length / PAGE_SIZE));
  const wanted = (n: number) => want.slice((n - 1) * PAGE_SIZE, n * PAGE_SIZE);
  expect(first.total).toBe(want.length);

  // Forward by the Next arrows' cursors, then back by the Previous ones.
  let list = first;
  for (let n = 1; ; n++) {
    expect(
      list.rows.map((r) => r.id),
      `page ${n} forward`,
    ).toEqual(wanted(n));
    if (n === pages) break;
    const last = list.rows.at(-1)!.cursor;
    list = await load(toSearchParams({ ...list.query, page: n + 1, cursor: { direction: 'after', ...last } }));
  }
  for (let n = pages - 1; n >= 1; n--) {
    const head = list.rows[0]!.cursor;
    list = await load(toSearchParams({ ...list.query, page: n, cursor: n > 1 ? { direction: 'before', ...head } : null }));
    expect(
      list.rows.map((r) => r.id),
      `page ${n} back`,
    ).toEqual(wanted(n));
  }
  // By number: the first pages from the start, the last from the end.
  for (let n = 2; n <= pages; n++) {
    const byNumber = await load(toSearchParams({ ...first.query, page: n, cursor: null }));
    expect(
      byNumber.rows.map((r) => r.id),
      `page ${n} by number`,
    ).toEqual(wanted(n));
  }
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `sorted list on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open();
        for (const org of [ORG, OTHER]) {
          await database.db.execute(sql`insert into executions_admin.xa_organizations values (${org}, ${org}, ${ZONE})`);
          for (const agent of AGENTS)
            await database.db.execute(
              sql`insert into executions_admin.xa_agents (organization_id, id, name) values (${org}, ${agent}::uuid, 'agent')`,
            );
          await database.db.execute(
            sql`insert into executions_admin.xa_schedules values (${org}, ${SCHEDULE}::uuid, ${AGENTS[0]}::uuid, 's', 'cron', '* * * * *')`,
          );
        }
      });
      afterAll(() => database?.dispose());

      it('pages through what plain SQL orders, by cursor both ways and by number, and nothing of another organization', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(runArb, { minLength: 10, maxLength: 100, size: 'max' }),
            fc.array(runArb, { maxLength: 5 }),
            fc.constantFrom(...SORT_KEYS),
            fc.boolean(),
            fc.option(fc.constantFrom(...STATUSES), { nil: null, freq: 2 }),
            fc.option(fc.constantFrom(...AGENTS), { nil: null, freq: 2 }),
            fc.boolean(),
            fc.option(fc.constantFrom(...DATES), { nil: null }),
            fc.option(fc.constantFrom(...DATES), { nil: null }),
            async (runs, others, key, descending, status, agent, searched, from, to) => {
              // Out of order, the filter would drop both: swapped, every range is one.
              const [start, end] = from && to && from > to ? [to, from] : [from, to];
              await write(database.db, ORG, 0x10, runs);
              await write(database.db, OTHER, 0x20, others);
              const params = new URLSearchParams({
                sort: sortParam({ key, descending }),
                ...(status ? { status } : {}),
                ...(agent ? { agent } : {}),
                ...(searched ? { q: 'alpha' } : {}),
                ...(start ? { start } : {}),
                ...(end ? { end } : {}),
              });
              await pagesAsPlainSql(database.db, params);
            },
          ),
          { numRuns: target.name === 'pglite' ? 25 : 40 },
        );
      }, 240_000);

      it('reads a range by weeks to the same pages when one week holds more runs than a page, an end open or not', async () => {
        // 70 runs in the week of 27 April (ties on duration and start), 30 in the weeks before.
        const runs = Array.from({ length: 100 }, (_, n): Run => ({
          agent: n % 2,
          status: 'completed',
          credits: n % 3,
          durationSeconds: n % 4 === 0 ? 72 : 1,
          started: STARTS[n < 70 ? n % 5 : 5 + (n % 4)]!,
          titled: false,
        }));
        await write(database.db, ORG, 0x10, runs);
        await write(database.db, OTHER, 0x20, []);
        // Both ends, each end open (closed at the organization's first or last run), a range of
        // over ten years (cut to the runs), and one around every run (walked).
        const ranges: Record<string, string>[] = [
          { start: '2026-01-15', end: '2026-05-01' },
          { start: '2026-01-15' },
          { end: '2026-05-01' },
          { start: '1990-01-01', end: '2026-04-26' },
          { start: '2000-01-01' },
        ];
        for (const sort of ['-duration', 'credits'])
          for (const agent of [null, AGENTS[0]!])
            for (const range of ranges)
              await pagesAsPlainSql(database.db, new URLSearchParams({ sort, ...range, ...(agent ? { agent } : {}) }));
      }, 120_000);

      it("closes an open end at the last run, one on a UTC week's first instant past the week after now", async () => {
        // The request's now is 1 May 2026; 11 May is a Monday, more than a week later.
        const starts = ['2026-05-11T00:00:00Z', '2026-05-01T11:00:00Z', '2026-04-20T09:00:00Z'];
        const runs = starts.map((started, n): Run => ({
          agent: 0,
          status: 'completed',
          credits: n,
          durationSeconds: 1,
          started,
          titled: false,
        }));
        await write(database.db, ORG, 0x10, runs);
        await write(database.db, OTHER, 0x20, []);
        for (const sort of ['credits', '-duration'])
          await pagesAsPlainSql(database.db, new URLSearchParams({ sort, start: '2026-04-15' }));
      });
    },
  );
}
