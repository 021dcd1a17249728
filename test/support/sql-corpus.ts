/**
 * Hostile text written by plain SQL, straight into the tables — as a migration, a hand-run fix, an
 * import or another service sharing the database might — bypassing the write API and its checks.
 * Besides the XSS corpus: values the write API refuses (empty and blank names and tool names,
 * a tool call without `ok` or a duration), values it never writes (JSON scalars and odd keys as
 * tool input and output, control and bidi characters, pre-escaped entities, 5,000-character lines), and
 * a run's copy of its title differing from its conversation's, which only a load with the
 * triggers off (session_replication_role = replica) can leave. Every statement is scoped by the
 * organization, and the triggers do what they do on any write: the conversation title is copied
 * onto the run, a failed tool call marks its run, the daily counts follow.
 */
import { sql } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../../src/db/database.js';
import { XSS_PAYLOADS } from './xss-corpus.js';

/** Values the write API refuses or would never store, each hostile in its own way. */
export const SQL_ONLY_PAYLOADS: readonly string[] = [
  '',
  ' \t\n ',
  `\u0001\u0002\u001b[31m<b onmouseover="window.__pwned='control-chars'">ctrl</b>\u007f\u0085`,
  `\u202e<img src=x onerror="window.__pwned='bidi'">\u202c`,
  `\ufeff\u200b<svg/onload=window.__pwned='zero-width'>`,
  `&lt;script&gt;window.__pwned='pre-escaped'&lt;/script&gt;`,
  `${'x'.repeat(5_000)}<script>window.__pwned='long-line'</script>`,
  `<xmp><img src=x onerror=window.__pwned='xmp'></xmp><plaintext><img src=x onerror=window.__pwned='plaintext'>`,
];

export const SQL_PAYLOADS: readonly string[] = [...XSS_PAYLOADS, ...SQL_ONLY_PAYLOADS];

export const sqlUuid = (group: number, n: number) =>
  `00000000-0000-4000-8${group.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;

/** Payload i's run failed unless i % 4 === 3. */
export const sqlRunFailed = (i: number) => i % 4 !== 3;

/** The JSON stored as the tool call's input and output: objects, arrays and bare scalars by turns. */
export function sqlToolInput(payload: string, i: number): unknown {
  const shapes = [
    { payload, [payload]: [payload, { '</script>': payload }] },
    [payload, 1e21, -0.5, true, null, { nested: { deeper: [payload] } }],
    payload,
  ];
  return shapes[i % shapes.length];
}

export function sqlToolOutput(payload: string, i: number): unknown {
  const shapes = [payload, { html: payload, json: JSON.stringify({ payload }) }, [{ '<b>key</b>': payload }]];
  return shapes[i % shapes.length];
}

export interface SqlCorpusOptions {
  organizationId: string;
  /** Run i starts i + 1 hours before this. */
  baseTime: number;
}

/** Writes payload i as agent i's name, schedule i's name and expression, and run i's every text. */
export async function writeSqlCorpus(db: ExecutionsDatabase, { organizationId: org, baseTime }: SqlCorpusOptions) {
  await db.execute(
    sql`insert into executions_admin.xa_organizations (organization_id, name, time_zone) values (${org}, ${'<b>SQL org</b>'}, 'UTC')`,
  );
  for (const [i, payload] of SQL_PAYLOADS.entries()) {
    const agent = sqlUuid(0x11, i);
    const schedule = sqlUuid(0x12, i);
    const conversation = sqlUuid(0x13, i);
    const run = sqlUuid(0x14, i);
    // As text: postgres.js, unlike PGlite, takes no Date in a raw statement.
    const at = (s: number) => new Date(baseTime - (i + 1) * 3_600_000 + s * 1000).toISOString();
    const startedAt = at(0);
    const failed = sqlRunFailed(i);
    const kinds = ['cron', 'interval', 'trigger'] as const;
    await db.execute(
      sql`insert into executions_admin.xa_agents (organization_id, id, name) values (${org}, ${agent}, ${payload})`,
    );
    await db.execute(sql`insert into executions_admin.xa_schedules (organization_id, id, agent_id, name, kind, expression)
      values (${org}, ${schedule}, ${agent}, ${payload}, ${kinds[i % 3]}::executions_admin.xa_schedule_kind, ${payload})`);
    // Titled otherwise at first, then renamed: the run's copy follows the rename (trigger).
    await db.execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
      values (${org}, ${conversation}, ${agent}, 'schedule', ${'placeholder'}, ${startedAt})`);
    await db.execute(sql`insert into executions_admin.xa_executions
        (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at, finished_at, credits, error_message, conversation_title)
      values (${org}, ${run}, ${conversation}, ${agent}, ${schedule}, ${failed ? 'failed' : 'completed'}::executions_admin.xa_execution_status,
        ${startedAt}, ${at(5)}, ${1.5}, ${failed ? payload : null}, ${'ignored: the trigger copies the title'})`);
    await db.execute(
      sql`update executions_admin.xa_conversations set title = ${payload} where organization_id = ${org} and id = ${conversation}`,
    );
    await db.execute(sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, content, created_at)
      values (${org}, ${conversation}, 0, 'scheduled_call', ${payload}, ${at(0)})`);
    // The tool call: on a completed run without ok or duration, which the write API refuses.
    await db.execute(sql`insert into executions_admin.xa_steps
        (organization_id, conversation_id, position, kind, tool_name, tool_input, tool_output, ok, duration_ms, created_at)
      values (${org}, ${conversation}, 1, 'tool_call', ${payload}, ${JSON.stringify(sqlToolInput(payload, i))}::jsonb,
        ${JSON.stringify(sqlToolOutput(payload, i))}::jsonb, ${failed ? false : null}, ${failed ? 300 : null}, ${at(1)})`);
    await db.execute(sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, content, created_at)
      values (${org}, ${conversation}, 2, ${failed ? 'error' : 'final_response'}::executions_admin.xa_step_kind, ${payload}, ${at(4)})`);
  }
}

