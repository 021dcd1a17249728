/**
 * The schema as a distributed Postgres (Citus) needs it, distributed by organization_id, checked
 * from a migrated database's catalog: every table of the module's schema carries organization_id,
 * and every primary key, unique constraint or index and foreign key includes it — on both sides
 * of a foreign key, so that the rows it joins live on the same node. And from the statements a
 * Postgres server saw (pg_stat_statements, on a cluster of the test's own): every statement that
 * reads or writes a module table while the demo is seeded through the write API and every page,
 * fragment, poll, download and export is served names organization_id, as Citus needs to route it
 * to one node. Citus itself cannot run here; these are the rules its documentation gives for
 * co-located distributed tables.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, MIGRATIONS_TABLE, type OpenDatabase } from '../src/db/database.js';
import { createDemoApp } from '../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID, seedDemo } from '../src/demo/seed.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { clusterSkipReason, createCluster, type PostgresCluster } from './support/postgres-cluster.js';
import { select } from './support/select.js';
import { htmxHeaders } from './support/test-host.js';

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

/** A statement that reads or writes one of the module's tables (a function call's own statements are seen apart). */
const touchesTable = /\b(from|join|into|update)\s+("?executions_admin"?\.)?"?xa_\w+/i;
/** What only a migration, a test's setup or the statistics collector sends. */
const notTheModulesWork =
  /^\s*(create|alter|drop|comment|analyze|vacuum|set|select pg_|with recursive)|pg_catalog|__executions_admin_migrations/i;

describe.skipIf(clusterSkipReason !== null)(
  `every statement the module sends names the organization${clusterSkipReason ? ` (skipped: ${clusterSkipReason})` : ''}`,
  () => {
    let cluster: PostgresCluster;
    let database: OpenDatabase;

    beforeAll(async () => {
      cluster = await createCluster({ shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' });
      // Time is not under test: the demo's seeding, a batch of hundreds of steps a statement, once
      // overran the default statement timeout with every core busy.
      database = connectPostgres(cluster.url(), { statementTimeout: 30_000 });
      await database.migrate();
      await database.db.execute(sql`create extension pg_stat_statements`);
      await database.db.execute(sql`select pg_stat_statements_reset()`);
    }, 180_000);

    afterAll(async () => {
      await database?.close();
      await cluster?.dispose();
    });

    it('seeds through the write API and serves every kind of request with organization_id in each statement', async () => {
      await seedDemo(database.db, { runs: 300 });
      const app = createDemoApp(database.db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' });
      const get = async (path: string, headers: Record<string, string> = {}) => {
        const response = await app.request(path, { headers });
        // A download of a part a run does not have is a 404: its statements were sent all the same.
        expect(response.status, path).toBeLessThan(path.includes('/conversations/') ? 500 : 400);
        return response.text();
      };
      const list = await get('/admin/executions');
      const agent = list.match(/<option value="([0-9a-f-]{36})"/)?.[1];
      const conversation = (await get('/admin/executions?status=failed')).match(/conversations\/([0-9a-f-]{36})/)?.[1];
      expect(agent && conversation).toBeTruthy();
      const next = list.match(/id="xa-page-next" class="xa-icon-link" href="([^"]+)"/)?.[1]?.replaceAll('&amp;', '&');
      for (const path of [
        `/admin/executions?status=failed&agent=${agent}&start=2026-01-01`,
        '/admin/executions?agent=removed&spikes=1',
        '/admin/executions?page=3',
        next!,
        '/admin/executions/failures',
        '/admin/executions/export.csv?status=completed',
        `/admin/executions/conversations/${conversation}`,
        `/admin/executions/conversations/${conversation}/error`,
        `/admin/executions/conversations/${conversation}/steps/1/input`,
      ])
        await get(path, path.includes('conversations/') ? {} : htmxHeaders);
      const poller = list.match(/id="xa-refresh"[^>]* hx-get="([^"]+)"/)?.[1]?.replaceAll('&amp;', '&');
      if (poller) await get(poller, { ...htmxHeaders, 'X-Executions-Refresh': 'true' });
      // The demo user's saved views: saved, listed, renamed, deleted.
      const form = (path: string, fields: Record<string, string>) =>
        app.request(`/admin/executions${path}`, {
          method: 'POST',
          headers: { 'Sec-Fetch-Site': 'same-origin' },
          body: new URLSearchParams({ csrf: list.match(/name="csrf" value="([^"]+)"/)![1]!, query: 'status=failed', ...fields }),
        });
      expect((await form('/views', { name: 'Failed', shared: '1' })).status).toBe(303);
      const view = (await get('/admin/executions')).match(/action="\/admin\/executions\/views\/([0-9a-f-]{36})\/rename"/)![1];
      expect((await form(`/views/${view}/rename`, { name: 'Failures' })).status).toBe(303);
      expect((await form(`/views/${view}/delete`, {})).status).toBe(303);

      const seen = await select(
        database.db,
        sql`select query from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())`,
      );
      const checked = seen.map((s) => String(s.query)).filter((q) => touchesTable.test(q) && !notTheModulesWork.test(q));
      expect(checked.length).toBeGreaterThan(20);
      expect(checked.filter((q) => !/organization_id/i.test(q))).toEqual([]);
    }, 180_000);
  },
);
