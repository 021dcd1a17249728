import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type ExecutionsDatabase, type OpenDatabase } from '../src/db/database.js';
import { DEMO_ORGANIZATION_ID, OTHER_ORGANIZATION_ID, isSeeded, seedDemo } from '../src/demo/seed.js';
import { select, type Row } from './support/select.js';

const NOW = new Date('2025-06-15T15:00:00.000Z');
const SEED = 7;
const ACME = DEMO_ORGANIZATION_ID;
const GLOBEX = OTHER_ORGANIZATION_ID;

async function count(db: ExecutionsDatabase, query: SQL): Promise<number> {
  const [row] = await select(db, query);
  return Number(row?.n);
}

/**
 * Every run as the page and its conversation show it. Scheduled runs get their ids from the write
 * API, so they are told apart by the seed's idempotency keys; other channels' runs keep seeded ids.
 */
async function runSnapshot(db: ExecutionsDatabase): Promise<Row[]> {
  return select(
    db,
    sql`
    select e.organization_id, coalesce(e.idempotency_key, e.id::text) as run, e.agent_id, e.schedule_id,
      c.title, e.status, e.started_at, e.finished_at, e.credits, e.error_message,
      (select string_agg(s.kind || ':' || coalesce(s.tool_name, s.content, '') || '@' || s.created_at::text, ' | ' order by s.position)
       from executions_admin.xa_steps s where s.organization_id = e.organization_id and s.conversation_id = e.conversation_id) as steps
    from executions_admin.xa_executions e
    join executions_admin.xa_conversations c on c.organization_id = e.organization_id and c.id = e.conversation_id
    order by e.organization_id, run`,
  );
}

