/**
 * A small, exactly known data set for repository and route tests: two organizations, a deleted
 * agent, runs from other channels that must never be listed, and hostile strings everywhere a
 * user or a tool can put text.
 */
import type { ExecutionsDatabase } from '../../src/db/database.js';
import { agents, conversations, executions, organizations, schedules, steps, type ExecutionStatus } from '../../src/db/schema.js';

export const ORG_A = 'org-a';
export const ORG_B = 'org-b';
export const ORG_A_ZONE = 'America/Sao_Paulo';

export const XSS = {
  agentName: 'Support <script>alert("agent")</script>',
  title: '"><img src=x onerror=alert("title")>',
  error: '</p><script>alert("error")</script><a href="javascript:alert(1)">x</a>',
  toolOutput: { html: '</script><script>alert("tool")</script>', nested: { svg: '<svg onload=alert(1)>' } },
};

const id = (group: number, n: number) =>
  `00000000-0000-4000-8${group.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;

export const AGENT = { sales: id(1, 1), support: id(1, 2), removed: id(1, 3), orgB: id(1, 4) };
const SCHEDULE = { digest: id(2, 1), hostile: id(2, 2), followUp: id(2, 3), orgB: id(2, 4) };

/** Runs of org A, newest first: run i started i hours before BASE_TIME. */
export const RUN_COUNT = 45;
export const BASE_TIME = new Date('2026-03-10T15:30:00Z');
const STATUS_CYCLE: ExecutionStatus[] = ['completed', 'failed', 'active', 'pending'];

export interface FixtureRun {
  id: string;
  conversationId: string;
  agentId: string;
  title: string;
  status: ExecutionStatus;
  startedAt: Date;
  credits: number | null;
  errorMessage: string | null;
}

export function fixtureRuns(): FixtureRun[] {
  const agentsCycle = [
    { agentId: AGENT.sales, scheduleId: SCHEDULE.digest, title: 'Daily sales digest' },
    { agentId: AGENT.support, scheduleId: SCHEDULE.hostile, title: XSS.title },
    { agentId: AGENT.removed, scheduleId: SCHEDULE.followUp, title: 'New lead follow-up' },
  ];
  return Array.from({ length: RUN_COUNT }, (_, i) => {
    const who = agentsCycle[i % 3]!;
    const status = STATUS_CYCLE[i % 4]!;
    return {
      id: id(3, i),
      conversationId: id(4, i),
      agentId: who.agentId,
      title: who.title,
      status,
      startedAt: new Date(BASE_TIME.getTime() - i * 3_600_000),
      credits: i % 5 === 0 ? null : i * 1.5,
      // Failed runs: i = 1, 5, 9, …; run 5 failed without saying why.
      errorMessage: status !== 'failed' || i === 5 ? null : i === 1 ? XSS.error : `Timeout number ${i}`,
    };
  });
}

export function scheduleIdOf(agentId: string): string {
  return agentId === AGENT.sales ? SCHEDULE.digest : agentId === AGENT.support ? SCHEDULE.hostile : SCHEDULE.followUp;
}

export async function insertFixture(db: ExecutionsDatabase): Promise<void> {
  await db.insert(organizations).values([
    { organizationId: ORG_A, name: 'Org A', timeZone: ORG_A_ZONE },
    { organizationId: ORG_B, name: 'Org B', timeZone: 'Asia/Kolkata' },
  ]);
  await db.insert(agents).values([
    { organizationId: ORG_A, id: AGENT.sales, name: 'Sales Assistant' },
    { organizationId: ORG_A, id: AGENT.support, name: XSS.agentName },
    { organizationId: ORG_A, id: AGENT.removed, name: 'Old Bot', deletedAt: new Date('2026-03-01T00:00:00Z') },
    { organizationId: ORG_B, id: AGENT.orgB, name: 'Org B Agent' },
  ]);
  await db.insert(schedules).values([
    {
      organizationId: ORG_A,
      id: SCHEDULE.digest,
      agentId: AGENT.sales,
      name: 'Daily sales digest',
      kind: 'cron',
      expression: '0 9 * * 1-5',
    },
    {
      organizationId: ORG_A,
      id: SCHEDULE.hostile,
      agentId: AGENT.support,
      name: XSS.title,
      kind: 'interval',
      expression: 'PT1H',
    },
    {
      organizationId: ORG_A,
      id: SCHEDULE.followUp,
      agentId: AGENT.removed,
      name: 'New lead follow-up',
      kind: 'trigger',
      expression: 'crm.lead.created',
    },
    {
      organizationId: ORG_B,
      id: SCHEDULE.orgB,
      agentId: AGENT.orgB,
      name: 'Org B secret schedule',
      kind: 'cron',
      expression: '0 * * * *',
    },
  ]);

  const runs = fixtureRuns();
  await db.insert(conversations).values(
    runs.map((r) => ({
      organizationId: ORG_A,
      id: r.conversationId,
      agentId: r.agentId,
      channel: 'schedule' as const,
      title: r.title,
      createdAt: r.startedAt,
    })),
  );
  await db.insert(executions).values(
    runs.map((r) => ({
      organizationId: ORG_A,
      id: r.id,
      conversationId: r.conversationId,
      agentId: r.agentId,
      scheduleId: scheduleIdOf(r.agentId),
      status: r.status,
      startedAt: r.startedAt,
      finishedAt: r.status === 'completed' || r.status === 'failed' ? new Date(r.startedAt.getTime() + 90_000) : null,
      credits: r.credits,
      errorMessage: r.errorMessage,
    })),
  );
  // Run 1 (failed, hostile error) has a full timeline.
  const run1 = runs[1]!;
  const at = (s: number) => new Date(run1.startedAt.getTime() + s * 1000);
  await db.insert(steps).values([
    {
      organizationId: ORG_A,
      conversationId: run1.conversationId,
      position: 0,
      kind: 'scheduled_call',
      content: 'Scheduled run: triage the inbox',
      createdAt: at(0),
    },
    {
      organizationId: ORG_A,
      conversationId: run1.conversationId,
      position: 1,
      kind: 'tool_call',
      toolName: 'gmail.list_messages',
      toolInput: { query: 'is:unread', maxResults: 10 },
      toolOutput: { messages: [{ id: 'm1', subject: 'Hi' }] },
      ok: true,
      durationMs: 420,
      createdAt: at(1),
    },
    {
      organizationId: ORG_A,
      conversationId: run1.conversationId,
      position: 2,
      kind: 'tool_call',
      toolName: 'google_calendar.list_events',
      toolInput: { calendarId: 'primary', note: XSS.error },
      toolOutput: XSS.toolOutput,
      ok: false,
      durationMs: 1250,
      createdAt: at(2),
    },
    {
      organizationId: ORG_A,
      conversationId: run1.conversationId,
      position: 3,
      kind: 'error',
      content: XSS.error,
      createdAt: at(3),
    },
  ]);

  // Other channels in org A, newer than every scheduled run: they must never be listed.
  const channels = ['hub', 'public_channel', 'whatsapp', 'api'] as const;
  await db.insert(conversations).values(
    channels.map((channel, i) => ({
      organizationId: ORG_A,
      id: id(5, i),
      agentId: AGENT.sales,
      channel,
      title: `Chat on ${channel} must not appear`,
      createdAt: BASE_TIME,
    })),
  );
  await db.insert(executions).values(
    channels.map((_, i) => ({
      organizationId: ORG_A,
      id: id(6, i),
      conversationId: id(5, i),
      agentId: AGENT.sales,
      scheduleId: null,
      status: 'completed' as const,
      startedAt: new Date(BASE_TIME.getTime() + 60_000),
      credits: 1,
    })),
  );

  // Org B: newer runs still, with a title that must never show for org A.
  await db.insert(conversations).values(
    [0, 1, 2].map((i) => ({
      organizationId: ORG_B,
      id: id(7, i),
      agentId: AGENT.orgB,
      channel: 'schedule' as const,
      title: 'Org B secret schedule',
      createdAt: BASE_TIME,
    })),
  );
  await db.insert(executions).values(
    [0, 1, 2].map((i) => ({
      organizationId: ORG_B,
      id: id(8, i),
      conversationId: id(7, i),
      agentId: AGENT.orgB,
      scheduleId: SCHEDULE.orgB,
      status: 'failed' as const,
      startedAt: new Date(BASE_TIME.getTime() + 120_000),
      errorMessage: 'Org B secret error',
    })),
  );
}

/** A conversation id that exists, but in org B. */
export const ORG_B_CONVERSATION = id(7, 0);
/** A conversation of org A from the Hub, not a schedule. */
export const HUB_CONVERSATION = id(5, 0);
