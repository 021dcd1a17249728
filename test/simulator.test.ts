/**
 * The demo's simulated scheduler, sped up: runs appear, move through their states and finish, and
 * stopping it leaves every run it started whole and finished.
 */
import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ORGANIZATION_ID, seedDemo } from '../src/demo/seed.js';
import { SIMULATED_KEY_PREFIX, startSimulatedScheduler, STOPPED_MESSAGE } from '../src/demo/simulator.js';
import { executions, steps } from '../src/db/schema.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

const ORG = DEMO_ORGANIZATION_ID;

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `simulated scheduler on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;

      beforeAll(async () => {
        database = await target.open();
        await seedDemo(database.db, { runs: 100 });
      });
      afterAll(async () => {
        await database?.dispose();
      });

      const simulatedRuns = () =>
        database.db
          .select({
            id: executions.id,
            conversationId: executions.conversationId,
            status: executions.status,
            finishedAt: executions.finishedAt,
            credits: executions.credits,
            errorMessage: executions.errorMessage,
          })
          .from(executions)
          .where(and(eq(executions.organizationId, ORG), like(executions.idempotencyKey, `${SIMULATED_KEY_PREFIX}%`)));

      it('makes runs appear, go through their states and finish; stopping leaves none half-recorded', async () => {
        const errors: unknown[] = [];
        const scheduler = startSimulatedScheduler(database.db, ORG, {
          timeScale: 0.02,
          onError: (error) => errors.push(error),
        });
        const seen = new Set<string>();
        const deadline = Date.now() + 30_000;
        let runs = await simulatedRuns();
        // Until runs have been seen pending, active and finished, and one is in flight to stop.
        while (
          Date.now() < deadline &&
          !(
            ['pending', 'active'].every((s) => seen.has(s)) &&
            runs.some((r) => r.finishedAt !== null) &&
            runs.some((r) => r.credits !== null) &&
            runs.some((r) => r.status === 'active')
          )
        ) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          runs = await simulatedRuns();
          for (const r of runs) seen.add(r.status);
        }
        await scheduler.stop();
        expect(errors).toEqual([]);
        expect([...seen]).toEqual(expect.arrayContaining(['pending', 'active']));

        const after = await simulatedRuns();
        expect(after.length).toBeGreaterThanOrEqual(2);
        for (const run of after) {
          expect(['completed', 'failed']).toContain(run.status);
          expect(run.finishedAt).toBeInstanceOf(Date);
          const timeline = await database.db
            .select({ position: steps.position, kind: steps.kind, content: steps.content })
            .from(steps)
            .where(and(eq(steps.organizationId, ORG), eq(steps.conversationId, run.conversationId)))
            .orderBy(asc(steps.position));
          expect(timeline.map((s) => s.position)).toEqual(timeline.map((_, i) => i));
          expect(timeline[0]?.kind).toBe('scheduled_call');
          expect(timeline.slice(1, -1).every((s) => s.kind === 'tool_call')).toBe(true);
          expect(timeline.at(-1)?.kind).toBe(run.status === 'completed' ? 'final_response' : 'error');
          if (run.status === 'failed') expect(timeline.at(-1)?.content).toBe(run.errorMessage);
        }
        // The run that was still active when the scheduler stopped was failed, not left in flight.
        expect(after.some((r) => r.errorMessage === STOPPED_MESSAGE)).toBe(true);

        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(await simulatedRuns()).toHaveLength(after.length);
      });
    },
  );
}
