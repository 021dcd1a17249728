/**
 * Each run's copy of its conversation's title (drizzle/0006_conversation_title.sql), which the
 * list, its CSV and the conversation page read instead of joining the conversations: right however
 * the run was written, the same as the conversation's after a rename, and never another
 * organization's.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateExecutionsAdmin } from '../src/db/database.js';
import { filtersFor } from '../src/list/filter-set.js';
import { DEFAULT_QUERY } from '../src/list/query.js';
import { recordFinishedRuns, startExecution, upsertAgent, upsertOrganization, upsertSchedule } from '../src/write/recorder.js';
import { findExecutionConversation } from './support/read-conversation.js';
import { listExecutions } from '../src/list/page-query.js';
import { conversations, executions } from '../src/db/schema.js';
import { readCsv } from './support/csv.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { migrateThrough } from './support/migrations.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const ORG_A = 'title-org-a';
const ORG_B = 'title-org-b';
/** The same agent and schedule ids in both organizations, as hosts with their own ids may have. */
const AGENT = '00000000-0000-4000-8000-0000000000a1';
const SCHEDULE = '00000000-0000-4000-8001-0000000000a1';
const SCHEDULE_NAME = 'Daily sales digest';

let ids = 0;
const uuid = () => `00000000-0000-4000-8002-${String(++ids).padStart(12, '0')}`;

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `conversation title copy on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      const db = () => database.db;

      /** The run's copy next to its conversation's title, in the run's organization. */
      async function titles(organizationId: string, conversationId: string) {
        const [row] = await db()
          .select({ copy: executions.conversationTitle, title: conversations.title })
          .from(executions)
          .innerJoin(
            conversations,
            and(eq(conversations.organizationId, executions.organizationId), eq(conversations.id, executions.conversationId)),
          )
          .where(and(eq(executions.organizationId, organizationId), eq(executions.conversationId, conversationId)));
        return row;
      }

      /** A conversation and its run written in SQL, as a host might, the copy left out. */
      async function insertDirectly(organizationId: string, conversationId: string, title: string) {
        const executionId = uuid();
        await db().execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title)
          values (${organizationId}, ${conversationId}, ${AGENT}, 'schedule', ${title})`);
        await db()
          .execute(sql`insert into executions_admin.xa_executions (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at)
          values (${organizationId}, ${executionId}, ${conversationId}, ${AGENT}, ${SCHEDULE}, 'completed', now())`);
        return executionId;
      }

      const rename = (organizationId: string, conversationId: string, title: string) =>
        db()
          .update(conversations)
          .set({ title })
          .where(and(eq(conversations.organizationId, organizationId), eq(conversations.id, conversationId)));

      beforeAll(async () => {
        database = await target.open();
        for (const organizationId of [ORG_A, ORG_B]) {
          await upsertOrganization(db(), organizationId, { name: organizationId, timeZone: 'UTC' });
          await upsertAgent(db(), organizationId, { agentId: AGENT, name: 'Sales Assistant' });
          await upsertSchedule(db(), organizationId, {
            scheduleId: SCHEDULE,
            agentId: AGENT,
            name: `${SCHEDULE_NAME} of ${organizationId}`,
            kind: 'cron',
            expression: '0 9 * * 1-5',
          });
        }
      });
      afterAll(() => database?.dispose());

      it('is the title of the conversations the recorder writes', async () => {
        const started = await startExecution(db(), ORG_A, {
          key: 'title-start',
          scheduleId: SCHEDULE,
          prompt: 'Post the digest',
        });
        const [finished] = await recordFinishedRuns(db(), ORG_A, [
          {
            key: 'title-finished',
            scheduleId: SCHEDULE,
            prompt: 'Post the digest',
            startedAt: new Date('2026-10-01T09:00:00Z'),
            toolCalls: [],
            outcome: { status: 'completed', response: 'Posted.' },
            finishedAt: new Date('2026-10-01T09:01:00Z'),
            credits: 1,
          },
        ]);
        for (const { conversationId } of [started, finished!]) {
          expect(await titles(ORG_A, conversationId)).toEqual({
            copy: `${SCHEDULE_NAME} of ${ORG_A}`,
            title: `${SCHEDULE_NAME} of ${ORG_A}`,
          });
        }
      });

      it('is filled in for an insert that leaves it out, and put right when a writer passes or sets another', async () => {
        const left = uuid();
        await insertDirectly(ORG_A, left, 'Written by the host');
        expect(await titles(ORG_A, left)).toEqual({ copy: 'Written by the host', title: 'Written by the host' });

        const passed = uuid();
        await db()
          .insert(conversations)
          .values({ organizationId: ORG_A, id: passed, agentId: AGENT, channel: 'schedule', title: 'The real title' });
        await db().insert(executions).values({
          organizationId: ORG_A,
          id: uuid(),
          conversationId: passed,
          conversationTitle: 'A stale title',
          agentId: AGENT,
          scheduleId: SCHEDULE,
          status: 'pending',
          startedAt: new Date(),
        });
        expect(await titles(ORG_A, passed)).toEqual({ copy: 'The real title', title: 'The real title' });

        await db()
          .update(executions)
          .set({ conversationTitle: 'Set by hand' })
          .where(and(eq(executions.organizationId, ORG_A), eq(executions.conversationId, passed)));
        expect(await titles(ORG_A, passed)).toEqual({ copy: 'The real title', title: 'The real title' });
      });

      it('follows a renamed conversation into the list, the conversation page and the CSV', async () => {
        const { executionId, conversationId } = await startExecution(db(), ORG_A, {
          key: 'title-rename',
          scheduleId: SCHEDULE,
          prompt: 'Post the digest',
        });
        // Quoted in the CSV, and a formula there without its leading '.
        const renamed = '=Weekly digest, "renamed"';
        await rename(ORG_A, conversationId, renamed);

        const rows = await listExecutions(db(), ORG_A, filtersFor(DEFAULT_QUERY, 'UTC'), {
          kind: 'offset',
          limit: 100,
          offset: 0,
        });
        expect(rows.find((r) => r.id === executionId)?.scheduleTitle).toBe(renamed);
        expect((await findExecutionConversation(db(), ORG_A, conversationId))?.scheduleTitle).toBe(renamed);
        const res = await createTestHost(db()).request('/admin/executions/export.csv', { headers: { [ORG_HEADER]: ORG_A } });
        const [header, ...lines] = readCsv(await res.text());
        const line = lines.find((cells) => cells[header!.indexOf('Execution ID')] === executionId);
        expect(line?.[header!.indexOf('Schedule')]).toBe(`'${renamed}`);
      });

      it('never crosses organizations: the same conversation id in two, one renamed or moved to', async () => {
        const shared = uuid();
        await insertDirectly(ORG_A, shared, 'Org A title');
        await insertDirectly(ORG_B, shared, 'Org B title');
        expect(await titles(ORG_A, shared)).toEqual({ copy: 'Org A title', title: 'Org A title' });
        expect(await titles(ORG_B, shared)).toEqual({ copy: 'Org B title', title: 'Org B title' });

        await rename(ORG_A, shared, 'Org A renamed');
        expect((await findExecutionConversation(db(), ORG_A, shared))?.scheduleTitle).toBe('Org A renamed');
        expect((await findExecutionConversation(db(), ORG_B, shared))?.scheduleTitle).toBe('Org B title');

        // A run of org B moved to another conversation of org B takes that one's title, not org A's
        // conversation of the same id.
        const other = uuid();
        await insertDirectly(ORG_A, other, 'Org A other');
        await db()
          .insert(conversations)
          .values({ organizationId: ORG_B, id: other, agentId: AGENT, channel: 'schedule', title: 'Org B other' });
        await db()
          .update(executions)
          .set({ conversationId: other })
          .where(and(eq(executions.organizationId, ORG_B), eq(executions.conversationId, shared)));
        expect(await titles(ORG_B, other)).toEqual({ copy: 'Org B other', title: 'Org B other' });
        expect(await titles(ORG_A, other)).toEqual({ copy: 'Org A other', title: 'Org A other' });
      });
    },
  );
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `conversation title backfill on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open({ migrated: false });
      });
      afterAll(() => database?.dispose());

      it("gives every run recorded before the migration its own organization's conversation title", async () => {
        const { db } = database;
        await migrateThrough(db, '0005_monthly_counts');
        const shared = uuid();
        const channel = uuid();
        for (const organizationId of [ORG_A, ORG_B]) {
          await db.execute(
            sql`insert into xa_organizations (organization_id, name, time_zone) values (${organizationId}, ${organizationId}, 'UTC')`,
          );
          await db.execute(sql`insert into xa_agents (organization_id, id, name) values (${organizationId}, ${AGENT}, 'Agent')`);
          await db.execute(sql`insert into xa_schedules (organization_id, id, agent_id, name, kind, expression)
            values (${organizationId}, ${SCHEDULE}, ${AGENT}, 'Schedule', 'cron', '* * * * *')`);
          for (const [conversationId, scheduleId] of [
            [shared, SCHEDULE],
            [channel, null],
          ] as const) {
            await db.execute(sql`insert into xa_conversations (organization_id, id, agent_id, channel, title)
              values (${organizationId}, ${conversationId}, ${AGENT}, ${scheduleId ? 'schedule' : 'hub'}, ${`${organizationId} ${conversationId}`})`);
            await db.execute(sql`insert into xa_executions (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at)
              values (${organizationId}, ${uuid()}, ${conversationId}, ${AGENT}, ${scheduleId}, 'completed', now())`);
          }
        }

        await migrateExecutionsAdmin(db);

        const copies = await db
          .select({
            organizationId: executions.organizationId,
            conversationId: executions.conversationId,
            copy: executions.conversationTitle,
          })
          .from(executions)
          .orderBy(executions.organizationId, executions.conversationId);
        expect(copies).toEqual(
          [ORG_A, ORG_B].flatMap((organizationId) =>
            [shared, channel]
              .sort()
              .map((conversationId) => ({ organizationId, conversationId, copy: `${organizationId} ${conversationId}` })),
          ),
        );
        const [column] = await db
          .select({ nullable: sql<string>`is_nullable` })
          .from(sql`information_schema.columns`)
          .where(sql`table_schema = 'executions_admin' and table_name = 'xa_executions' and column_name = 'conversation_title'`);
        expect(column?.nullable).toBe('NO');
      });
    },
  );
}
