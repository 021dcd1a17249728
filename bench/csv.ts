/**
 * `npm run bench:csv [-- --search 'start=2025-01-01&end=2025-03-31'] [-- --gzip]`: the CSV export
 * alone, against the database `npm run bench` seeded (it neither seeds nor migrates it): rows/s,
 * the server's RSS and who used the CPU — the server, Postgres's backends, this client.
 */
import { parseArgs } from 'node:util';
import { csvExport, formatShares, startServer, stopServer } from './harness.js';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'xa_bench' },
    search: { type: 'string', default: '' },
    gzip: { type: 'boolean', default: false },
  },
});
const databaseName = values.database;
if (!/^[a-z_][a-z0-9_]*$/.test(databaseName)) throw new Error('--database takes a plain lower-case name');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();

const { origin, child } = await startServer(benchUrl);
try {
  const c = await csvExport(origin, child.pid!, databaseName, values.gzip, values.search);
  console.log(
    `CSV ${c.encoding}${values.search ? ` ?${values.search}` : ''}: ${c.rows.toLocaleString('en')} rows in ${c.seconds.toFixed(1)} s, ` +
      `${Math.round(c.rowsPerSecond).toLocaleString('en')} rows/s, ${c.megabytes.toFixed(0)} MB sent, server RSS ${c.rssBeforeMb.toFixed(0)} → ${c.rssPeakMb.toFixed(0)} MB`,
  );
  console.log(`${formatShares(c.cpu)}.`);
} finally {
  await stopServer(child);
}
