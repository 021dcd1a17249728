/** Other channels' runs (hub, WhatsApp, website, API), written as rows in the same tables. */
import type { ExecutionStatus } from '../../db/schema.js';
import { runStepRows } from '../../write/rows.js';
import { CHANNEL_WEIGHTS, channelTitle, DIALOGS } from './dialogs.js';
import { eventTime } from './fire-times.js';
import { type Generator, type OrgSeed, timeline } from './generator.js';
import type { RunContext } from './model.js';
import { FORMAT_ERRORS, runCredits } from './outcomes.js';
import { DAY, HISTORY_DAYS, MINUTE } from './time.js';

/** Runs from regular conversations: same tables, no schedule, never listed on the page. */
export function buildChannelRuns(g: Generator, org: OrgSeed, count: number): void {
  const windowFrom = g.now - HISTORY_DAYS * DAY;
  for (let k = 0; k < count; k++) {
    const dialog = g.r.pick(DIALOGS);
    const agent = org.agents.find((a) => a.def.name === dialog.agent);
    if (!agent) continue;
    const channel = g.r.weighted(CHANNEL_WEIGHTS);
    const recent = k >= count - 2;
    const to = Math.min(g.now - 5 * MINUTE, agent.deletedAt ?? Number.POSITIVE_INFINITY);
    const startedAt =
      recent && agent.deletedAt === null
        ? g.now - g.r.int(1 * MINUTE, 20 * MINUTE)
        : eventTime(g.r, org.def.timeZone, { from: windowFrom, to });
    const status: ExecutionStatus = recent && agent.deletedAt === null ? 'active' : g.r.chance(0.05) ? 'failed' : 'completed';
    const c: RunContext = { r: g.r, org: org.def, agent: agent.def, at: startedAt };
    const calls = dialog.tool ? [dialog.tool(c)] : [];
    const conversationId = g.ids.uuid();
    const rows = g.channelRows;
    rows.conversations.push({
      organizationId: org.def.id,
      id: conversationId,
      agentId: agent.id,
      channel,
      title: channelTitle(g.r, channel, dialog.topic),
      createdAt: new Date(startedAt),
    });
    const errorMessage = status === 'failed' ? c.r.pick(FORMAT_ERRORS) : null;
    const final = status === 'active' ? null : status === 'failed' ? 'error' : 'final_response';
    const { toolCalls, end } = timeline(
      g,
      startedAt,
      status === 'active' ? [] : calls,
      final,
      status === 'active' ? g.now : Number.POSITIVE_INFINITY,
    );
    rows.steps.push(
      ...runStepRows(
        { organizationId: org.def.id, conversationId },
        {
          prompt: dialog.question,
          startedAt: new Date(startedAt),
          toolCalls,
          final: final
            ? { kind: final, content: final === 'error' ? errorMessage : dialog.answer, at: new Date(end) }
            : undefined,
        },
      ),
    );
    rows.executions.push({
      organizationId: org.def.id,
      id: g.ids.uuid(),
      conversationId,
      agentId: agent.id,
      scheduleId: null,
      status,
      startedAt: new Date(startedAt),
      finishedAt: status === 'active' ? null : new Date(end + g.r.int(40, 400)),
      credits: status === 'active' ? null : runCredits(g.r, agent.def, calls.length, 0.6),
      errorMessage,
    });
  }
}
