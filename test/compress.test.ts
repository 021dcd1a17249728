/**
 * Pages gzipped around the stylesheet deflated once (src/http/compress.ts): whatever surrounds it,
 * the stream decodes to exactly the page, with a valid CRC and length, and no larger than
 * gzipping the whole page at level 4 made it. Streamed bodies (the CSV export) are compressed as
 * they are read, and read no further ahead of the client than a few chunks. The coding, for pages
 * and the static script alike, is chosen from Accept-Encoding as hono's compress() chooses it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { brotliDecompressSync, constants, deflateRawSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { Hono } from 'hono';
import { compress as honoCompress } from 'hono/compress';
import { describe, expect, it } from 'vitest';
import { negotiateEncoding } from '../src/http/accept-encoding.js';
import { loadAssets, pickEncoding } from '../src/http/assets.js';
import { compress, gzipAround, precompress, renderHtml } from '../src/http/compress.js';
import { spawnScript } from './support/child-process.js';

const STYLESHEET = '.xa{color:#0b0c0c}.xa-table th,.xa-table td{padding:.5rem .75rem;border-bottom:1px solid #b1b4b6}'.repeat(40);

/** Text like a page's: markup with hostile and non-ASCII text, from a few bytes to over 64 KB. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ maxLength: 600 }),
  fc
    .array(fc.constantFrom('<tr><td>Lead Qualifier</td>', '<td>29/11/2026 08:57 — ‹x›</td>', '&amp;', '\u0000', '😀', ' '), {
      maxLength: 3000,
    })
    .map((parts) => parts.join('')),
);

describe('gzip around the inlined stylesheet', () => {
  const piece = precompress(STYLESHEET);

  it('decodes to exactly the page, whatever comes before and after the stylesheet', () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        const bytes = Buffer.from(before + STYLESHEET + after);
        const at = bytes.indexOf(piece.bytes);
        const gzipped = gzipAround(bytes, at, piece);
        expect(gzipped).not.toBeNull();
        // gunzip checks the CRC-32 and the length in the trailer.
        expect(gunzipSync(gzipped!).equals(bytes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('handles a head of any length: stored when short, deflated when long', () => {
    for (const headLength of [0, 1, 511, 512, 513, 5000, 70_000]) {
      const bytes = Buffer.from(`${'h'.repeat(headLength)}${STYLESHEET}<p>after</p>`);
      expect(gunzipSync(gzipAround(bytes, headLength, piece)!).equals(bytes)).toBe(true);
    }
    const atEnd = Buffer.from(`<style>${STYLESHEET}`);
    expect(gunzipSync(gzipAround(atEnd, 7, piece)!).equals(atEnd)).toBe(true);
  });

  it('is what the module sends for its full pages, and no larger than level 4 on the whole page', async () => {
    // The module's own stylesheet, around twenty rows of distinct runs.
    const { css } = loadAssets({ serveHtmx: true });
    const rows = Array.from({ length: 20 }, (_, i) => {
      const id = createHash('sha256').update(String(i)).digest('hex');
      const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
      return `<tr><td>Agent ${i % 7}</td><td>Schedule ${(i * 37) % 11}</td><td class="xa-nowrap"><time datetime="2026-11-${10 + (i % 19)}T0${i % 10}:${10 + i}:07.${100 + i}Z">${10 + (i % 19)}/11/2026 0${i % 10}:${10 + i}</time></td><td><strong class="xa-tag xa-tag--blue">Completed</strong></td><td class="xa-numeric">${(i * 1.37).toFixed(2)}</td><td><a id="xa-view-${uuid}" href="/admin/executions/conversations/${uuid}?page=${i}">View conversation: Schedule ${(i * 37) % 11}</a></td></tr>`;
    });
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"/><title>Executions</title><style>${css}</style></head><body><table>${rows.join('')}</table></body></html>`;
    const app = new Hono();
    app.use('*', compress({ stylesheet: css }));
    app.get('/', (c) => renderHtml(c, page));
    const res = await app.request('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('Content-Encoding')).toBe('gzip');
    const body = Buffer.from(await res.arrayBuffer());
    expect(gunzipSync(body).toString()).toBe(page);
    // The stylesheet's blocks as deflated once, spliced in.
    expect(body.includes(deflateRawSync(css, { level: 9, finishFlush: constants.Z_SYNC_FLUSH }))).toBe(true);
    expect(body.length).toBeLessThanOrEqual(gzipSync(page, { level: 4 }).length);
  });

  it('holds the stylesheet as a one-byte string, so that a page around it is one-byte too (docs/performance.md)', async () => {
    const child = spawnScript('test/support/string-representation.ts', {}, ['--allow-natives-syntax']);
    await child.exited;
    const held = (name: string) => child.output().match(new RegExp(`\\[String\\]: (u?)"${name}`))?.[1];
    // The probe tells the two apart: a string with a character beyond Latin-1 is two-byte.
    expect(held('control'), child.output()).toBe('u');
    expect(held('stylesheet'), child.output()).toBe('');
  });

  it('gzips a page without the stylesheet (a fragment) whole', async () => {
    const app = new Hono();
    app.use('*', compress({ stylesheet: STYLESHEET }));
    const fragment = '<table>' + '<tr><td>x</td></tr>'.repeat(200) + '</table>';
    app.get('/', (c) => renderHtml(c, fragment));
    const res = await app.request('/', { headers: { 'Accept-Encoding': 'gzip' } });
    const body = Buffer.from(await res.arrayBuffer());
    expect(gunzipSync(body).toString()).toBe(fragment);
    expect(body.equals(gzipSync(fragment, { level: 4 }))).toBe(true);
  });

  it('sends a fragment as brotli when the client takes it, and a page gzipped still', async () => {
    const app = new Hono();
    app.use('*', compress({ stylesheet: STYLESHEET }));
    const fragment = '<table>' + '<tr><td>x</td></tr>'.repeat(200) + '</table>';
    const page = `<!doctype html><style>${STYLESHEET}</style>${fragment}`;
    app.get('/fragment', (c) => renderHtml(c, fragment));
    app.get('/page', (c) => renderHtml(c, page));
    const headers = { 'Accept-Encoding': 'gzip, deflate, br, zstd' };
    const res = await app.request('/fragment', { headers });
    expect(res.headers.get('Content-Encoding')).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(fragment);
    const whole = await app.request('/page', { headers });
    expect(whole.headers.get('Content-Encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await whole.arrayBuffer())).toString()).toBe(page);
  });
});

/** Accept-Encoding headers as clients write them, and as they might: odd case, spacing, q-values. */
const acceptEncoding = fc.oneof(
  fc
    .array(
      fc
        .tuple(
          fc.constantFrom('gzip', 'deflate', 'br', 'zstd', 'identity', '*', 'GZIP', 'Deflate', 'x-gzip', ''),
          fc.constantFrom(
            undefined,
            'q=0',
            'q=0.000',
            'q=0.001',
            'q=0.5',
            'q=0.8',
            'q=1',
            'q=1.0',
            'Q=0',
            'q=abc',
            'q=-1',
            'q=2',
            'level=1;q=0',
            'q="0.5"',
          ),
          fc.constantFrom('', ' '),
        )
        .map(([coding, q, space]) => (q ? `${coding}${space};${space}${q}` : coding)),
      { maxLength: 5 },
    )
    .map((parts) => parts.join(', ')),
  fc.string({ maxLength: 30 }),
);

