// The host's scheduler, reduced to a backfill: it registers its organizations, agents and
// schedules and records runs through the module's typed write API.
import {
  completeExecution,
  failExecution,
  markActive,
  recordFinishedRuns,
  recordToolCall,
  setCredits,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
} from 'executions-admin';

export const ORGANIZATIONS = [
  { id: 'acme', name: 'Acme Robotics', timeZone: 'America/Sao_Paulo' },
  { id: 'globex', name: 'Globex', timeZone: 'Asia/Kolkata' },
];

const AGENT = '5b0c6a4e-1f2d-4c3b-9a8e-7d6c5b4a3f21';
const DIGEST = '8e7d6c5b-4a3f-4e1d-9c0b-a1b2c3d4e5f6';
const SYNC = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

const MINUTE = 60_000;

export async function recordExampleRuns(db) {
  for (const org of ORGANIZATIONS) {
    await upsertOrganization(db, org.id, { name: org.name, timeZone: org.timeZone });
    await upsertAgent(db, org.id, { agentId: AGENT, name: `${org.name} Assistant` });
    await upsertSchedule(db, org.id, {
      scheduleId: DIGEST,
      agentId: AGENT,
      name: `${org.name} daily digest`,
      kind: 'cron',
      expression: '0 9 * * *',
    });
    await upsertSchedule(db, org.id, {
      scheduleId: SYNC,
      agentId: AGENT,
      name: `${org.name} CRM sync`,
      kind: 'interval',
      expression: 'PT6H',
    });

    // Sixty finished runs, newest an hour ago; every third one failed at the CRM.
    const now = Date.now();
    const runs = Array.from({ length: 60 }, (_, i) => {
      const startedAt = new Date(now - (i + 1) * 60 * MINUTE);
      const failed = i % 3 === 0;
      const at = new Date(startedAt.getTime() + 5_000);
      return {
        key: `${org.id}-backfill-${i}`,
        scheduleId: i % 2 ? DIGEST : SYNC,
        prompt: 'Summarise yesterday and sync the CRM.',
        startedAt,
        toolCalls: [
          {
            toolName: 'hubspot.search_deals',
            input: { filter: { closedate: 'yesterday' }, limit: 20 },
            output: failed ? { status: 401, error: 'invalid_grant' } : { total: 3, results: [{ id: 'd1', amount: 1200 }] },
            ok: !failed,
            durationMs: 640,
            at,
          },
        ],
        outcome: failed
          ? { status: 'failed', errorMessage: 'hubspot: 401 Unauthorized — OAuth token expired; reconnect in Tools' }
          : { status: 'completed', response: 'Three deals closed yesterday, for 3,600 in total.' },
        finishedAt: new Date(at.getTime() + 2_000),
        credits: i % 10 === 5 ? null : 1.25 + (i % 4),
      };
    });
    await recordFinishedRuns(db, org.id, runs);

    // One run the live way: fired, picked up, a tool call, finished, credited later.
    const { executionId } = await startExecution(db, org.id, {
      key: `${org.id}-live-1`,
      scheduleId: DIGEST,
      prompt: 'Post the daily digest.',
    });
    await markActive(db, org.id, executionId);
    await recordToolCall(db, org.id, executionId, {
      key: 'slack-1',
      toolName: 'slack.post_message',
      input: { channel: '#sales', text: 'Daily digest' },
      output: { ok: true, ts: '1718000000.000100' },
      ok: true,
      durationMs: 210,
    });
    await completeExecution(db, org.id, executionId, { key: 'finish', response: 'Posted the digest to #sales.' });
    await setCredits(db, org.id, executionId, 0.75);

    // And one that failed without a tool call.
    const broken = await startExecution(db, org.id, {
      key: `${org.id}-live-2`,
      scheduleId: SYNC,
      prompt: 'Sync the CRM.',
      status: 'active',
    });
    await failExecution(db, org.id, broken.executionId, {
      key: 'finish',
      errorMessage: 'Token limit exceeded: 131,204 tokens (limit 128,000)',
    });
  }
}
