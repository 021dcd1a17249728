/**
 * A statement run by its shape (src/db/prepared.ts, runByShape) is built once per shape and runs on
 * the database and on its transactions alike: the failure digest reads a range in parts inside a
 * transaction of its own, where a query prepared by drizzle on that transaction was built anew at
 * every read.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { runByShape } from '../src/db/prepared.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `statements by shape on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open({ migrated: false });
      });
      afterAll(() => database?.dispose());

      it('builds a shape once, then runs it on the database and in transactions with each call’s values', async () => {
        let builds = 0;
        const shape = `run-by-shape test ${target.name}`;
        const build = (db: ExecutionsDatabase) => {
          builds += 1;
          return db
            .select({
              doubled: sql<number>`${sql.placeholder('n')}::int * 2`.mapWith(Number),
              setting: sql<string | null>`nullif(current_setting('xa.run_by_shape', true), '')`,
            })
            .from(sql`(select 1) as one`);
        };
        const run = (db: ExecutionsDatabase, n: number) =>
          runByShape(db, shape, build, { n }) as Promise<{ doubled: number; setting: string | null }[]>;

        expect(await run(database.db, 1)).toEqual([{ doubled: 2, setting: null }]);
        const inTransactions = await Promise.all(
          [2, 3].map((n) =>
            database.db.transaction(async (tx) => {
              // As withLocalSettings: a setting for this transaction alone, which the read must see.
              await tx.execute(sql`select set_config('xa.run_by_shape', ${`tx ${n}`}, true)`);
              return run(tx, n);
            }),
          ),
        );
        expect(inTransactions).toEqual([[{ doubled: 4, setting: 'tx 2' }], [{ doubled: 6, setting: 'tx 3' }]]);
        expect(await run(database.db, 4)).toEqual([{ doubled: 8, setting: null }]);
        expect(builds).toBe(1);
      });
    },
  );
}
