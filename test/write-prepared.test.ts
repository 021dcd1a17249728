/**
 * The write API's fixed statements run prepared on postgres.js (src/db/prepared.ts, fixedStatement):
 * one round trip each instead of two, inside transactions that hold locks. Seen from the server:
 * after a lifecycle on a one-connection pool, that connection holds them as prepared statements.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, type OpenDatabase } from '../src/db/database.js';
import { rowsOf } from '../src/db/raw-rows.js';
import {
  completeExecution,
  markActive,
  recordToolCall,
  setCredits,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
} from '../src/write/recorder.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

const postgresTarget = databaseTargets.find((t) => t.name === 'postgres')!;
const ORG = 'write-prepared-org';
const AGENT = '00000000-0000-4000-8000-0000000000aa';
const SCHEDULE = '00000000-0000-4000-8001-0000000000aa';

describe.skipIf(postgresTarget.skipReason !== null)('write statements on postgres.js', () => {
  let database: TestDatabase;
  let pool: OpenDatabase;
  beforeAll(async () => {
    database = await postgresTarget.open();
    pool = connectPostgres(database.url!, { max: 1 });
  });
  afterAll(async () => {
    await pool?.close();
    await database?.dispose();
  });

  it('are prepared on the connection that ran them', async () => {
    const { db } = pool;
    await upsertOrganization(db, ORG, { name: 'Prepared', timeZone: 'UTC' });
    await upsertAgent(db, ORG, { agentId: AGENT, name: 'Agent' });
    await upsertSchedule(db, ORG, { scheduleId: SCHEDULE, agentId: AGENT, name: 'Daily', kind: 'cron', expression: '0 9 * * *' });
    const { executionId } = await startExecution(db, ORG, { key: 'run-1', scheduleId: SCHEDULE, prompt: 'Go' });
    await markActive(db, ORG, executionId);
    await recordToolCall(db, ORG, executionId, {
      key: 'tool-1',
      toolName: 'crm.search',
      input: { q: 1 },
      output: { n: 2 },
      ok: true,
      durationMs: 5,
    });
    await completeExecution(db, ORG, executionId, { key: 'done', response: 'Done' });
    await setCredits(db, ORG, executionId, 2.5);
    const prepared = (await rowsOf(db, sql`select statement from pg_prepared_statements`)).map((r) => String(r.statement));
    const has = (pattern: RegExp) => prepared.some((s) => pattern.test(s));
    expect(has(/left join "executions_admin"\."xa_steps"/), 'the run looked up by its key').toBe(true);
    expect(has(/from "executions_admin"\."xa_schedules"/), 'its schedule').toBe(true);
    expect(has(/insert into "executions_admin"\."xa_conversations"/), 'its conversation').toBe(true);
    expect(has(/insert into "executions_admin"\."xa_executions" .*on conflict/s), 'the run').toBe(true);
    expect(has(/from "executions_admin"\."xa_executions" .*for update/s), 'the run locked').toBe(true);
    expect(has(/select max\("position"\)/), 'the next position').toBe(true);
    expect(has(/insert into "executions_admin"\."xa_steps"/), 'a step appended').toBe(true);
    expect(has(/update "executions_admin"\."xa_executions" set "status" = \$1, "finished_at"/), 'the finish').toBe(true);
    expect(has(/update "executions_admin"\."xa_executions" set "credits"/), 'the credits').toBe(true);
  });
});
