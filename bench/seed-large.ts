/**
 * Seeds a benchmark organization with N scheduled runs (plus a smaller second organization)
 * server-side with generate_series, in chunks, with a progress bar. For a dedicated benchmark
 * database only: triggers and foreign-key checks are off during the load (the rows are built
 * consistent, usual credits and durations and each run's copy of its conversation's title
 * included), secondary indexes are dropped and rebuilt after it, and the daily counts are rebuilt
 * by xa_recount — the same results, computed once instead of ten million times.
 */
import { createHash } from 'node:crypto';
import postgres from 'postgres';

export const BENCH_ORGANIZATION = 'bench-big';
export const OTHER_ORGANIZATION = 'bench-other';
export const BENCH_TIME_ZONE = 'Asia/Kolkata';
const CHUNK = 250_000;

/**
 * The data's shape. `bench`: 8 agents, 16 schedules, a run every 7 s (ten million span about two
 * years), four kinds of failure, one run in 250 a credit spike. `wide`, issue #21's: 1,000 agents,
 * 2,000 schedules, a run every 15.78 s (ten million span five years), 10,000 kinds of failure over
 * 40 tools, half the finished runs credit spikes; status, spike and failure drawn from a hash of
 * the run's number, so that none follows its agent.
 */
export type SeedShape = 'bench' | 'wide';
const SHAPES = {
  bench: { agents: 8, schedules: 16, secondsPerRun: 7 },
  wide: { agents: 1_000, schedules: 2_000, secondsPerRun: 15.78 },
} as const;

/** The wide shape's draws, from one multiplicative hash of the run's number. */
const WIDE_HASH = '((g * 2654435761) % 4294967291)';
const letters = (n: string, from: string) => `translate(lpad((${n})::text, 4, '0'), '0123456789', '${from}')`;

/** Per shape: the run's status, its credits, and its failure's tool and message. */
function outcomes(shape: SeedShape): { status: string; credits: string; tool: string; message: string } {
  if (shape === 'bench')
    return {
      status: `case when g % 100 < 86 then 'completed' when g % 100 < 96 then 'failed' when g % 100 < 98 then 'active' else 'pending' end`,
      // Credits spread over 0–12 (median 6), one run in 250 a spike of 30 or more.
      credits: `case when g % 250 = 17 then 30 + g % 20 else ((g * 37) % 1200) / 100.0 end`,
      tool: `(array['hubspot', 'google_calendar', 'slack.post_message', ''])[1 + (g / 100) % 4]`,
      message: `(array['hubspot: request timed out after 30000 ms',
                       'google_calendar: 401 expired credential for user ' || g % 1000,
                       'slack: 429 Too Many Requests',
                       'Model response did not match the expected JSON schema'])[1 + (g / 100) % 4]`,
    };
  // Kind 0 is the bench's hubspot timeout, so its scenarios find one kind of failure here too;
  // the others differ by letters, which the error signature keeps (numbers it replaces).
  const kind = `(${WIDE_HASH} / 200) % 10000`;
  return {
    status: `case when ${WIDE_HASH} % 100 < 86 then 'completed' when ${WIDE_HASH} % 100 < 96 then 'failed'
                  when ${WIDE_HASH} % 100 < 98 then 'active' else 'pending' end`,
    credits: `case when (${WIDE_HASH} / 100) % 2 = 0 then 30 + g % 20 else ((g * 37) % 1200) / 100.0 end`,
    tool: `case when ${kind} = 0 then 'hubspot' else 'tool_' || ${letters(`${kind} % 40`, 'abcdefghij')} end`,
    message: `case when ${kind} = 0 then 'hubspot: request timed out after ' || g || ' ms'
                    else 'tool_' || ${letters(`${kind} % 40`, 'abcdefghij')} || ': failed with code ' || ${letters(kind, 'klmnopqrst')} || ' for request ' || g end`,
  };
}

/** Deterministic ids: the benchmark can find "its" agents and rows again. */
const idSql = (kind: string, org: string, n: string) => `md5('${kind}:' || '${org}:' || ${n})::uuid`;

function progress(label: string, done: number, total: number): void {
  if (!process.stdout.isTTY && done < total) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stdout.write(
    `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`,
  );
  if (done >= total) process.stdout.write('\n');
}

