/**
 * Search "also in conversations" equals plain SQL: for random runs inside and outside its bound of
 * CONVERSATION_SEARCH_DAYS days, whose steps hold hostile text (LIKE's metacharacters, quotes,
 * backslashes, JSON, non-BMP characters, control characters but NUL, numbers JavaScript would
 * round or rewrite) as prompts, responses and JSON tool inputs and outputs, the list's rows, their order and its total are those of
 * `position(lower(term) in lower(text)) > 0` over the run's title, and, for runs inside the bound,
 * over each step's text as the conversation page shows it (its JSON laid out from the stored text). Another
 * organization's runs, whose steps all hold the term, never appear. When the time allowed runs
 * out, the page says where, and the total is a lower bound.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonHead } from '../src/conversation/bounds.js';
import { conversationSearch, cutShort, SCAN_CHUNK } from '../src/list/conversation-search.js';
import { loadExecutionList } from '../src/list/execution-list.js';
import { filtersFor } from '../src/list/filter-set.js';
import { parseExecutionQuery } from '../src/list/query.js';
import { CONVERSATION_SEARCH_DAYS } from '../src/list/search-filter.js';
import { COUNT_BOUND } from '../src/list/summary-query.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { select } from './support/select.js';

const ORG = 'deep-org';
const OTHER = 'deep-other';
const AGENT = '00000000-0000-4000-8000-00000000000a';
const SCHEDULE = '00000000-0000-4000-8000-0000000000aa';
const NOW = Date.parse('2026-05-01T12:00:00Z');
const DAY = 86_400_000;
const BOUND = NOW - CONVERSATION_SEARCH_DAYS * DAY;

const PIECES = [
  '%',
  '_',
  '\\',
  "'",
  '"',
  '{"k": [1, 2]}',
  '[]',
  '{}',
  '🎉',
  '𝔘𝔫𝔦',
  '\u0001',
  '\t',
  '\n',
  '\u007f',
  'Ünïcödé',
  'straße',
  'Timeout',
  'TIMEOUT',
  'abc',
  '100%_done',
];
const textArb = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })), { maxLength: 5 })
  .map((p) => p.join('').replaceAll('\0', ''));
// JSON text, numbers written as any service might: digits JavaScript would round or rewrite, which
// Postgres keeps (or normalizes: 1e3 is stored as 1000), and keys JavaScript would reorder.
const NUMBERS = ['1.0', '1.50', '-0', '1e3', '2E-3', '12345678901234567890', '0.1000000000000000055511151231257827'];
const { json: jsonArb } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    textArb.map((t) => JSON.stringify(t)),
    fc.oneof(fc.integer().map(String), fc.constantFrom(...NUMBERS)),
    fc.constantFrom('true', 'false', 'null'),
    // Empty containers, which Postgres pretty-prints over two lines and the page on one.
    fc.constantFrom('{"abc": []}', '{"abc": {}}'),
    fc.array(tie('json'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(fc.oneof(textArb, fc.constantFrom('10', '2', 'b')), tie('json')), { maxLength: 3 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`),
  ),
}));

/** A step; its input and output as JSON text. */
interface Step {
  content: string | null;
  input: string | undefined;
  output: string | undefined;
}
interface Run {
  title: string;
  inBound: boolean;
  steps: Step[];
}
const stepArb: fc.Arbitrary<Step> = fc.record({
  content: fc.option(textArb, { nil: null }),
  input: fc.option(jsonArb, { nil: undefined }),
  output: fc.option(jsonArb, { nil: undefined }),
});
const runArb: fc.Arbitrary<Run> = fc.record({
  title: textArb,
  inBound: fc.boolean(),
  steps: fc.array(stepArb, { maxLength: 3 }),
});

