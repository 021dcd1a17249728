/**
 * The module alone, as the benchmark drives it: real Postgres, signed in as the benchmark
 * organization, in its own process so its memory can be measured.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { connectPostgres } from '../src/database.js';
import { createExecutionsAdmin, type ExecutionsAdminEnv } from '../src/executions-admin.js';
import { BENCH_ORGANIZATION } from './seed-large.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required');
// BENCH_POOL_MAX sizes the connection pool as a host would for its machine (default: the module's 10).
const { db } = connectPostgres(url, process.env.BENCH_POOL_MAX ? { max: Number(process.env.BENCH_POOL_MAX) } : {});
const app = new Hono<ExecutionsAdminEnv>();
app.use('*', async (c, next) => {
  c.set('organizationId', BENCH_ORGANIZATION);
  await next();
});
app.route('/admin/executions', createExecutionsAdmin({ db }));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
// A clean exit, so that a --cpu-prof profile gets written.
process.on('SIGTERM', () => process.exit(0));