async function seedOrganization(
  sql: postgres.Sql,
  org: string,
  timeZone: string,
  rows: number,
  quiet: boolean,
  shape: SeedShape,
): Promise<void> {
  const { agents, schedules, secondsPerRun } = SHAPES[shape];
  const o = outcomes(shape);
  await sql.unsafe(
    `insert into executions_admin.xa_organizations (organization_id, name, time_zone) values ($1, $1, $2) on conflict do nothing`,
    [org, timeZone],
  );
  await sql.unsafe(
    `insert into executions_admin.xa_agents (organization_id, id, name)
     select $1, ${idSql('agent', org, 'a::text')}, 'Agent ' || a from generate_series(0, ${agents - 1}) a
     on conflict do nothing`,
    [org],
  );
  await sql.unsafe(
    `insert into executions_admin.xa_schedules (organization_id, id, agent_id, name, kind, expression)
     select $1, ${idSql('schedule', org, 's::text')}, ${idSql('agent', org, `(s % ${agents})::text`)},
            'Schedule ' || s, (array['cron','interval','trigger'])[1 + s % 3]::executions_admin.xa_schedule_kind, '0 * * * *'
       from generate_series(0, ${schedules - 1}) s
     on conflict do nothing`,
    [org],
  );
  // One run every few seconds back from a fixed instant.
  const startedAt = `timestamptz '2026-11-01 00:00:00+00' - (g * interval '${secondsPerRun} seconds') - ((g * 7919) % 5000) * interval '1 millisecond'`;
  for (let from = 0; from < rows; from += CHUNK) {
    const to = Math.min(rows, from + CHUNK) - 1;
    await sql.begin(async (tx) => {
      await tx.unsafe(
        `insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
         select $1, ${idSql('conversation', org, 'g::text')}, ${idSql('agent', org, `((g % ${schedules}) % ${agents})::text`)},
                'schedule', 'Schedule ' || (g % ${schedules}), ${startedAt}
           from generate_series(${from}::bigint, ${to}::bigint) g`,
        [org],
      );
      await tx.unsafe(
        `insert into executions_admin.xa_executions (organization_id, id, conversation_id, conversation_title, agent_id, schedule_id, status,
                                    started_at, finished_at, credits, error_message, usual_credits, usual_duration_ms,
                                    failed_tool, failed_step, tool_names)
         select $1, ${idSql('execution', org, 'g::text')}, ${idSql('conversation', org, 'g::text')}, 'Schedule ' || (g % ${schedules}),
                ${idSql('agent', org, `((g % ${schedules}) % ${agents})::text`)}, ${idSql('schedule', org, `(g % ${schedules})::text`)},
                s.status, ${startedAt},
                case when s.status in ('completed', 'failed') then ${startedAt} + interval '40 seconds' end,
                -- Credits spread over 0–12 (median 6), one run in 250 a spike of 30 or more.
                case when s.status in ('completed', 'failed') and g % 31 <> 0 then ${o.credits} end,
                case when s.status = 'failed' then f.message end,
                -- What the insert trigger would have measured: every agent's runs cost 6 and take 40 s.
                6, 40000,
                case when s.status = 'failed' then f.tool else '' end,
                case when s.status = 'failed' and f.tool <> '' then 2 end,
                -- What the steps trigger would have listed: one tool a run, one run in 50,000 a rare one (search).
                case when g % 50000 = 123 then 'zendesk.escalate_ticket'
                     else (array['hubspot.search_deals', 'google_calendar.list_events', 'slack.post_message', 'notion.create_page'])[1 + (g / 7) % 4] end
           from generate_series(${from}::bigint, ${to}::bigint) g,
                lateral (select (${o.status})::executions_admin.xa_execution_status as status) s,
                lateral (select ${o.tool} as tool, ${o.message} as message) f`,
        [org],
      );
    });
    if (!quiet) progress(`  ${org}`, to + 1, rows);
  }
}

/** Seeds `rows` runs for the bench organization and a tenth of that for another one. */
export async function seedLarge(
  url: string,
  rows: number,
  { quiet = false, shape = 'bench' }: { quiet?: boolean; shape?: SeedShape } = {},
): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const indexes = await sql.unsafe<{ name: string; definition: string }[]>(
      `select indexname as name, indexdef as definition from pg_indexes
        where schemaname = 'executions_admin' and tablename in ('xa_executions', 'xa_conversations')
          and indexname not in (select conname from pg_constraint where contype = 'p')`,
    );
    for (const { name } of indexes) await sql.unsafe(`drop index executions_admin."${name}"`);
    // One connection (max: 1), so this session setting covers every insert below.
    await sql.unsafe(`set session_replication_role = replica`);
    await seedOrganization(sql, BENCH_ORGANIZATION, BENCH_TIME_ZONE, rows, quiet, shape);
    await seedOrganization(sql, OTHER_ORGANIZATION, 'UTC', Math.max(1, Math.floor(rows / 10)), quiet, shape);
    await sql.unsafe(`set session_replication_role = origin`);
    if (!quiet) console.log(`  rebuilding ${indexes.length} indexes and the daily counts, vacuuming, analysing…`);
    await sql.unsafe(`set maintenance_work_mem = '1GB'`);
    for (const { definition } of indexes) await sql.unsafe(definition);
    for (const org of [BENCH_ORGANIZATION, OTHER_ORGANIZATION]) await sql.unsafe('select executions_admin.xa_recount($1)', [org]);
    await sql.unsafe('vacuum analyze executions_admin.xa_executions');
    await sql.unsafe('vacuum analyze executions_admin.xa_conversations');
    // Every counts table xa_recount filled: without statistics the planner took 1,456 monthly rows
    // for 6 and sorted them, where a hash aggregate is the plan a live table's autovacuum leads to.
    const counts = ['daily', 'status', 'monthly', 'org_daily', 'org_monthly', 'failure', 'failure_monthly', 'failure_yearly'].map(
      (c) => `xa_execution_${c}_counts`,
    );
    for (const table of counts) {
      await sql.unsafe(`vacuum analyze executions_admin.${table}`);
    }
  } finally {
    await sql.end();
  }
}

export function benchAgentId(n: number): string {
  return md5Uuid(`agent:${BENCH_ORGANIZATION}:${n}`);
}

function md5Uuid(text: string): string {
  const hex = createHash('md5').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
