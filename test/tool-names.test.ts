/**
 * A run's list of tools (what search finds by a tool's name) follows its steps whatever plain SQL
 * does to them: after random inserts, updates (the name, the kind, the position, the conversation)
 * and deletes of any set of steps in one statement, each run's list is its tool calls' names, each
 * once, in the order first called. Deleting many steps rewrites each run at most once.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { select } from './support/select.js';

const ORG = 'tools-org';
const AGENT = '00000000-0000-4000-8000-00000000000a';
const SCHEDULE = '00000000-0000-4000-8000-0000000000aa';
const RUNS = 3;
const conversationOf = (n: number) => `00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`;
const runOf = (n: number) => `00000000-0000-4000-9001-${n.toString(16).padStart(12, '0')}`;

interface Step {
  conversation: number;
  position: number;
  kind: 'tool_call' | 'final_response';
  tool: string | null;
}

// 'a\nb' lists as two lines, and 'a' then looks listed: a name with a line break is hostile input too.
const NAMES = ['search', 'fetch', 'send_mail', 'Search', 'a\nb', 'a', 'b'];
// A tool call always names its tool (a check constraint); other steps may carry a name, ignored.
const kindAndToolArb = fc.oneof(
  fc.record({ kind: fc.constant('tool_call' as const), tool: fc.constantFrom(...NAMES) }),
  fc.record({ kind: fc.constant('final_response' as const), tool: fc.option(fc.constantFrom(...NAMES), { nil: null }) }),
);
const stepArb: fc.Arbitrary<Step> = fc
  .tuple(fc.integer({ min: 0, max: RUNS - 1 }), fc.integer({ min: 0, max: 9 }), kindAndToolArb)
  .map(([conversation, position, kt]) => ({ conversation, position, ...kt }));
/** A step moved (to another run or position) and/or its kind and tool changed together. */
interface Change {
  conversation?: number;
  position?: number;
  kindAndTool?: Pick<Step, 'kind' | 'tool'>;
}
type Op = { op: 'insert'; step: Step } | { op: 'delete'; which: boolean[] } | { op: 'update'; index: number; change: Change };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('insert' as const), step: stepArb }), weight: 3 },
  fc.record({ op: fc.constant('delete' as const), which: fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }) }),
  fc.record({
    op: fc.constant('update' as const),
    index: fc.nat(),
    change: fc.record(
      {
        conversation: fc.integer({ min: 0, max: RUNS - 1 }),
        position: fc.integer({ min: 10, max: 99 }),
        kindAndTool: kindAndToolArb,
      },
      { requiredKeys: [] },
    ),
  }),
);

/** The list as the module defines it, from the steps alone. */
function listOf(steps: Step[], conversation: number): string {
  const first = new Map<string, number>();
  for (const s of steps)
    if (s.conversation === conversation && s.kind === 'tool_call' && s.tool !== null)
      first.set(s.tool, Math.min(first.get(s.tool) ?? Infinity, s.position));
  return [...first]
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name)
    .join('\n');
}

