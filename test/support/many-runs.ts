/**
 * Many finished runs of one organization, written by plain SQL in a few statements: run n (from 0)
 * started n minutes before `newest`, its conversation titled "run" (or `title`), and a step holding
 * a term only in the runs `marked` names — for searches of conversations that have more runs to
 * read than their time allows, and for exports of many megabytes.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../../src/db/database.js';

const AGENT = '00000000-0000-4000-8000-00000000000c';
const SCHEDULE = '00000000-0000-4000-8000-0000000000cc';
const MINUTE = 60_000;

export const conversationOfRun = (n: number) => `00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`;
export const idOfRun = (n: number) => `00000000-0000-4000-9001-${n.toString(16).padStart(12, '0')}`;

export interface ManyRuns {
  runs: number;
  /** The newest run's start. */
  newest: Date;
  /** Run n → the term a step of its conversation holds (in a tool input, as JSON). */
  marked: Record<number, string>;
  /** Each conversation's title, an expression of the run's `n`. */
  title?: SQL;
}

export const startOfRun = (newest: Date, n: number) => new Date(newest.getTime() - n * MINUTE);

/** The organization (time zone UTC), its agent and schedule, and its runs. */
export async function insertManyRuns(
  db: ExecutionsDatabase,
  organizationId: string,
  { runs, newest, marked, title = sql`'run'` }: ManyRuns,
) {
  const org = organizationId;
  const at = sql`${newest.toISOString()}::timestamptz - n * interval '1 minute'`;
  const id = (group: string) => sql`('00000000-0000-4000-${sql.raw(group)}-' || lpad(to_hex(n), 12, '0'))::uuid`;
  await db.execute(sql`insert into executions_admin.xa_organizations values (${org}, ${org}, 'UTC')`);
  await db.execute(
    sql`insert into executions_admin.xa_agents (organization_id, id, name) values (${org}, ${AGENT}::uuid, 'agent')`,
  );
  await db.execute(
    sql`insert into executions_admin.xa_schedules values (${org}, ${SCHEDULE}::uuid, ${AGENT}::uuid, 's', 'cron', '* * * * *')`,
  );
  await db.execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
    select ${org}, ${id('9000')}, ${AGENT}::uuid, 'schedule', ${title}, ${at} from generate_series(0, ${runs - 1}) as n`);
  // The title too, which a trigger copies from the conversation: a load with triggers off keeps it.
  await db.execute(sql`insert into executions_admin.xa_executions (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at, conversation_title)
    select ${org}, ${id('9001')}, ${id('9000')}, ${AGENT}::uuid, ${SCHEDULE}::uuid, 'completed', ${at}, ${title} from generate_series(0, ${runs - 1}) as n`);
  for (const [n, term] of Object.entries(marked)) {
    await db.execute(sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, content, tool_name, tool_input, tool_output, created_at)
      values (${org}, ${conversationOfRun(Number(n))}::uuid, 0, 'tool_call', null, 'tool', ${JSON.stringify({ note: term })}::jsonb, null,
        ${startOfRun(newest, Number(n)).toISOString()}::timestamptz)`);
  }
}
