import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../src/csv-export.js';
import { parseCsv } from './support/csv.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { AGENT, fixtureRuns, insertFixture, ORG_A, XSS } from './support/fixture.js';
import { createTestHost, ORG_HEADER, parseDocument } from './support/test-host.js';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['with, comma', '"with, comma"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['a=1', 'a=1'],
    ['', ''],
  ])('writes %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `Download CSV on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let app: ReturnType<typeof createTestHost>;
      beforeAll(async () => {
        database = await target.open();
        await insertFixture(database.db);
        app = createTestHost(database.db);
      });
      afterAll(() => database?.dispose());
      const get = (path: string) => app.request(path, { headers: { [ORG_HEADER]: ORG_A } });

      it('is linked from the list with the same filters, and nothing else', async () => {
        const doc = parseDocument(await (await get('/admin/executions?status=failed&page=2')).text());
        const link = [...doc.querySelectorAll('a')].find((a) => a.textContent?.trim() === 'Download CSV');
        expect(link?.getAttribute('href')).toBe('/admin/executions/export.csv?status=failed');
      });

      it('streams every matching run, newest first, as a spreadsheet reads it', async () => {
        const res = await get('/admin/executions/export.csv?status=failed');
        expect(res.status).toBe(200);
        expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
        expect(res.headers.get('Content-Disposition')).toMatch(/^attachment; filename="executions-\d{4}-\d{2}-\d{2}\.csv"$/);
        const [header, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
        expect(header).toEqual(['Agent', 'Schedule', 'Date/Time', 'Status', 'Credits', 'Error', 'Execution ID', 'Conversation ID']);
        const failed = fixtureRuns().filter((r) => r.status === 'failed');
        expect(rows.map((r) => r[6])).toEqual(failed.map((r) => r.id));
        expect(rows.every((r) => r[3] === 'Failed')).toBe(true);
        // Hostile text comes back exactly, as data.
        expect(rows[0]?.[5]).toBe(XSS.error);
        expect(rows.some((r) => r[1] === XSS.title)).toBe(true);
      });

      it('never includes other channels or another organization', async () => {
        const body = await (await get('/admin/executions/export.csv')).text();
        expect(parseCsv(body)).toHaveLength(fixtureRuns().length + 1);
        expect(body).not.toContain('must not appear');
        expect(body).not.toContain('Org B');
      });

      it('ignores an agent of another organization, as the list does', async () => {
        const body = await (await get(`/admin/executions/export.csv?agent=${AGENT.orgB}`)).text();
        expect(parseCsv(body)).toHaveLength(fixtureRuns().length + 1);
      });

      it('needs an organization', async () => {
        expect((await app.request('/admin/executions/export.csv')).status).toBe(401);
      });
    },
  );
}