const stepKey = (s: Step) =>
  sql`organization_id = ${ORG} and conversation_id = ${conversationOf(s.conversation)}::uuid and position = ${s.position}`;

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `tool names on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open();
        const db = database.db;
        await db.execute(sql`insert into executions_admin.xa_organizations values (${ORG}, ${ORG}, 'UTC')`);
        await db.execute(
          sql`insert into executions_admin.xa_agents (organization_id, id, name) values (${ORG}, ${AGENT}::uuid, 'agent')`,
        );
        await db.execute(
          sql`insert into executions_admin.xa_schedules values (${ORG}, ${SCHEDULE}::uuid, ${AGENT}::uuid, 's', 'cron', '* * * * *')`,
        );
      }, 60_000);
      afterAll(() => database?.dispose());

      async function reset() {
        const db = database.db;
        for (const table of ['xa_executions', 'xa_steps', 'xa_conversations'])
          await db.execute(sql`delete from ${sql.raw(`executions_admin.${table}`)} where organization_id = ${ORG}`);
        for (let n = 0; n < RUNS; n++) {
          await db.execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
            values (${ORG}, ${conversationOf(n)}::uuid, ${AGENT}::uuid, 'schedule', 'run', now())`);
          await db.execute(sql`insert into executions_admin.xa_executions (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at)
            values (${ORG}, ${runOf(n)}::uuid, ${conversationOf(n)}::uuid, ${AGENT}::uuid, ${SCHEDULE}::uuid, 'completed', now())`);
        }
      }

      async function lists(): Promise<string[]> {
        const rows = await select(
          database.db,
          sql`select tool_names from executions_admin.xa_executions where organization_id = ${ORG} order by conversation_id`,
        );
        return rows.map((r) => String(r.tool_names));
      }

      it('follows inserts, updates and deletes of any steps', async () => {
        const db = database.db;
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { maxLength: 12 }), async (ops) => {
            await reset();
            let steps: Step[] = [];
            for (const op of ops) {
              if (op.op === 'insert') {
                const s = op.step;
                if (steps.some((t) => t.conversation === s.conversation && t.position === s.position)) continue;
                await db.execute(sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, tool_name, created_at)
                  values (${ORG}, ${conversationOf(s.conversation)}::uuid, ${s.position}, ${s.kind}, ${s.tool}, now())`);
                steps.push(s);
              } else if (op.op === 'delete') {
                const gone = steps.filter((_, i) => op.which[i % op.which.length]);
                if (gone.length === 0) continue;
                await db.execute(
                  sql`delete from executions_admin.xa_steps where ${sql.join(
                    gone.map((s) => sql`(${stepKey(s)})`),
                    sql` or `,
                  )}`,
                );
                steps = steps.filter((s) => !gone.includes(s));
              } else {
                const old = steps[op.index % Math.max(steps.length, 1)];
                if (!old) continue;
                const { kindAndTool, ...moved } = op.change;
                const next = { ...old, ...moved, ...kindAndTool };
                const taken = steps.some(
                  (t) => t !== old && t.conversation === next.conversation && t.position === next.position,
                );
                if (taken) continue;
                // Only the columns the change names, as a writer would: a trigger must not rely on all four.
                const set = [
                  moved.conversation === undefined ? [] : [sql`conversation_id = ${conversationOf(moved.conversation)}::uuid`],
                  moved.position === undefined ? [] : [sql`position = ${moved.position}`],
                  kindAndTool ? [sql`kind = ${kindAndTool.kind}, tool_name = ${kindAndTool.tool}`] : [],
                ].flat();
                if (set.length === 0) continue;
                await db.execute(sql`update executions_admin.xa_steps set ${sql.join(set, sql`, `)} where ${stepKey(old)}`);
                steps[steps.indexOf(old)] = next;
              }
              expect(await lists()).toEqual(Array.from({ length: RUNS }, (_, n) => listOf(steps, n)));
            }
          }),
          {
            numRuns: target.name === 'pglite' ? 50 : 100,
            // A tool's first call moved after another's: the order changes though no name does.
            examples: [
              [
                [
                  { op: 'insert', step: { conversation: 0, position: 0, kind: 'tool_call', tool: 'search' } },
                  { op: 'insert', step: { conversation: 0, position: 1, kind: 'tool_call', tool: 'fetch' } },
                  { op: 'update', index: 0, change: { position: 50 } },
                ],
              ],
            ],
          },
        );
      }, 120_000);

      it('rewrites a run once when its steps are deleted together, and not when its list stays', async () => {
        const db = database.db;
        await reset();
        for (let p = 0; p < 50; p++)
          await db.execute(sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, tool_name, created_at)
            values (${ORG}, ${conversationOf(0)}::uuid, ${p}, 'tool_call', ${p % 2 ? 'fetch' : 'search'}, now())`);
        // An observer of the test's own, by plain SQL: every row version written to the runs.
        await db.execute(sql`create sequence if not exists public.run_rewrites`);
        await db.execute(
          sql.raw(`create or replace function public.count_run_rewrite() returns trigger language plpgsql as
          $$ begin perform nextval('public.run_rewrites'); return null; end $$`),
        );
        await db.execute(sql`create or replace trigger count_run_rewrite after update on executions_admin.xa_executions
          for each row execute function public.count_run_rewrite()`);
        const updatesOf = async (statement: ReturnType<typeof sql>) => {
          const count = async () =>
            Number((await select(db, sql`select last_value + (not is_called)::int * -1 as n from public.run_rewrites`))[0]!.n);
          const before = await count();
          await db.execute(statement);
          return (await count()) - before;
        };
        // Positions 0 and 1 stay, the first calls of both tools: the list stays as it is.
        expect(
          await updatesOf(sql`delete from executions_admin.xa_steps where organization_id = ${ORG} and position between 2 and 9`),
        ).toBe(0);
        expect(await lists()).toEqual(['search\nfetch', '', '']);
        expect(await updatesOf(sql`delete from executions_admin.xa_steps where organization_id = ${ORG}`)).toBe(1);
        expect(await lists()).toEqual(['', '', '']);
      }, 60_000);
    },
  );
}