describe('choosing a content coding from Accept-Encoding', () => {
  it('chooses for pages and fragments as hono’s compress() does, whatever the header', async () => {
    const body = 'x'.repeat(2000);
    const ours = new Hono().use('*', compress()).get('/', (c) => c.text(body));
    const hono = new Hono().use('*', honoCompress()).get('/', (c) => c.text(body));
    await fc.assert(
      fc.asyncProperty(fc.option(acceptEncoding, { nil: undefined }), async (header) => {
        const headers = header === undefined ? undefined : { 'Accept-Encoding': header };
        const [a, b] = await Promise.all([ours.request('/', { headers }), hono.request('/', { headers })]);
        expect(a.headers.get('Content-Encoding')).toBe(b.headers.get('Content-Encoding'));
        await Promise.all([a.arrayBuffer(), b.arrayBuffer()]);
      }),
      { numRuns: 300 },
    );
  });

  it('weighs q-values, then the server’s order; `*` for codings not named; unknown codings and identity choose nothing', () => {
    const cases: [string | undefined, 'br' | 'gzip' | undefined][] = [
      [undefined, undefined],
      ['', undefined],
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip, deflate', 'gzip'],
      ['BR', 'br'],
      ['br;q=0, gzip', 'gzip'],
      ['br;q=0.000, gzip;q=0', undefined],
      ['br;Q=0, gzip', 'gzip'],
      ['br;q=0.5, gzip', 'gzip'],
      ['br;q=0.5, gzip;q=0.8', 'gzip'],
      ['br;q=0.8, gzip;q=0.8', 'br'],
      ['gzip;q=0.001', 'gzip'],
      ['*', 'br'],
      ['*;q=0', undefined],
      ['*, br;q=0', 'gzip'],
      ['*;q=0.5, gzip;q=0.4', 'br'],
      ['identity', undefined],
      ['identity;q=0', undefined],
      ['zstd, compress, x-gzip', undefined],
      ['zstd, gzip;q=0.2', 'gzip'],
    ];
    for (const [header, expected] of cases) {
      expect(negotiateEncoding(header, ['br', 'gzip']), String(header)).toBe(expected);
      // The script's copies: the same choice, or the uncompressed one.
      expect(pickEncoding(header), String(header)).toBe(expected ?? 'identity');
    }
  });
});