const idOf = (group: number, n: number) =>
  `00000000-0000-4000-9${group.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;
/** Inside the bound, minutes before now; outside, minutes past it (ties on the start: the id orders them). */
const startOf = (run: Run, n: number) => new Date((run.inBound ? NOW : BOUND) - ((n % 5) + 1) * 60_000).toISOString();

async function write(db: TestDatabase['db'], org: string, group: number, runs: Run[]) {
  // The runs first, as retention prunes: their steps' delete then has no list to write again.
  for (const table of ['xa_executions', 'xa_steps', 'xa_conversations'])
    await db.execute(sql`delete from ${sql.raw(`executions_admin.${table}`)} where organization_id = ${org}`);
  for (const [n, run] of runs.entries()) {
    const conversation = idOf(group, n);
    const at = startOf(run, n);
    await db.execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
      values (${org}, ${conversation}::uuid, ${AGENT}::uuid, 'schedule', ${run.title}, ${at}::timestamptz)`);
    await db.execute(sql`insert into executions_admin.xa_executions (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at)
      values (${org}, ${idOf(group + 1, n)}::uuid, ${conversation}::uuid, ${AGENT}::uuid, ${SCHEDULE}::uuid, 'completed', ${at}::timestamptz)`);
    for (const [p, step] of run.steps.entries()) {
      await db.execute(sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, content, tool_name, tool_input, tool_output, created_at)
        values (${org}, ${conversation}::uuid, ${p}, 'tool_call', ${step.content}, 'tool', ${step.input ?? null}::jsonb, ${step.output ?? null}::jsonb, ${at}::timestamptz)`);
    }
  }
}

/**
 * The runs plain SQL finds, newest first: the title anywhere, inside the bound the steps' text as
 * the page shows it — a JSON string as its text, JSON null as nothing (the page's word for nothing
 * is no match), anything else laid out from the text Postgres stored (jsonHead).
 */
async function expected(db: TestDatabase['db'], runs: Run[], term: string): Promise<string[]> {
  const inBound = new Set(runs.flatMap((run, n) => (run.inBound ? [idOf(0x10, n)] : [])));
  const steps = await select(
    db,
    sql`select conversation_id, content, jsonb_typeof(tool_input) as input_type, tool_input #>> '{}' as input,
          jsonb_typeof(tool_output) as output_type, tool_output #>> '{}' as output
        from executions_admin.xa_steps where organization_id = ${ORG}`,
  );
  const shown = (type: unknown, text: unknown) =>
    type === null || type === 'null' ? null : type === 'string' ? String(text) : jsonHead(String(text), Infinity).text;
  const runOf = (conversation: string) => idOf(0x11, Number.parseInt(conversation.slice(-12), 16));
  const texts = [
    ...runs.map((run, n) => ({ id: idOf(0x11, n), text: run.title })),
    ...steps
      .filter((s) => inBound.has(String(s.conversation_id)))
      .flatMap((s) =>
        [s.content, shown(s.input_type, s.input), shown(s.output_type, s.output)]
          .filter((t): t is string => typeof t === 'string')
          .map((text) => ({ id: runOf(String(s.conversation_id)), text })),
      ),
  ];
  const rows = await select(
    db,
    sql`select e.id from executions_admin.xa_executions e
         where e.organization_id = ${ORG} and e.id in (
           select t.id from json_to_recordset(${JSON.stringify(texts)}::json) as t(id uuid, text text)
            where position(lower(${term}) in lower(t.text)) > 0)
         order by e.started_at desc, e.id desc`,
  );
  return rows.map((r) => String(r.id));
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `search in conversations on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      const organization = { id: ORG, name: ORG, timeZone: 'UTC', firstDay: '2026-04-01' };
      const load = (params: Record<string, string>) =>
        loadExecutionList(database.db, organization, parseExecutionQuery(new URLSearchParams(params)), new Date(NOW));
      beforeAll(async () => {
        database = await target.open();
        for (const org of [ORG, OTHER]) {
          await database.db.execute(sql`insert into executions_admin.xa_organizations values (${org}, ${org}, 'UTC')`);
          await database.db.execute(
            sql`insert into executions_admin.xa_agents (organization_id, id, name) values (${org}, ${AGENT}::uuid, 'agent')`,
          );
          await database.db.execute(
            sql`insert into executions_admin.xa_schedules values (${org}, ${SCHEDULE}::uuid, ${AGENT}::uuid, 's', 'cron', '* * * * *')`,
          );
        }
      });
      afterAll(() => database?.dispose());

      it('finds what plain SQL finds in the shown text, in order, with its total, inside the bound only, and nothing of another organization', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(runArb, { minLength: 1, maxLength: 30 }),
            fc.array(runArb, { maxLength: 5 }),
            fc.oneof(
              { arbitrary: textArb, weight: 1 },
              {
                arbitrary: fc.constantFrom(
                  'timeout',
                  '100%_',
                  'tim_out',
                  'abc\\',
                  '"k": [',
                  '\\u0001',
                  '[]',
                  '{}',
                  '🎉x',
                  'ünï',
                  '"abc"',
                  '"abc": []',
                  '"abc": {}',
                  // Numbers as stored, not as JavaScript would write them.
                  '1.50',
                  '1000',
                  '1e3',
                  '345678901234567',
                  '0.1000000000000000055',
                  '"10": ',
                ),
                weight: 3,
              },
            ),
            async (runs, others, rawTerm) => {
              const term = rawTerm.trim();
              const parsed = parseExecutionQuery(new URLSearchParams({ q: rawTerm, conversations: '1' }));
              fc.pre(parsed.query.search === term && parsed.query.searchConversations);
              await write(database.db, ORG, 0x10, runs);
              // Every step of the other organization holds the term, inside the bound.
              const marked = { content: term, input: JSON.stringify({ term }), output: JSON.stringify([term]) };
              await write(
                database.db,
                OTHER,
                0x20,
                others.map((r) => ({ ...r, inBound: true, steps: [...r.steps, marked] })),
              );
              const list = await loadExecutionList(database.db, organization, parsed, new Date(NOW));
              const want = await expected(database.db, runs, term);
              expect(list.rows.map((r) => r.id)).toEqual(want.slice(0, 20));
              expect({ total: list.total, lowerBound: list.lowerBound, cut: list.conversationsCut }).toEqual({
                total: want.length,
                lowerBound: null,
                cut: null,
              });
              if (want.length <= 20) return;
              const last = list.rows.at(-1)!.cursor;
              for (const page of [{ page: '2' }, { page: '2', after: `${last.startedAt},${last.id}` }] as Record<
                string,
                string
              >[]) {
                const next = await load({ q: rawTerm, conversations: '1', ...page });
                expect(next.rows.map((r) => r.id)).toEqual(want.slice(20, 40));
              }
            },
          ),
          { numRuns: target.name === 'pglite' ? 25 : 40 },
        );
      }, 120_000);

      it('sorted other than newest first, finds every match, not only the newest the count needs', async () => {
        // Past the count's bound by more than a chunk, the term in every run: newest first, the read
        // stops once the count has enough, before the oldest run, which a sort by credits puts first.
        const runs = Array.from({ length: COUNT_BOUND + 2 * SCAN_CHUNK + 1 }, (): Run => ({
          title: 'zqsorted',
          inBound: true,
          steps: [{ content: 'zqsorted', input: undefined, output: undefined }],
        }));
        await write(database.db, ORG, 0x10, runs);
        // The earliest start (startOf), and of those the lowest id: the last newest first.
        const oldest = idOf(0x10, 4);
        const query = parseExecutionQuery(new URLSearchParams({ q: 'zqsorted', conversations: '1' })).query;
        const search = (everyMatch: boolean) =>
          conversationSearch(database.db, ORG, filtersFor(query, 'UTC'), new Date(NOW), { everyMatch, ms: 60_000 })!;
        expect((await search(false).summary()).filters.conversationMatches).not.toContain(oldest);
        const every = await search(true).summary();
        expect([every.cut, every.filters.conversationMatches.length]).toEqual([false, runs.length]);
        expect(every.filters.conversationMatches).toContain(oldest);
      }, 120_000);

      it('searches conversations only with the option, and says where the time ran out', async () => {
        const db = database.db;
        const steps = [{ content: null, input: '{"note": "zqhidden"}', output: undefined }];
        // More runs than a chunk reads, the oldest of them holding the term in a step only.
        const runs = Array.from({ length: SCAN_CHUNK + 50 }, (_, n): Run => ({
          title: 'run',
          inBound: true,
          steps: n === SCAN_CHUNK + 49 ? steps : [],
        }));
        await write(db, ORG, 0x10, runs);
        expect((await load({ q: 'zqhidden' })).total).toBe(0);
        const found = await load({ q: 'zqhidden', conversations: '1' });
        expect([found.total, found.lowerBound, found.rows.map((r) => r.id), found.conversationsCut]).toEqual([
          1,
          null,
          [idOf(0x11, SCAN_CHUNK + 49)],
          null,
        ]);
        // No time at all: one chunk is read, the rest is not, and the page and total say so.
        const filters = filtersFor(parseExecutionQuery(new URLSearchParams({ q: 'zqhidden', conversations: '1' })).query, 'UTC');
        const search = conversationSearch(db, ORG, filters, new Date(NOW), { ms: 0 })!;
        expect((await search.summary()).cut).toBe(true);
        const { scan } = await search.page({ kind: 'offset', offset: 0, limit: 20 });
        const cut = cutShort(scan, [], 20);
        expect(cut?.older).toBe(true);
        expect(Date.parse(cut!.at.startedAt)).toBeGreaterThan(BOUND);
      }, 60_000);
    },
  );
}