/**
 * The run of payload `i` gets `title` as its copy of the conversation title, with the triggers
 * off: the list and the CSV then show `title`, while its conversation keeps its own.
 */
export async function forgeRunTitle(db: ExecutionsDatabase, organizationId: string, i: number, title: string) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(
      sql`update executions_admin.xa_executions set conversation_title = ${title} where organization_id = ${organizationId} and id = ${sqlUuid(0x14, i)}`,
    );
  });
}

/**
 * About 1 MiB of mixed text: markup that would run if it ever became markup, non-ASCII (accents,
 * CJK, emoji, right-to-left), and lines thousands of characters long.
 */
export function megabyteText(): string {
  const chunk =
    `<img src=x onerror="window.__pwned='mega'"><script>window.__pwned='mega-script'</script>` +
    ' Ünïcødé — 中文字符 — 😀💥 — עברית — ' +
    'long line '.repeat(400) +
    '\n';
  return chunk.repeat(Math.ceil(1_048_576 / chunk.length)).slice(0, 1_048_576);
}

/** One failed run whose error message and tool output are each `text`, in an organization of its own. */
export async function writeMegabyteRun(db: ExecutionsDatabase, organizationId: string, text: string, startedAt: Date) {
  const org = organizationId;
  const [agent, schedule, conversation, run] = [0x21, 0x22, 0x23, 0x24].map((g) => sqlUuid(g, 0)) as [
    string,
    string,
    string,
    string,
  ];
  const at = (s: number) => new Date(startedAt.getTime() + s * 1000).toISOString();
  await db.execute(
    sql`insert into executions_admin.xa_organizations (organization_id, name, time_zone) values (${org}, 'Mega', 'UTC')`,
  );
  await db.execute(
    sql`insert into executions_admin.xa_agents (organization_id, id, name) values (${org}, ${agent}, 'Mega agent')`,
  );
  await db.execute(sql`insert into executions_admin.xa_schedules (organization_id, id, agent_id, name, kind, expression)
    values (${org}, ${schedule}, ${agent}, 'Mega schedule', 'cron', '0 * * * *')`);
  await db.execute(sql`insert into executions_admin.xa_conversations (organization_id, id, agent_id, channel, title, created_at)
    values (${org}, ${conversation}, ${agent}, 'schedule', 'Mega schedule', ${at(0)})`);
  await db.execute(sql`insert into executions_admin.xa_executions
      (organization_id, id, conversation_id, agent_id, schedule_id, status, started_at, finished_at, credits, error_message)
    values (${org}, ${run}, ${conversation}, ${agent}, ${schedule}, 'failed', ${at(0)}, ${at(9)}, 2, ${text})`);
  await db.execute(sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, content, created_at)
    values (${org}, ${conversation}, 0, 'scheduled_call', 'Summarise everything', ${at(0)})`);
  await db.execute(sql`insert into executions_admin.xa_steps
      (organization_id, conversation_id, position, kind, tool_name, tool_input, tool_output, ok, duration_ms, created_at)
    values (${org}, ${conversation}, 1, 'tool_call', 'mega.fetch', '{"q":"all"}'::jsonb, ${JSON.stringify({ text })}::jsonb,
      false, 800, ${at(1)})`);
  await db.execute(sql`insert into executions_admin.xa_steps (organization_id, conversation_id, position, kind, content, created_at)
    values (${org}, ${conversation}, 2, 'error', ${text}, ${at(8)})`);
  return { conversationId: conversation };
}
