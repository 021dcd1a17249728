/** What the failure digest groups by: errors with their particulars replaced, their meaning kept. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizations } from '../src/db/schema.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

const CASES: [string, string][] = [
  ['401 expired credential for user 123', '401 expired credential for user <n>'],
  [
    'google_sheets: 401 Unauthorized — OAuth token expired for a.b@c.com; reconnect',
    'google_sheets: 401 Unauthorized — OAuth token expired for <email>; reconnect',
  ],
  [
    'shopify: request timed out after 30000 ms (GET /admin/api/2024-01/x.json)',
    'shopify: request timed out after <n> ms (GET /admin/api/<n>-<n>/x.json)',
  ],
  ['HTTP 500 from api; retry 3 of 5', 'HTTP 500 from api; retry <n> of <n>'],
  ['status: 429 Too Many Requests (retry after 12.5 s)', 'status: 429 Too Many Requests (retry after <n> s)'],
  ['Run 5b8e2c1a-1111-2222-3333-444455556666 failed at 2026-11-28T10:00:00Z', 'Run <id> failed at <time>'],
  ['Unknown field "foo" in object 9f8e7d6c5b4a3f2e1d0c', 'Unknown field "…" in object <id>'],
  ['user 123 not found', 'user <n> not found'],
  ['x — 503 Service Unavailable', 'x — 503 Service Unavailable'],
  ['  spaced\n\tout  ', 'spaced out'],
  ['<script>alert(1)</script>', '<script>alert(<n>)</script>'],
];

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `error signatures on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open();
        await database.db.insert(organizations).values({ organizationId: 'sig', name: 'sig', timeZone: 'UTC' });
      });
      afterAll(() => database?.dispose());

      it.each(CASES)('%j → %j', async (message, expected) => {
        const [row] = await database.db
          .select({ s: sql<string>`executions_admin.xa_error_signature(${message})` })
          .from(organizations);
        expect(row?.s).toBe(expected);
      });

      it('cuts at 200 characters and keeps null as null', async () => {
        const [row] = await database.db
          .select({
            long: sql<string>`executions_admin.xa_error_signature(${'word '.repeat(100)})`,
            none: sql<null>`executions_admin.xa_error_signature(null)`,
          })
          .from(organizations);
        expect(row?.long).toHaveLength(200);
        expect(row?.none).toBeNull();
      });
    },
  );
}
