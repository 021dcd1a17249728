/** One run's whole lifecycle through the write API, as the write benches record it. */
import type { ExecutionsDatabase } from '../src/db/database.js';
import {
  completeExecution,
  failExecution,
  markActive,
  recordToolCall,
  setCredits,
  startExecution,
} from '../src/write/recorder.js';

/**
 * Start, active, two tool calls, complete (or fail at the second tool call), credits. The keys derive
 * from `key`: bench/write.ts's floor renames them when it replays the statements.
 */
export async function lifecycle(
  db: ExecutionsDatabase,
  organizationId: string,
  scheduleId: string,
  key: string,
  failed: boolean,
) {
  const { executionId } = await startExecution(db, organizationId, { key, scheduleId, prompt: 'Summarise the sales' });
  await markActive(db, organizationId, executionId);
  for (const n of [1, 2]) {
    const ok = !(failed && n === 2);
    await recordToolCall(db, organizationId, executionId, {
      key: `${key}/tool-${n}`,
      toolName: n === 1 ? 'crm.search' : 'mail.send',
      input: { query: 'open deals', limit: 20 },
      output: ok ? { ok: true, count: 20 } : { ok: false, error: 'timed out' },
      ok,
      durationMs: 120,
    });
  }
  if (failed)
    await failExecution(db, organizationId, executionId, {
      key: `${key}/done`,
      errorMessage: 'mail.send: request timed out after 30000 ms',
    });
  else await completeExecution(db, organizationId, executionId, { key: `${key}/done`, response: 'Sent the summary.' });
  await setCredits(db, organizationId, executionId, 1.25);
  return executionId;
}
