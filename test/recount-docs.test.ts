/**
 * docs/scaling.md's "Recounting an organization", run as written there: its query lists no
 * organization while the counts agree, lists the one whose counts by organization were changed
 * behind the triggers' back, and none again after its recount (the statements between BEGIN and
 * COMMIT, in one transaction).
 */
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { insertFixture, ORG_A } from './support/fixture.js';
import { select } from './support/select.js';

const docs = await readFile(new URL('../docs/scaling.md', import.meta.url), 'utf8');
const section = docs.slice(docs.indexOf('## Recounting an organization'));
const [recount, drift] = [...section.slice(0, section.indexOf('\n## ', 1)).matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
/** The statements of the recount inside its transaction, for ORG_A. */
const recountStatements = recount!
  .split(';')
  .map((s) => s.trim())
  .filter((s) => s !== '' && s !== 'BEGIN' && s !== 'COMMIT')
  .map((s) => s.replace("'org_123'", `'${ORG_A}'`));

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `recounting an organization on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open();
        await insertFixture(database.db);
      }, 120_000);
      afterAll(() => database?.dispose());

      const drifted = async () => (await select(database.db, sql.raw(drift!))).map((row) => String(row.organization_id));

      it('finds the organization whose counts drifted, and recounts it', async () => {
        expect(recountStatements).toEqual([
          'LOCK TABLE executions_admin.xa_executions IN SHARE MODE',
          `SELECT executions_admin.xa_recount('${ORG_A}')`,
        ]);
        expect(await drifted()).toEqual([]);
        await database.db.execute(sql`update executions_admin.xa_execution_org_daily_counts set runs = runs + 1
          where organization_id = ${ORG_A} and day = (select min(day) from executions_admin.xa_execution_org_daily_counts
            where organization_id = ${ORG_A})`);
        expect(await drifted()).toEqual([ORG_A]);
        await database.db.transaction(async (tx) => {
          for (const statement of recountStatements) await tx.execute(sql.raw(statement));
        });
        expect(await drifted()).toEqual([]);
      });
    },
  );
}
