/**
 * The module's own Postgres schema, executions_admin (drizzle/0008_own_schema.sql). A database the
 * earlier migrations left in public keeps every row, index, constraint, trigger and function,
 * moved rather than made again, and nothing of the module stays in public; after the move the
 * module records, counts and recounts with no schema at all on the search_path. Every constraint
 * and index is named in the database exactly as schema.ts names it, within Postgres's 63 bytes, so
 * drizzle-kit reading schema.ts finds nothing to drop and add again.
 */
import { and, eq, is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateExecutionsAdmin, type ExecutionsDatabase } from '../src/db/database.js';
import * as schema from '../src/db/schema.js';
import { conversations, executions } from '../src/db/schema.js';
import { failExecution, markActive, recordToolCall, startExecution, upsertOrganization } from '../src/write/recorder.js';
import { snapshotSchema, type SchemaSnapshot } from './support/catalog.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { migrateThrough } from './support/migrations.js';
import { select } from './support/select.js';

const ORGS = ['own-schema-a', 'own-schema-b'];
const AGENT = '00000000-0000-4000-8000-0000000000b1';
const SCHEDULE = '00000000-0000-4000-8001-0000000000b1';

/** The foreign keys as Postgres cut drizzle's derived names, and the names 0008 gives them. */
const RENAMED: Record<string, string> = {
  xa_schedules_organization_id_agent_id_xa_agents_organization_id: 'xa_schedules_agent_fk',
  xa_conversations_organization_id_agent_id_xa_agents_organizatio: 'xa_conversations_agent_fk',
  xa_executions_organization_id_conversation_id_xa_conversations_: 'xa_executions_conversation_fk',
  xa_executions_organization_id_agent_id_xa_agents_organization_i: 'xa_executions_agent_fk',
  xa_executions_organization_id_schedule_id_xa_schedules_organiza: 'xa_executions_schedule_fk',
  xa_steps_organization_id_conversation_id_xa_conversations_organ: 'xa_steps_conversation_fk',
};

/**
 * A snapshot with schema names left out of definitions (public's objects print unqualified, the
 * module schema's qualified) and the foreign keys under their new names. Function bodies are left
 * out: 0008 qualifies the names in them, and test/sql-functions.test.ts holds them to the file.
 */
function comparable(snapshot: SchemaSnapshot): SchemaSnapshot {
  const fix = (line: string) =>
    Object.entries(RENAMED).reduce(
      (fixed, [from, to]) => fixed.replaceAll(from, to),
      line.replace(/\b(public|executions_admin)\./g, ''),
    );
  const entries = Object.entries(snapshot).map(([key, lines]: [string, string[]]) => [
    key,
    key === 'functionBodies' ? [] : lines.map(fix).sort(),
  ]);
  return Object.fromEntries(entries) as SchemaSnapshot;
}

/**
 * Runs of two organizations written in SQL into the tables as 0007 left them, in public, with
 * steps, failures and credits: that migration's triggers filled the copies, counts and baselines.
 */
