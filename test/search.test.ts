/**
 * Search equals plain SQL: for random runs written by plain SQL with hostile text (LIKE's and
 * regular expressions' metacharacters, case variants, RTL and other scripts, line breaks), tool
 * calls written before or after their run, random terms and filters, the list's rows, their order
 * and its total are those of `position(lower(term) in lower(field)) > 0` over the same rows — the
 * first SEARCHED_LENGTH characters of title and error, and the tool calls' names — or an agent
 * whose name holds the term (as the page lower-cases it). Another organization's matching runs
 * never appear.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCHED_LENGTH } from '../src/db/schema.js';
import { loadExecutionList } from '../src/list/execution-list.js';
import { parseExecutionQuery } from '../src/list/query.js';
import { STATUS_ORDER as STATUSES } from '../src/list/status.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { select } from './support/select.js';

const ORG = 'search-org';
const OTHER = 'search-other';
const AGENTS = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
const SCHEDULE = '00000000-0000-4000-8000-0000000000aa';
const BASE = Date.parse('2026-05-01T12:00:00Z');

// Pieces that break naive escaping or case folding, and plain words so that terms match.
const PIECES = [
  '%',
  '_',
  '\\',
  '.*',
  '(a|b)',
  '[x]',
  '^$',
  "'",
  '"',
  'Ünïcödé',
  'straße',
  'İstanbul',
  'ΣΊΣΥΦΟΣ',
  'שלום',
  'مرحبا',
  '\u202e',
  ' ',
  '\n',
  'Timeout',
  'TIMEOUT',
  'timeout',
  'hubspot.search',
  'abc',
  'ABC',
  '100%_done',
];
const textArb = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), { maxLength: 6 })
  .map((p) => p.join('').replaceAll('\0', ''));

interface Run {
  title: string;
  error: string | null;
  tools: string[];
  agent: number;
  status: (typeof STATUSES)[number];
  toolsFirst: boolean;
}
const runArb: fc.Arbitrary<Run> = fc.record({
  title: textArb,
  error: fc.option(textArb, { nil: null }),
  tools: fc.array(
    textArb.filter((t) => t !== ''),
    { maxLength: 3 },
  ),
  agent: fc.integer({ min: 0, max: 1 }),
  status: fc.constantFrom(...STATUSES),
  toolsFirst: fc.boolean(),
});

const idOf = (group: number, n: number) =>
  `00000000-0000-4000-9${group.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;

async function write(db: TestDatabase['db'], org: string, group: number, runs: Run[], agentNames: string[]) {
  await db.execute(sql`delete from executions_admin.xa_steps where organization_id = ${org}`);
  await db.execute(sql`delete from executions_admin.xa_executions where organization_id = ${org}`);
  await db.execute(sql`delete from executions_admin.xa_conversations where organization_id = ${org}`);
  for (const [i, name] of agentNames.entries())
    await db.execute(
      sql`update executions_admin.xa_agents set name = ${name} where organization_id = ${org} and id = ${AGENTS[i]}::uuid`,
    );
  for (const [n, run] of runs.entries()) {
    const conversation = idOf(group, n);
    const agent = AGENTS[run.agent]!;
    const at = new Date(BASE - (n % 7) * 60_000).toISOString(); // ties on the start: the id orders them
    const steps = async () => {
      for (const [p, tool] of run.tools.entries())
        await db.execute(sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, tool_name, created_at)
          values (${org}, ${conversation}::uuid, ${p}, 'tool_call', ${tool}, ${at}::timestamptz)`);
    };
    await db.execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
      values (${org}, ${conversation}::uuid, ${agent}::uuid, 'schedule', ${run.title}, ${at}::timestamptz)`);
    if (run.toolsFirst) await steps();
    await db.execute(sql`insert into executions_admin.xa_executions (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at, error_message)
      values (${org}, ${idOf(group + 1, n)}::uuid, ${conversation}::uuid, ${agent}::uuid, ${SCHEDULE}::uuid, ${run.status}, ${at}::timestamptz, ${run.error})`);
    if (!run.toolsFirst) await steps();
  }
}

/** The runs plain SQL finds, newest first. */
async function expected(db: TestDatabase['db'], term: string, status: string | null, agentIds: string[]): Promise<string[]> {
  const rows = await select(
    db,
    sql`select e.id from executions_admin.xa_executions e
         where e.organization_id = ${ORG} and e.schedule_id is not null and (${status}::text is null or e.status::text = ${status})
           and (position(lower(${term}) in lower(left(e.conversation_title, ${SEARCHED_LENGTH}))) > 0
             or position(lower(${term}) in lower(left(coalesce(e.error_message, ''), ${SEARCHED_LENGTH}))) > 0
             or exists (select 1 from executions_admin.xa_steps s where s.organization_id = e.organization_id
                          and s.conversation_id = e.conversation_id and s.kind = 'tool_call'
                          and position(lower(${term}) in lower(s.tool_name)) > 0)
             or e.agent_id = any(${`{${agentIds.join(',')}}`}::uuid[]))
         order by e.started_at desc, e.id desc`,
  );
  return rows.map((r) => String(r.id));
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `search on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open();
        for (const org of [ORG, OTHER]) {
          await database.db.execute(sql`insert into executions_admin.xa_organizations values (${org}, ${org}, 'UTC')`);
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

      it('finds what plain SQL finds, in order, with its total, and nothing of another organization', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(runArb, { minLength: 1, maxLength: 30 }),
            fc.array(runArb, { maxLength: 6 }),
            fc.tuple(textArb, textArb),
            fc.oneof(
              { arbitrary: textArb, weight: 1 },
              // Metacharacters standing where a letter would match: found only as themselves.
              {
                arbitrary: fc.constantFrom(
                  'timeout',
                  'TimeOut',
                  '100%_',
                  'tim_out',
                  'tim%ut',
                  'abc\\',
                  'b.*',
                  'straSSe',
                  'ünï',
                  'İst',
                ),
                weight: 3,
              },
            ),
            fc.option(fc.constantFrom(...STATUSES), { nil: null }),
            async (runs, others, agentNames, rawTerm, status) => {
              const term = rawTerm.trim();
              const parsed = parseExecutionQuery(new URLSearchParams({ q: rawTerm, ...(status ? { status } : {}) }));
              fc.pre(parsed.query.search === term);
              await write(database.db, ORG, 0x10, runs, agentNames);
              // The other organization's runs all hold the term.
              await write(
                database.db,
                OTHER,
                0x20,
                others.map((r) => ({ ...r, title: `${r.title}${term}` })),
                ['agent', 'agent'],
              );
              const organization = { id: ORG, name: ORG, timeZone: 'UTC', firstDay: '2026-05-01' };
              const list = await loadExecutionList(database.db, organization, parsed, new Date(BASE + 60_000));
              const agentIds = AGENTS.filter((_, i) => agentNames[i]!.toLowerCase().includes(term.toLowerCase()));
              const want = await expected(database.db, term, status, agentIds);
              expect(list.rows.map((r) => r.id)).toEqual(want.slice(0, 20));
              expect({ total: list.total, lowerBound: list.lowerBound }).toEqual({ total: want.length, lowerBound: null });
              if (want.length <= 20) return;
              // Page 2 by its number, and by the Next arrow's cursor: the same rows.
              const last = list.rows.at(-1)!.cursor;
              for (const page of [{ page: '2' }, { page: '2', after: `${last.startedAt},${last.id}` }] as Record<
                string,
                string
              >[]) {
                const next = parseExecutionQuery(new URLSearchParams({ q: rawTerm, ...(status ? { status } : {}), ...page }));
                const second = await loadExecutionList(database.db, organization, next, new Date(BASE + 60_000));
                expect(
                  second.rows.map((r) => r.id),
                  JSON.stringify(page),
                ).toEqual(want.slice(20, 40));
              }
            },
          ),
          { numRuns: target.name === 'pglite' ? 25 : 40 },
        );
      }, 120_000);

      it('says a total past what it counts as a lower bound, and pages on by the arrows without a last page', async () => {
        const db = database.db;
        await write(db, ORG, 0x30, [], ['agent', 'agent']);
        // 2,500 runs a minute apart: every one says "common", one in 500 "seldom" too, one in 10 "sometimes".
        // Through the triggers, as any writer: longer than a page's statement limit.
        await db.transaction(async (tx) => {
          await tx.execute(sql`set local statement_timeout = 0`);
          await tx.execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
        select ${ORG}, md5('c' || g)::uuid, ${AGENTS[0]}::uuid, 'schedule',
               'common' || case when g % 500 = 0 then ' seldom' else '' end || case when g % 10 = 0 then ' sometimes' else '' end,
               ${new Date(BASE).toISOString()}::timestamptz - g * interval '1 minute'
          from generate_series(1, 2500) g`);
          await tx.execute(sql`insert into executions_admin.xa_executions (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at)
        select ${ORG}, md5('e' || g)::uuid, md5('c' || g)::uuid, ${AGENTS[0]}::uuid, ${SCHEDULE}::uuid, 'completed',
               ${new Date(BASE).toISOString()}::timestamptz - g * interval '1 minute'
          from generate_series(1, 2500) g`);
        });
        const organization = { id: ORG, name: ORG, timeZone: 'UTC', firstDay: '2026-01-01' };
        const load = (params: Record<string, string>) =>
          loadExecutionList(db, organization, parseExecutionQuery(new URLSearchParams(params)), new Date(BASE + 60_000));
        const common = await load({ q: 'COMMON' });
        expect([common.total, common.lowerBound, common.pageCount, common.rows.length]).toEqual([1000, 'moreThan', null, 20]);
        const sometimes = await load({ q: 'sometimes' });
        expect([sometimes.total, sometimes.lowerBound, sometimes.pageCount]).toEqual([200, 'atLeast', null]);
        // Rare in the newest runs: counted by the index, exactly.
        const seldom = await load({ q: 'seldom' });
        expect([seldom.total, seldom.lowerBound, seldom.pageCount]).toEqual([5, null, 1]);
        // Next by cursor, twice, from the first page of an uncounted total: the runs that follow.
        let page = common;
        for (const n of [2, 3]) {
          const last = page.rows.at(-1)!.cursor;
          page = await load({ q: 'common', page: String(n), after: `${last.startedAt},${last.id}` });
          expect(page.query.page).toBe(n);
          expect(page.rows.map((r) => r.startedAt.getTime())).toEqual(
            Array.from({ length: 20 }, (_, i) => BASE - ((n - 1) * 20 + i + 1) * 60_000),
          );
        }
      }, 60_000);

      it('refuses a term without three letters or digits together, and one with a line break, by the field', () => {
        for (const q of ['ab', '%%%', 'a b c', '..', 'ab\ncd'])
          expect(parseExecutionQuery(new URLSearchParams({ q })).errors.search, q).toBeDefined();
      });
    },
  );
}
