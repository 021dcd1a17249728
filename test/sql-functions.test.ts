/**
 * drizzle/functions.sql, the module's SQL functions in one file: it holds exactly the functions the
 * migrations leave, with the bodies they leave, and migrating makes its bodies the live ones.
 * Definitions are compared as Postgres prints them back (pg_get_functiondef), so layout outside
 * a body does not count and anything inside one does.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyExecutionsAdminFunctions,
  connectPostgres,
  migrateExecutionsAdmin,
  readFunctionStatements,
  type ExecutionsDatabase,
} from '../src/db/database.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { migrateThrough } from './support/migrations.js';
import { select } from './support/select.js';

/** Definition by signature, e.g. `executions_admin.xa_recount(text)`. */
type Definitions = Record<string, string>;

/**
 * Every routine of the module's schema, and any xa_ routine elsewhere (one the file created outside
 * the schema, say), as Postgres prints it back.
 */
async function definitions(db: ExecutionsDatabase): Promise<Definitions> {
  const rows = await select(
    db,
    sql`select p.oid::regprocedure::text as signature, pg_get_functiondef(p.oid) as definition
          from pg_proc p
         where p.pronamespace = 'executions_admin'::regnamespace or p.proname like 'xa\_%'
         order by 1`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.signature), String(r.definition)]));
}

/**
 * The function each statement of the file defines, schema-qualified: one per statement, or the test
 * fails. Unqualified, a statement would create its function in whatever schema the host's
 * search_path names first.
 */
function functionNamesInFile(): string[] {
  return readFunctionStatements().map((statement) => {
    const created = [...statement.matchAll(/\bCREATE\s+(OR\s+REPLACE\s+)?FUNCTION\s+("?\w+"?\s*\.\s*)?"?(\w+)"?/gi)];
    expect(created, `one CREATE OR REPLACE FUNCTION in:\n${statement}`).toHaveLength(1);
    const [, orReplace, schema, name] = created[0]!;
    expect(orReplace, `CREATE without OR REPLACE fails on the second migrate:\n${statement}`).toBeDefined();
    expect(schema?.replace(/[\s".]/g, ''), `a function outside the module's schema:\n${statement}`).toBe('executions_admin');
    return `executions_admin.${name}`;
  });
}

const nameOf = (signature: string) => signature.slice(0, signature.indexOf('('));

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `drizzle/functions.sql on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      /** Migrated by migrateExecutionsAdmin, as a host migrates. */
      let migrated: TestDatabase;
      /** Migrated by the journal alone, then given the file. */
      let history: TestDatabase;
      let byMigrations: Definitions;
      let byFile: Definitions;

      beforeAll(async () => {
        // One at a time, so that afterAll drops the first when the second fails to open.
        history = await target.open({ migrated: false });
        migrated = await target.open();
        await migrateThrough(history.db);
        byMigrations = await definitions(history.db);
        await applyExecutionsAdminFunctions(history.db);
        byFile = await definitions(history.db);
      });
      afterAll(async () => {
        await Promise.all([migrated?.dispose(), history?.dispose()]);
      });

      it('defines each function the migrations leave, and no other', () => {
        const inFile = functionNamesInFile();
        expect(new Set(inFile).size, 'a function defined twice in the file').toBe(inFile.length);
        expect([...inFile].sort()).toEqual(Object.keys(byMigrations).map(nameOf).sort());
        // The file applied over the migrations added nothing either (an overload, say).
        expect(Object.keys(byFile)).toEqual(Object.keys(byMigrations));
      });

      it('gives each function the body the migrations leave it', () => {
        expect(Object.keys(byMigrations).length).toBeGreaterThan(0);
        expect(byFile).toEqual(byMigrations);
      });

      it('is what migrating leaves live', async () => {
        expect(await definitions(migrated.db)).toEqual(byFile);
      });

      it('is applied on every migrate, putting back a function changed by hand', async () => {
        for (const definition of Object.values(byFile)) {
          const at = definition.lastIndexOf('$function$');
          expect(at).toBeGreaterThan(0);
          await migrated.db.execute(sql.raw(`${definition.slice(0, at)}-- changed by hand\n${definition.slice(at)}`));
        }
        const changed = await definitions(migrated.db);
        for (const [signature, definition] of Object.entries(byFile)) expect(changed[signature]).not.toBe(definition);

        await migrateExecutionsAdmin(migrated.db);
        expect(await definitions(migrated.db)).toEqual(byFile);
      });

      // Instances migrating side by side need connections of their own: real Postgres only.
      if (target.name === 'postgres')
        it('lets instances started together migrate together', async () => {
          const instances = Array.from({ length: 4 }, () => connectPostgres(migrated.url!));
          try {
            for (let round = 0; round < 3; round += 1) await Promise.all(instances.map((instance) => instance.migrate()));
          } finally {
            await Promise.all(instances.map((instance) => instance.close()));
          }
          expect(await definitions(migrated.db)).toEqual(byFile);
        });
    },
  );
}