async function writeBeforeTheMove(db: ExecutionsDatabase): Promise<void> {
  for (const [i, org] of ORGS.entries()) {
    const at = sql`timestamptz '2026-11-01 00:00Z' + g * interval '5 hours'`;
    await db.execute(
      sql`insert into xa_organizations (organization_id, name, time_zone) values (${org}, ${org}, ${i === 0 ? 'Europe/Paris' : 'UTC'})`,
    );
    await db.execute(sql`insert into xa_agents (organization_id, id, name) values (${org}, ${AGENT}, 'Agent')`);
    await db.execute(sql`insert into xa_schedules (organization_id, id, agent_id, name, kind, expression)
      values (${org}, ${SCHEDULE}, ${AGENT}, 'Daily digest', 'cron', '0 9 * * *')`);
    await db.execute(sql`insert into xa_conversations (organization_id, id, agent_id, channel, title, created_at)
      select ${org}, md5(${org} || g)::uuid, ${AGENT}, 'schedule', 'Daily digest', ${at} from generate_series(1, 30) g`);
    await db.execute(sql`insert into xa_executions
        (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at, finished_at, credits, error_message)
      select ${org}, md5('run' || ${org} || g)::uuid, md5(${org} || g)::uuid, ${AGENT}, ${SCHEDULE},
             (case when g % 3 = 0 then 'failed' else 'completed' end)::xa_execution_status,
             ${at}, ${at} + g * interval '1 minute', g * 1.5, case when g % 3 = 0 then 'HTTP 401 for user ' || g end
        from generate_series(1, 30) g`);
    await db.execute(sql`insert into xa_steps (organization_id, conversation_id, position, kind, content, created_at)
      select ${org}, md5(${org} || g)::uuid, 0, 'scheduled_call', 'Post the digest', ${at} from generate_series(1, 30) g`);
    await db.execute(sql`insert into xa_steps
        (organization_id, conversation_id, position, kind, tool_name, tool_input, tool_output, ok, duration_ms, created_at)
      select ${org}, md5(${org} || g)::uuid, 1, 'tool_call', 'slack.post', '{"channel": "#sales"}', '{"ok": true}',
             g % 3 <> 0, 120, ${at} from generate_series(1, 30) g`);
  }
}

