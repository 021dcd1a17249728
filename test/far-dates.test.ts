/**
 * Runs dated anywhere the write API takes a date (years 1900 to 9999) leave every page answering, and
 * quickly: a page filtered to the last days of 9999 once drew its chart forever (src/list/activity.ts),
 * and a CSV spanning the years sampled each of their days for the zone's offsets (src/lib/time-zone.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeExecution,
  markActive,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
} from '../src/write/recorder.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { createTestHost, ORG_HEADER } from './support/test-host.js';

const ORG = 'org-far-dates';
const AGENT = '00000000-0000-4000-8000-0000000000f1';
const SCHEDULE = '00000000-0000-4000-8001-0000000000f1';

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `runs dated from year 1900 to 9999 on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let app: ReturnType<typeof createTestHost>;
      beforeAll(async () => {
        database = await target.open();
        const db = database.db;
        await upsertOrganization(db, ORG, { name: 'Far dates', timeZone: 'Europe/Berlin' });
        await upsertAgent(db, ORG, { agentId: AGENT, name: 'Agent' });
        await upsertSchedule(db, ORG, { scheduleId: SCHEDULE, agentId: AGENT, name: 'S', kind: 'cron', expression: '* * * * *' });
        for (const [key, startedAt] of [
          ['first', '1900-01-01T12:00:00Z'],
          ['now', '2026-12-06T12:00:00Z'],
          ['last', '9999-12-31T23:59:58Z'],
        ] as const) {
          const { executionId } = await startExecution(db, ORG, {
            key,
            scheduleId: SCHEDULE,
            prompt: 'p',
            startedAt: new Date(startedAt),
          });
          await markActive(db, ORG, executionId);
          await completeExecution(db, ORG, executionId, { key: `${key}/done`, response: 'r', finishedAt: new Date(startedAt) });
        }
        app = createTestHost(db);
      });
      afterAll(() => database?.dispose());

      it('answers every kind of page within seconds', async () => {
        for (const path of [
          '/admin/executions',
          '/admin/executions?start=9999-12-01&end=9999-12-31',
          '/admin/executions?start=9999-01-01',
          '/admin/executions?end=1900-01-31',
          '/admin/executions?sort=-duration',
          '/admin/executions/failures?start=9999-12-01&end=9999-12-31',
          '/admin/executions/export.csv',
        ]) {
          const started = performance.now();
          const res = await app.request(path, { headers: { [ORG_HEADER]: ORG } });
          const body = await res.text();
          expect({ path, status: res.status }).toEqual({ path, status: 200 });
          expect(performance.now() - started, path).toBeLessThan(5_000);
          if (path.endsWith('.csv')) expect(body).toMatch(/01\/01\/10000 00:59|31\/12\/9999 23:59|01\/01\/10000/);
        }
      });
    },
  );
}
