/**
 * The module alone, as the benchmark drives it: real Postgres, signed in as the benchmark
 * organization, in its own process so its memory can be measured.
 */
import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { connectPostgres } from '../src/db/database.js';
import { createExecutionsAdmin, type ExecutionsAdminEnv } from '../src/http/executions-admin.js';
import type { ExecutionsAdminOptions } from '../src/http/options.js';
import { BENCH_ORGANIZATION } from './seed-large.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required');
// The connection pool sized as a host would for its machine: two per core (BENCH_POOL_MAX to
// change it). On this 2-core machine, with Postgres on the same cores, the mixed load at 10M runs
// went from 245–269 requests/s with the module's default of 10 to 282–343 with 3 or 4: queries on
// a busy connection are pipelined, several to a write, and fewer backends contend for the cores.
const { db } = connectPostgres(url, { max: Number(process.env.BENCH_POOL_MAX ?? 2 * cpus().length) });
const app = new Hono<ExecutionsAdminEnv>();
app.use('*', async (c, next) => {
  c.set('organizationId', BENCH_ORGANIZATION);
  await next();
});
// bench/bulk.ts: a stub scheduler whose Run again takes BENCH_ACTION_MS and writes each call's key,
// as it starts, to BENCH_ACTION_LOG; BENCH_BULK_JOBS the jobs' pace (JSON of the `bulkJobs` option).
const actionMs = process.env.BENCH_ACTION_MS;
const actionLog = process.env.BENCH_ACTION_LOG;
const actions: Partial<ExecutionsAdminOptions> =
  actionMs === undefined
    ? {}
    : {
        user: () => ({ id: 'bench' }),
        canAct: () => true,
        actions: {
          async runAgain(_run, ctx) {
            if (actionLog) appendFileSync(actionLog, `${ctx.key}\n`);
            await new Promise((resolve) => setTimeout(resolve, Number(actionMs)));
          },
        },
        bulkJobs: JSON.parse(process.env.BENCH_BULK_JOBS ?? '{}') as ExecutionsAdminOptions['bulkJobs'],
      };
app.route('/admin/executions', createExecutionsAdmin({ db, ...actions }));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
// A clean exit, so that a --cpu-prof profile gets written.
process.on('SIGTERM', () => process.exit(0));