/** Each table of schema.ts with its constraint and index names, as drizzle-kit names them. */
function declaredNames(): string[] {
  return Object.values<unknown>(schema)
    .filter((value) => is(value, PgTable))
    .flatMap((table) => {
      const config = getTableConfig(table);
      const names = [
        // A column's own PRIMARY KEY takes Postgres's default name.
        ...config.columns.filter((column) => column.primary).map(() => `${config.name}_pkey`),
        ...config.primaryKeys.map((key) => key.getName()),
        ...config.foreignKeys.map((key) => key.getName()),
        ...config.uniqueConstraints.map((constraint) => constraint.getName()),
        ...config.checks.map((check) => check.name),
        ...config.indexes.map((index) => index.config.name ?? '(an index drizzle-kit would name)'),
      ];
      return names.map((name) => `${config.schema ?? 'public'}.${config.name} ${name}`);
    })
    .sort();
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `the module's own schema on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let before: SchemaSnapshot;
      /** The module's schema right after the move: later migrations add objects of their own. */
      let moved: SchemaSnapshot;
      let publicAfter: SchemaSnapshot;
      const db = () => database.db;

      beforeAll(async () => {
        database = await target.open({ migrated: false });
        await migrateThrough(db(), '0007_usual_duration_bound');
        await writeBeforeTheMove(db());
        before = await snapshotSchema(db(), 'public');
        // Compared as the move left it: later migrations add objects of their own.
        await migrateThrough(db(), '0008_own_schema');
        moved = await snapshotSchema(db(), 'executions_admin');
        await migrateExecutionsAdmin(db());
        publicAfter = await snapshotSchema(db(), 'public');
      });
      afterAll(() => database?.dispose());

      it('moves every object with its rows out of public, none of them made again', async () => {
        expect(before.rows.filter((line) => !line.includes(': 0 rows'))).toHaveLength(9);
        expect(before.triggers).toHaveLength(6);
        expect(before.statistics).toHaveLength(1);
        expect(before.functions).toHaveLength(10);
        expect(Object.keys(RENAMED).every((name) => before.constraints.some((line) => line.includes(name)))).toBe(true);

        expect(comparable(moved)).toEqual(comparable(before));
        // pg_trgm and btree_gin (search's migration) are extensions, installed where the database puts them: no object of the module's.
        for (const lines of Object.values(publicAfter)) expect(lines).toEqual([]);
      });

      it('records, counts and recounts with no schema on the search_path', async () => {
        const org = ORGS[0]!;
        await db().transaction(async (tx) => {
          await tx.execute(sql`set local search_path = ''`);
          const { executionId, conversationId } = await startExecution(tx, org, {
            key: 'after-the-move',
            scheduleId: SCHEDULE,
            prompt: 'Post the digest',
          });
          await markActive(tx, org, executionId);
          await recordToolCall(tx, org, executionId, {
            key: 'slack',
            toolName: 'slack.post',
            input: { channel: '#sales' },
            output: { error: 'channel_not_found' },
            ok: false,
            durationMs: 80,
          });
          await failExecution(tx, org, executionId, { key: 'failed', errorMessage: 'HTTP 404 for channel 12' });
          await tx
            .update(conversations)
            .set({ title: 'Renamed digest' })
            .where(and(eq(conversations.organizationId, org), eq(conversations.id, conversationId)));
          // A new time zone recounts the organization's days.
          await upsertOrganization(tx, org, { name: org, timeZone: 'Asia/Tokyo' });

          const [run] = await tx
            .select({
              title: executions.conversationTitle,
              failedTool: executions.failedTool,
              failedStep: executions.failedStep,
              signature: executions.errorSignature,
              usual: executions.usualCredits,
            })
            .from(executions)
            .where(and(eq(executions.organizationId, org), eq(executions.id, executionId)));
          expect(run).toEqual({
            title: 'Renamed digest',
            failedTool: 'slack.post',
            failedStep: 1,
            signature: 'HTTP 404 for channel <n>',
            usual: 30,
          });

          const runsByDay = sql`(e.started_at at time zone 'Asia/Tokyo')::date::text`;
          const counted = await select(
            tx,
            sql`select day::text as day, status::text as status, sum(runs)::int as runs
                  from executions_admin.xa_execution_status_counts where organization_id = ${org}
                 group by 1, 2 having sum(runs) <> 0 order by 1, 2`,
          );
          const plain = await select(
            tx,
            sql`select ${runsByDay} as day, e.status::text as status, count(*)::int as runs
                  from executions_admin.xa_executions e where e.organization_id = ${org} and e.schedule_id is not null
                 group by 1, 2 order by 1, 2`,
          );
          expect(counted).toEqual(plain);
          expect(plain.reduce((sum, row) => sum + Number(row.runs), 0)).toBe(31);
          const failures = sql`select failed_tool, error_signature, sum(runs)::int as runs
                                 from executions_admin.xa_execution_monthly_counts
                                where organization_id = ${org} and status = 'failed' group by 1, 2 order by 1, 2`;
          expect(await select(tx, failures)).toEqual([
            { failed_tool: 'slack.post', error_signature: 'HTTP 401 for user <n>', runs: 10 },
            { failed_tool: 'slack.post', error_signature: 'HTTP 404 for channel <n>', runs: 1 },
          ]);
        });
      });

      it('names every constraint and index as schema.ts does, within 63 bytes', async () => {
        const declared = declaredNames();
        for (const line of declared) expect(Buffer.byteLength(line.split(' ')[1]!), line).toBeLessThanOrEqual(63);
        const named = await select(
          db(),
          sql`select n.nspname || '.' || c.relname || ' ' || con.conname as line
                from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'executions_admin' and con.contype in ('p', 'f', 'u', 'c', 'x')
              union
              select n.nspname || '.' || t.relname || ' ' || i.relname
                from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
                join pg_namespace n on n.oid = t.relnamespace
               where n.nspname = 'executions_admin'
               order by 1`,
        );
        expect(named.map((row) => String(row.line))).toEqual(declared);
      });
    },
  );
}

const postgresTarget = databaseTargets.find((target) => target.name === 'postgres')!;

describe.skipIf(postgresTarget.skipReason !== null)(
  `migrating a new database with a host's plain postgres.js client${postgresTarget.skipReason ? ` (skipped: ${postgresTarget.skipReason})` : ''}`,
  () => {
    it('prints no notice', async () => {
      // postgres.js logs every notice by default, so the README's host printed eight on its first
      // start: the early migrations named constraints past 63 bytes, which Postgres cut.
      const database = await postgresTarget.open({ migrated: false });
      const notices: string[] = [];
      const client = postgres(database.url!, { max: 1, onnotice: (notice) => notices.push(String(notice.message)) });
      try {
        await migrateExecutionsAdmin(drizzle(client));
      } finally {
        await client.end();
        await database.dispose();
      }
      expect(notices).toEqual([]);
    });
  },
);