describe('demo seed', () => {
  let database: OpenDatabase;
  let db: ExecutionsDatabase;
  let seededBefore: boolean;
  let seedMs: number;

  beforeAll(async () => {
    database = await openDatabase({});
    await database.migrate();
    db = database.db;
    seededBefore = await isSeeded(db);
    const started = performance.now();
    await seedDemo(db, { now: NOW, seed: SEED });
    seedMs = performance.now() - started;
  });

  afterAll(async () => {
    await database?.close();
  });

  it('seeds in under 20 seconds and reports itself as seeded', async () => {
    expect(seedMs).toBeLessThan(20_000);
    expect(seededBefore).toBe(false);
    expect(await isSeeded(db)).toBe(true);
  });

  it('writes at least 2,000 scheduled runs for the demo organization within the last 90 days', async () => {
    expect(
      await count(
        db,
        sql`select count(*) as n from executions_admin.xa_executions where organization_id = ${ACME} and schedule_id is not null`,
      ),
    ).toBeGreaterThanOrEqual(2000);
    const ninetyDaysAgo = new Date(NOW.getTime() - 90 * 24 * 3600 * 1000);
    expect(
      await count(
        db,
        sql`select count(*) as n from executions_admin.xa_executions where started_at < ${ninetyDaysAgo} or started_at > ${NOW}`,
      ),
    ).toBe(0);
  });

  it('never records anything after now', async () => {
    expect(await count(db, sql`select count(*) as n from executions_admin.xa_executions where finished_at > ${NOW}`)).toBe(0);
    expect(await count(db, sql`select count(*) as n from executions_admin.xa_steps where created_at > ${NOW}`)).toBe(0);
  });

  it('covers all four statuses, with in-flight runs unfinished and uncosted', async () => {
    const rows = await select(
      db,
      sql`
      select status, count(*) as n,
        count(*) filter (where finished_at is null) as unfinished,
        count(*) filter (where credits is null) as uncosted
      from executions_admin.xa_executions where organization_id = ${ACME} and schedule_id is not null group by status`,
    );
    const byStatus = new Map(rows.map((r) => [String(r.status), r]));
    expect([...byStatus.keys()].sort()).toEqual(['active', 'completed', 'failed', 'pending']);
    for (const status of ['active', 'pending']) {
      const r = byStatus.get(status);
      expect(Number(r?.n)).toBeGreaterThan(0);
      expect(Number(r?.unfinished)).toBe(Number(r?.n));
      expect(Number(r?.uncosted)).toBe(Number(r?.n));
    }
    for (const status of ['completed', 'failed']) expect(Number(byStatus.get(status)?.unfinished)).toBe(0);
    const total = rows.reduce((s, r) => s + Number(r.n), 0);
    const failed = Number(byStatus.get('failed')?.n);
    expect(failed / total).toBeGreaterThan(0.06);
    expect(failed / total).toBeLessThan(0.14);
  });

  it('has exactly one deleted agent, which still has scheduled runs', async () => {
    const rows = await select(
      db,
      sql`
      select a.id, count(e.id) as runs
      from executions_admin.xa_agents a
      left join executions_admin.xa_executions e on e.organization_id = a.organization_id and e.agent_id = a.id and e.schedule_id is not null
      where a.organization_id = ${ACME} and a.deleted_at is not null
      group by a.id`,
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.runs)).toBeGreaterThan(0);
  });

  it('uses all three schedule kinds', async () => {
    expect(
      await count(db, sql`select count(distinct kind) as n from executions_admin.xa_schedules where organization_id = ${ACME}`),
    ).toBe(3);
  });

  it('titles every scheduled conversation with its schedule name', async () => {
    expect(
      await count(
        db,
        sql`
      select count(*) as n from executions_admin.xa_executions e
      join executions_admin.xa_conversations c on c.organization_id = e.organization_id and c.id = e.conversation_id
      join executions_admin.xa_schedules s on s.organization_id = e.organization_id and s.id = e.schedule_id
      where c.title <> s.name or c.channel <> 'schedule' or s.agent_id <> e.agent_id`,
      ),
    ).toBe(0);
  });

  it('has runs from the other channels, none of them tied to a schedule', async () => {
    const rows = await select(
      db,
      sql`
      select c.channel, count(*) as n, count(e.schedule_id) as scheduled
      from executions_admin.xa_conversations c
      join executions_admin.xa_executions e on e.organization_id = c.organization_id and e.conversation_id = c.id
      where c.organization_id = ${ACME} and c.channel <> 'schedule'
      group by c.channel`,
    );
    expect(rows.map((r) => String(r.channel)).sort()).toEqual(['api', 'hub', 'public_channel', 'whatsapp']);
    for (const r of rows) {
      expect(Number(r.n)).toBeGreaterThan(0);
      expect(Number(r.scheduled)).toBe(0);
    }
    expect(
      await count(
        db,
        sql`
      select count(*) as n from executions_admin.xa_conversations c
      join executions_admin.xa_executions e on e.organization_id = c.organization_id and e.conversation_id = c.id
      where c.channel = 'schedule' and e.schedule_id is null`,
      ),
    ).toBe(0);
  });

  it('gives the other organization its own runs, all titled "Globex …"', async () => {
    expect(
      await count(
        db,
        sql`select count(*) as n from executions_admin.xa_executions where organization_id = ${GLOBEX} and schedule_id is not null`,
      ),
    ).toBeGreaterThan(100);
    expect(
      await count(
        db,
        sql`select count(*) as n from executions_admin.xa_conversations where organization_id = ${GLOBEX} and title not like 'Globex %'`,
      ),
    ).toBe(0);
    expect(
      await count(
        db,
        sql`select count(*) as n from executions_admin.xa_conversations where organization_id = ${ACME} and title like 'Globex%'`,
      ),
    ).toBe(0);
  });

  it('leaves some finished runs without calculated credits and has credit spikes', async () => {
    expect(
      await count(
        db,
        sql`select count(*) as n from executions_admin.xa_executions where organization_id = ${ACME} and schedule_id is not null and status in ('completed', 'failed') and credits is null`,
      ),
    ).toBeGreaterThan(0);
    const [stats] = await select(
      db,
      sql`select percentile_cont(0.5) within group (order by credits) as median, max(credits) as max from executions_admin.xa_executions where organization_id = ${ACME} and schedule_id is not null`,
    );
    expect(Number(stats?.max)).toBeGreaterThan(5 * Number(stats?.median));
  });

  it('fails runs for each of the four documented causes, and some without a message', async () => {
    const causes = {
      credential: sql`error_message like '%reconnect in Tools'`,
      timeout: sql`error_message like '%request timed out after % ms (%'`,
      tokenLimit: sql`error_message like 'Token limit exceeded:%'`,
      format: sql`error_message like 'Model response%'`,
      missing: sql`error_message is null`,
    };
    for (const [cause, condition] of Object.entries(causes)) {
      const n = await count(
        db,
        sql`select count(*) as n from executions_admin.xa_executions where organization_id = ${ACME} and schedule_id is not null and status = 'failed' and ${condition}`,
      );
      expect(n, cause).toBeGreaterThan(0);
    }
    expect(
      await count(
        db,
        sql`select count(*) as n from executions_admin.xa_executions where status <> 'failed' and error_message is not null`,
      ),
    ).toBe(0);
  });

  it('ends tool-caused failures with a failed tool call and an error step', async () => {
    const rows = await select(
      db,
      sql`
      select e.id,
        (select s.ok from executions_admin.xa_steps s where s.organization_id = e.organization_id and s.conversation_id = e.conversation_id and s.kind = 'tool_call' order by s.position desc limit 1) as last_tool_ok,
        (select s.kind from executions_admin.xa_steps s where s.organization_id = e.organization_id and s.conversation_id = e.conversation_id order by s.position desc limit 1) as last_kind,
        (select s.content from executions_admin.xa_steps s where s.organization_id = e.organization_id and s.conversation_id = e.conversation_id order by s.position desc limit 1) as last_content,
        e.error_message
      from executions_admin.xa_executions e
      where e.status = 'failed' and (e.error_message like '%reconnect in Tools' or e.error_message like '%timed out after%')`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.last_tool_ok).toBe(false);
      expect(r.last_kind).toBe('error');
      expect(r.last_content).toBe(r.error_message);
    }
    expect(
      await count(
        db,
        sql`
      select count(*) as n from executions_admin.xa_executions e
      where e.status = 'completed' and not exists (
        select 1 from executions_admin.xa_steps s where s.organization_id = e.organization_id and s.conversation_id = e.conversation_id and s.kind = 'final_response')`,
      ),
    ).toBe(0);
  });

  it("numbers every conversation's steps 0..n in time order, starting with the scheduled call", async () => {
    expect(
      await count(
        db,
        sql`
      select count(*) as n from executions_admin.xa_conversations c
      left join (
        select organization_id, conversation_id, min(position) as lo, max(position) as hi, count(*) as steps
        from executions_admin.xa_steps group by organization_id, conversation_id
      ) s on s.organization_id = c.organization_id and s.conversation_id = c.id
      where s.steps is null or s.lo <> 0 or s.hi <> s.steps - 1`,
      ),
    ).toBe(0);
    expect(
      await count(
        db,
        sql`
      select count(*) as n from (
        select created_at, lag(created_at) over (partition by organization_id, conversation_id order by position) as previous
        from executions_admin.xa_steps
      ) t where previous > created_at`,
      ),
    ).toBe(0);
    expect(
      await count(
        db,
        sql`
      select count(*) as n from executions_admin.xa_steps s
      join executions_admin.xa_conversations c on c.organization_id = s.organization_id and c.id = s.conversation_id
      where c.channel = 'schedule' and s.position = 0 and (s.kind <> 'scheduled_call' or s.content not like 'Scheduled run (%')`,
      ),
    ).toBe(0);
    expect(
      await count(
        db,
        sql`select count(*) as n from executions_admin.xa_steps where kind = 'tool_call' and (tool_input is null or tool_output is null or ok is null or duration_ms is null)`,
      ),
    ).toBe(0);
  });

  it('is deterministic for a given seed and now', async () => {
    const other = await openDatabase({});
    try {
      await other.migrate();
      await seedDemo(other.db, { now: NOW, seed: SEED });
      const [first, second] = await Promise.all([runSnapshot(db), runSnapshot(other.db)]);
      expect(second.length).toBeGreaterThan(2000);
      expect(second).toEqual(first);
      const ids = await select(db, sql`select id from executions_admin.xa_executions`);
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      expect(ids.every((r) => uuid.test(String(r.id)))).toBe(true);
    } finally {
      await other.close();
    }
  });
});
