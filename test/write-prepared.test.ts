/**
 * The write API's fixed statements run prepared on postgres.js (src/db/prepared.ts, fixedStatement):
 * one round trip each instead of two, inside transactions that hold locks. Seen from the server:
 * after a lifecycle on a one-connection pool, that connection holds them as prepared statements.
 * And seen on the wire, through a proxy that counts the writer's waits: statements that do not need
 * the one before's answer go together (run-lifecycle.ts, start-runs.ts).
 */
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
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

/**
 * A TCP proxy to `target` that counts round trips: each time the client sends after the server has
 * answered, the client had waited for that answer.
 */
async function roundTripCounter(target: URL): Promise<{ url: string; roundTrips: () => number; close: () => Promise<void> }> {
  let trips = 0;
  let answered = true;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    client.on('data', (chunk) => {
      if (answered) trips += 1;
      answered = false;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      answered = true;
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    roundTrips: () => trips,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

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
    expect(has(/insert into "executions_admin"\."xa_executions"/), 'the run').toBe(true);
    expect(has(/from "executions_admin"\."xa_executions" .*for update/s), 'the run locked').toBe(true);
    expect(has(/select max\("position"\)/), 'the next position').toBe(true);
    expect(has(/insert into "executions_admin"\."xa_steps"/), 'a step appended').toBe(true);
    expect(has(/update "executions_admin"\."xa_executions" set "status" = \$1, "finished_at"/), 'the finish').toBe(true);
    expect(has(/update "executions_admin"\."xa_executions" set "credits"/), 'the credits').toBe(true);
  });

  it('wait for the server this often in a lifecycle', async () => {
    const proxy = await roundTripCounter(new URL(database.url!));
    const proxied = connectPostgres(proxy.url, { max: 1 });
    try {
      const { db } = proxied;
      const counted = async (call: () => Promise<unknown>) => {
        const before = proxy.roundTrips();
        await call();
        return proxy.roundTrips() - before;
      };
      const lifecycle = async (key: string) => {
        const trips: Record<string, number> = {};
        let executionId = '';
        trips.start = await counted(async () => {
          ({ executionId } = await startExecution(db, ORG, { key, scheduleId: SCHEDULE, prompt: 'Go' }));
        });
        trips.active = await counted(() => markActive(db, ORG, executionId));
        trips.toolCall = await counted(() =>
          recordToolCall(db, ORG, executionId, {
            key: `${key}/tool`,
            toolName: 'crm.search',
            input: { q: 1 },
            output: { n: 2 },
            ok: true,
            durationMs: 5,
          }),
        );
        trips.complete = await counted(() => completeExecution(db, ORG, executionId, { key: `${key}/done`, response: 'Done' }));
        trips.credits = await counted(() => setCredits(db, ORG, executionId, 2.5));
        return trips;
      };
      // The first lifecycle on a connection describes each statement before it can run it.
      await lifecycle('round-trips-1');
      // The start: a lookup of the key, begin, the schedule, then three inserts with the commit. A tool
      // call and a finish: begin, the run locked together with its step by key, then the writes with
      // the commit.
      expect(await lifecycle('round-trips-2')).toEqual({ start: 4, active: 1, toolCall: 3, complete: 3, credits: 1 });
    } finally {
      await proxied.close();
      await proxy.close();
    }
  });
});
