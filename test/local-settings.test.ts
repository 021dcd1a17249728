/**
 * A read with settings for its transaction alone (src/db/local-settings.ts, withLocalSettings) is
 * planned with them, though they are sent with it rather than before it; and they end with it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { withLocalSettings } from '../src/db/local-settings.js';
import { rowsOf } from '../src/db/raw-rows.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

/** How Postgres plans a grouping of many rows into few groups: hashed, unless hashing is off. */
async function groupingStrategy(db: ExecutionsDatabase): Promise<string> {
  const [row] = await rowsOf(db, sql`explain (format json) select g % 3, count(*) from generate_series(1, 100000) g group by 1`);
  const plan = row!['QUERY PLAN'];
  const [{ Plan }] = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: { Strategy: string } }];
  return Plan.Strategy;
}

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `settings for one read on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open({ migrated: false });
      });
      afterAll(() => database?.dispose());

      it('plans the read with the settings, and leaves the connection’s own as they were', async () => {
        expect(await groupingStrategy(database.db)).toBe('Hashed');
        expect(await withLocalSettings(database.db, { enable_hashagg: 'off' }, groupingStrategy)).toBe('Sorted');
        expect(await groupingStrategy(database.db)).toBe('Hashed');
      });
    },
  );
}
