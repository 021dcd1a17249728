/**
 * The schema as a distributed Postgres (Citus) needs it, distributed by organization_id, checked
 * from a migrated database's catalog: every table of the module's schema carries organization_id,
 * and every primary key, unique constraint or index and foreign key includes it — on both sides
 * of a foreign key, so that the rows it joins live on the same node. Citus itself cannot run here;
 * these are the rules its documentation gives for co-located distributed tables.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_TABLE } from '../src/db/database.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { select } from './support/select.js';

const DISTRIBUTION_COLUMN = 'organization_id';

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `the schema distributes by organization on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await target.open();
      });
      afterAll(async () => {
        await database?.dispose();
      });

      it('gives every table the organization column', async () => {
        const tables = await select(
          database.db,
          sql`select c.relname as name,
                     exists (select 1 from pg_attribute a
                              where a.attrelid = c.oid and a.attname = ${DISTRIBUTION_COLUMN} and not a.attisdropped) as has
                from pg_class c
               where c.relnamespace = 'executions_admin'::regnamespace and c.relkind in ('r', 'p')
                 and c.relname <> ${MIGRATIONS_TABLE}`,
        );
        expect(tables.length).toBeGreaterThan(5);
        expect(tables.filter((t) => t.has !== true).map((t) => t.name)).toEqual([]);
      });

      it('includes the organization in every primary, unique and foreign key, on both sides', async () => {
        const keys = await select(
          database.db,
          sql`select c.conname as name, c.contype as kind,
                     ${DISTRIBUTION_COLUMN} = any (array(select a.attname::text from pg_attribute a
                                                          where a.attrelid = c.conrelid and a.attnum = any (c.conkey))) as own,
                     c.contype <> 'f' or ${DISTRIBUTION_COLUMN} = any (array(select a.attname::text from pg_attribute a
                                                          where a.attrelid = c.confrelid and a.attnum = any (c.confkey))) as referenced
                from pg_constraint c join pg_class t on t.oid = c.conrelid
               where t.relnamespace = 'executions_admin'::regnamespace and c.contype in ('p', 'u', 'f')
                 and t.relname <> ${MIGRATIONS_TABLE}`,
        );
        expect(keys.some((k) => k.kind === 'f')).toBe(true);
        expect(keys.filter((k) => k.own !== true || k.referenced !== true).map((k) => k.name)).toEqual([]);

        const uniqueIndexes = await select(
          database.db,
          sql`select i.indexrelid::regclass::text as name
                from pg_index i join pg_class t on t.oid = i.indrelid
               where t.relnamespace = 'executions_admin'::regnamespace and i.indisunique
                 and t.relname <> ${MIGRATIONS_TABLE}
                 and not exists (select 1 from pg_attribute a
                                  where a.attrelid = i.indrelid and a.attnum = any (i.indkey) and a.attname = ${DISTRIBUTION_COLUMN})`,
        );
        expect(uniqueIndexes.map((i) => i.name)).toEqual([]);
      });
    },
  );
}
