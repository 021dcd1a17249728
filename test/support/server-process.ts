/**
 * Run as a child process (spawnScript): serves the module over HTTP on a free loopback port,
 * on real Postgres at XA_DATABASE_URL with the module's default timeouts, and prints
 * `listening <origin>`. XA_APP picks the host: `test-host` (organization from a header, as in
 * test-host.ts) or `demo` (the demo host, signed in as the demo organization). XA_REFRESH_SECONDS
 * sets the test host's live-refresh interval, for a browser watching it poll. With
 * XA_SAMPLE_MS it prints `sample <rss bytes> <cpu µs> <V8 heap bytes>` at that interval, so a test
 * can watch this process's own memory and CPU.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { connectPostgres } from '../../src/db/database.js';
import { createDemoApp } from '../../src/demo/host-app.js';
import { DEMO_ORGANIZATION_ID } from '../../src/demo/seed.js';
import { createTestHost } from './test-host.js';

const url = process.env.XA_DATABASE_URL;
if (!url) throw new Error('XA_DATABASE_URL is not set');
const database = connectPostgres(url);
const app =
  process.env.XA_APP === 'demo'
    ? createDemoApp(database.db, { id: DEMO_ORGANIZATION_ID, name: 'Acme Robotics' })
    : createTestHost(
        database.db,
        undefined,
        process.env.XA_REFRESH_SECONDS ? { refreshSeconds: Number(process.env.XA_REFRESH_SECONDS) } : {},
      );

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  console.log(`listening http://127.0.0.1:${info.port}`);
});

const sampleMs = Number(process.env.XA_SAMPLE_MS ?? 0);
if (sampleMs > 0) {
  setInterval(() => {
    const cpu = process.cpuUsage();
    const { rss, heapTotal } = process.memoryUsage();
    console.log(`sample ${rss} ${cpu.user + cpu.system} ${heapTotal}`);
  }, sampleMs);
}

// Started with --expose-gc: on SIGUSR2, a full collection, then `gc <rss> <V8 heap> <live JS>` in bytes.
const { gc } = globalThis as { gc?: () => void };
if (gc) {
  process.on('SIGUSR2', () => {
    gc();
    const { rss, heapTotal, heapUsed } = process.memoryUsage();
    console.log(`gc ${rss} ${heapTotal} ${heapUsed}`);
  });
}

process.on('SIGTERM', () => {
  server.close();
  void database.close().then(() => process.exit(0));
});
