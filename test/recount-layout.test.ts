/**
 * xa_recount writes every counts table in its primary key's order, so that a range of days or
 * months, as the totals and the digest read it, lies on neighbouring pages instead of one page per
 * row (drizzle/0030_recount_in_key_order.sql). Runs are loaded with the triggers off, as a bulk
 * import is, then recounted; the check reads each row's page from its ctid.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { select } from './support/select.js';

const ORG = 'recount-layout-org';
const RUNS = 20_000;
const AGENTS = 20;
const agent = sql.raw(`('00000000-0000-4000-8000-' || lpad((g % ${AGENTS})::text, 12, '0'))::uuid`);
/** Sixty days, every status, a few kinds of failure and of credit spike. */
const started = sql`timestamptz '2026-01-01 00:00:00+00' + (g * 259) % (60 * 24 * 60) * interval '1 minute'`;

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `a recount's layout on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open();
        await database.db.transaction(async (tx) => {
          await tx.execute(sql`set local statement_timeout = 0`);
          await tx.execute(sql`set local session_replication_role = replica`);
          await tx.execute(sql`insert into executions_admin.xa_organizations values (${ORG}, ${ORG}, 'UTC')`);
          await tx.execute(sql`insert into executions_admin.xa_agents (organization_id, id, name)
            select ${ORG}, ${agent}, 'Agent ' || g from generate_series(0, ${AGENTS - 1}) g`);
          await tx.execute(sql`insert into executions_admin.xa_schedules
            select ${ORG}, ${agent}, ${agent}, 's', 'cron', '* * * * *' from generate_series(0, ${AGENTS - 1}) g`);
          await tx.execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
            select ${ORG}, md5('c' || g)::uuid, ${agent}, 'schedule', 'run', ${started} from generate_series(1, ${RUNS}) g`);
          await tx.execute(sql`insert into executions_admin.xa_executions
              (organization_id, id, conversation_id, conversation_title, agent_id, schedule_id, status, started_at, finished_at,
               credits, usual_credits, error_message, failed_tool)
            select ${ORG}, md5('e' || g)::uuid, md5('c' || g)::uuid, 'run', ${agent}, ${agent}, s.status, ${started},
                   case when s.status in ('completed', 'failed') then ${started} + interval '1 second' end,
                   (g % 100) / 10.0, 2,
                   case when s.status = 'failed' then 'tool ' || g % 7 || ': failed after ' || g || ' ms' end,
                   case when s.status = 'failed' then 'tool ' || g % 7 else '' end
              from generate_series(1, ${RUNS}) g,
                   lateral (select (array['completed', 'failed', 'active', 'pending'])[1 + g % 4]::executions_admin.xa_execution_status as status) s`);
          await tx.execute(sql`set local session_replication_role = origin`);
          // Analysed, as autovacuum leaves a large import: Postgres then hashes the groups.
          await tx.execute(sql`analyze executions_admin.xa_executions`);
          await tx.execute(sql`select executions_admin.xa_recount(${ORG})`);
        });
      }, 120_000);
      afterAll(() => database?.dispose());

      it('writes each counts table in its key order', async () => {
        const tables = await select(
          database.db,
          sql`select c.relname as name, string_agg(quote_ident(a.attname), ', ' order by k.ord) as key
                from pg_constraint p
                join pg_class c on c.oid = p.conrelid
                join unnest(p.conkey) with ordinality k(attnum, ord) on true
                join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
               where p.contype = 'p' and c.relnamespace = 'executions_admin'::regnamespace
                 and c.relname like 'xa\_execution\_%counts'
               group by c.relname
               order by 1`,
        );
        expect(tables.length).toBeGreaterThanOrEqual(8);
        for (const { name, key } of tables) {
          const table = `executions_admin.${String(name)}`;
          // Read in its key's order, a table in that order moves to another page once per page it
          // fills (a few more where a shorter row went back to a page with room); in hash order,
          // nearly once per row.
          const [row] = await select(
            database.db,
            sql.raw(`select count(*) as rows, count(distinct page) as pages, count(*) filter (where page <> previous) as moves
                       from (select (ctid::text::point)[0] as page, lag((ctid::text::point)[0]) over (order by ${String(key)}) as previous
                               from ${table} where organization_id = '${ORG}') t`),
          );
          const [rows, pages, moves] = [Number(row!.rows), Number(row!.pages), Number(row!.moves)];
          expect(rows, `${table} holds the organization's rows`).toBeGreaterThan(0);
          expect(moves, `${table}: ${rows} rows on ${pages} pages, read by its key (${String(key)})`).toBeLessThan(2 * pages);
          if (name === 'xa_execution_daily_counts')
            expect(pages, 'enough pages that another order would show').toBeGreaterThan(20);
        }
      });
    },
  );
}
