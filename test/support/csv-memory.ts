/**
 * Run as a child process with --expose-gc (spawnScript): serves the module over HTTP on real
 * Postgres at XA_DATABASE_URL (as test-host.ts does) and downloads XA_PATH from itself as
 * XA_ORGANIZATION, with XA_ACCEPT_ENCODING if set (a gzipped body is counted as it decodes).
 * After XA_STALL_AT bytes it stops reading for XA_STALL_MS, as a slow client would, so that an
 * export that does not wait for its reader piles up what it reads.
 * It forces a full collection and prints `<label> <bytes received> <heapUsed> <arrayBuffers>`,
 * labelled `sample` before the first byte and after every XA_SAMPLE_BYTES, `stalled` as the
 * stall begins and `resumed` as it ends, then `done <bytes> <lines>`.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';
import { serve } from '@hono/node-server';
import { connectPostgres } from '../../src/db/database.js';
import { createTestHost, ORG_HEADER } from './test-host.js';

const { gc } = globalThis as { gc?: () => void };
if (!gc) throw new Error('start with --expose-gc');
const url = process.env.XA_DATABASE_URL;
const organizationId = process.env.XA_ORGANIZATION;
const path = process.env.XA_PATH;
const acceptEncoding = process.env.XA_ACCEPT_ENCODING;
const sampleBytes = Number(process.env.XA_SAMPLE_BYTES ?? 1_000_000);
const stallAt = Number(process.env.XA_STALL_AT ?? 8_000_000);
const stallMs = Number(process.env.XA_STALL_MS ?? 10_000);
if (!url || !organizationId || !path) throw new Error('XA_DATABASE_URL, XA_ORGANIZATION and XA_PATH are required');

// What is measured here is memory, not time: on a loaded CI machine the export's first part once
// passed the 2 s statement timeout and the export answered 503 with nothing to measure. Time
// bounds are for the suites that prove them (bounded-list's CSV runs with the defaults).
const database = connectPostgres(url, { statementTimeout: 30_000 });
const host = createTestHost(database.db, undefined, { deadlineMs: 30_000 });
let server: ReturnType<typeof serve> | undefined;
const port = await new Promise<number>((resolve) => {
  server = serve({ fetch: host.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
});

const sample = (bytes: number, label = 'sample') => {
  gc();
  const memory = process.memoryUsage();
  console.log(`${label} ${bytes} ${memory.heapUsed} ${memory.arrayBuffers}`);
};

const { bytes, lines } = await new Promise<{ bytes: number; lines: number }>((resolve, reject) => {
  const headers = { [ORG_HEADER]: organizationId, ...(acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {}) };
  request({ host: '127.0.0.1', port, path, headers }, (res) => {
    if (res.statusCode !== 200) {
      reject(new Error(`the export answered ${res.statusCode}`));
      return;
    }
    if (acceptEncoding && res.headers['content-encoding'] !== acceptEncoding) {
      reject(new Error(`asked for ${acceptEncoding}, got ${res.headers['content-encoding'] ?? 'identity'}`));
      return;
    }
    // Pausing the decoder holds the response back too: pipe() waits for it to drain.
    const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
    let bytes = 0;
    let lines = 0;
    let next = sampleBytes;
    let stalled = false;
    sample(0);
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
      if (bytes >= next) {
        sample(bytes);
        next += sampleBytes;
      }
      if (!stalled && bytes >= stallAt) {
        stalled = true;
        body.pause();
        sample(bytes, 'stalled');
        setTimeout(() => {
          sample(bytes, 'resumed');
          body.resume();
        }, stallMs);
      }
    });
    body.on('end', () => resolve({ bytes, lines }));
    body.on('error', reject);
    res.on('error', reject);
  })
    .on('error', reject)
    .end();
});
console.log(`done ${bytes} ${lines}`);
server?.close();
await database.close();