/** A streamed text/csv body of the given chunks, counting how many the server has pulled. */
function streamingApp(chunks: Uint8Array[], failAt = -1) {
  const app = new Hono();
  app.use('*', compress());
  const pulled = { count: 0 };
  app.get('/', (c) => {
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled.count += 1;
        if (i === failAt) controller.error(new Error('the database went away'));
        else if (i < chunks.length) controller.enqueue(chunks[i++]!);
        else controller.close();
      },
    });
    return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });
  return { app, pulled };
}

describe('compressing a streamed body', () => {
  it('decodes to exactly the bytes streamed, gzip and deflate, however they are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40_000 }), { maxLength: 12 }),
        fc.constantFrom('gzip', 'deflate'),
        async (chunks, encoding) => {
          const { app } = streamingApp(chunks);
          const res = await app.request('/', { headers: { 'Accept-Encoding': encoding } });
          expect(res.headers.get('Content-Encoding')).toBe(encoding);
          const body = Buffer.from(await res.arrayBuffer());
          const decoded = encoding === 'gzip' ? gunzipSync(body) : inflateSync(body);
          expect(decoded.equals(Buffer.concat(chunks))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads no further ahead than a few chunks while the client does not read', async () => {
    // 1 MB chunks that do not compress, so that each one read is a megabyte held until the client
    // takes it: a pipe that reads ahead would pull all 200. (Text that compresses well is read
    // further, its output being smaller, but no more than about zlib's 16 KB of it is held.)
    const chunk = new Uint8Array(randomBytes(1 << 20));
    const { app, pulled } = streamingApp(Array(200).fill(chunk));
    const res = await app.request('/', { headers: { 'Accept-Encoding': 'gzip' } });
    const reader = res.body!.getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pulled.count).toBeLessThanOrEqual(4);
    let compressedBytes = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) compressedBytes += r.value.length;
    expect(pulled.count).toBe(201);
    expect(compressedBytes).toBeGreaterThan(0);
  });

  it('ends the compressed body with an error when the streamed body fails', async () => {
    const { app } = streamingApp([new Uint8Array(5000).fill(65), new Uint8Array(5000).fill(66)], 1);
    const res = await app.request('/', { headers: { 'Accept-Encoding': 'gzip' } });
    await expect(res.arrayBuffer()).rejects.toThrow();
  });
});
