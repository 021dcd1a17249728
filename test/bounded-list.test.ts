/**
 * What the list shows of stored text is bounded, however much a host (or plain SQL) stored: a
 * megabyte-long title, error and agent name give a light page whose revealed error is a few
 * hundred characters with a way to the whole of it; the CSV still carries everything. And filter
 * values Postgres could not compare are refused by their field, never a 500 — HEAD included.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, conversations, executions } from '../src/db/schema.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { AGENT, fixtureRuns, insertFixture, ORG_A } from './support/fixture.js';
import { createTestHost, ORG_HEADER, parseDocument, text } from './support/test-host.js';

const MEGABYTE = 1 << 20;
/** Mixed: markup, a two-unit emoji and text, so the cut is tested on code points. */
const huge = (seed: string) => `${seed} <b>bold</b> 😀 ${'é—x'.repeat(MEGABYTE / 3)}`.slice(0, MEGABYTE);
const RUN = fixtureRuns()[1]!; // failed, with an error

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `bounded list on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let app: ReturnType<typeof createTestHost>;
      const error = huge('Error');
      const title = huge('Title');
      const name = huge('Agent');

      beforeAll(async () => {
        database = await target.open();
        await insertFixture(database.db);
        // Straight into the tables, as a host's own SQL could: no write API in the way.
        await database.db
          .update(executions)
          .set({ errorMessage: error })
          .where(sql`${executions.id} = ${RUN.id}`);
        await database.db
          .update(conversations)
          .set({ title })
          .where(sql`${conversations.id} = ${RUN.conversationId}`);
        await database.db
          .update(agents)
          .set({ name })
          .where(sql`${agents.id} = ${AGENT.support}`);
        app = createTestHost(database.db, '/admin/executions');
      });
      afterAll(() => database?.dispose());

      const get = (path: string, method = 'GET') => app.request(path, { method, headers: { [ORG_HEADER]: ORG_A } });

      it('shows at most 300 characters of an error, 200 of a title or a name, and links to the whole error', async () => {
        const res = await get('/admin/executions');
        const html = await res.text();
        expect(res.status).toBe(200);
        expect(html.length).toBeLessThan(100_000);
        const doc = parseDocument(html);
        const row = [...doc.querySelectorAll('tbody tr')][1]!;
        const popover = row.querySelector('.xa-error-popover__text')!;
        expect(Array.from(text(popover))).toHaveLength(301);
        expect(text(popover)).toBe(`${Array.from(error).slice(0, 300).join('')}…`.replace(/\s+/g, ' ').trim());
        const full = [...row.querySelectorAll('.xa-error-popover a')].find((a) => text(a).startsWith('Show the full error'));
        expect(full?.getAttribute('href')).toBe(`/admin/executions/conversations/${RUN.conversationId}`);
        const [agentCell, scheduleCell] = [...row.querySelectorAll('td')];
        expect(Array.from(agentCell!.textContent!.trim()).length).toBeLessThanOrEqual(201);
        expect(Array.from(scheduleCell!.textContent!.trim()).length).toBeLessThanOrEqual(201);
        // A short error is shown whole, with no such link.
        const other = [...doc.querySelectorAll('tbody tr')][9]!;
        expect(text(other.querySelector('.xa-error-popover__text'))).toBe(`Timeout number 9`);
        expect(other.querySelector('.xa-error-popover a')).toBeNull();
      });

      // Every run of the agent carries its megabyte name: a CSV of about 36 MB in what would be one
      // batch, read in parts of a few megabytes, each well within the default deadline and the
      // statement timeout (docs/performance.md, "The CSV export").
      it('keeps every character in the CSV, and every run once, within the default deadline', async () => {
        const res = await get('/admin/executions/export.csv');
        expect(res.status).toBe(200);
        const csv = await res.text();
        expect(csv).toContain(error);
        expect(csv).toContain(title);
        for (const run of fixtureRuns()) {
          expect(csv.split(run.id).length - 1, run.id).toBe(1);
        }
      });

      it('refuses a failure filter Postgres could not compare, by its field, never a 500 — HEAD too', async () => {
        for (const path of [
          '/admin/executions?tool=%00',
          '/admin/executions?error=a%00b',
          '/admin/executions/failures?error=%00',
          '/admin/executions/export.csv?tool=x%00',
          '/admin/executions?tool=%1B&error=x',
        ]) {
          for (const method of ['GET', 'HEAD']) {
            const res = await get(path, method);
            expect(res.status, `${method} ${path}`).toBe(200);
          }
          if (!path.includes('export.csv')) {
            expect(await (await get(path)).text(), path).toContain('That failure filter could not be used');
          }
        }
      });
    },
  );
}
