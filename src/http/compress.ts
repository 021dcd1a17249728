/**
 * Response compression, as hono's `compress()` does it — same conditions, same headers (Vary,
 * Content-Encoding, a weakened ETag), gzip preferred over deflate — but the module's own pages
 * and fragments, whose text is whole before the first byte is sent, are compressed in one
 * synchronous node:zlib call instead of through a CompressionStream. Under load, the web-stream
 * path (a full undici Response, the stream plumbing, a socket write per chunk) cost the server a
 * large share of its CPU. Anything else — the streamed CSV, a host renderer's output — still
 * streams, compressed as the client reads it (compressStream).
 *
 * Synchronous, not on libuv's thread pool: a page costs less CPU gzipped on the event loop than
 * handed to the pool and back (with zlib's state allocated afresh in a pool thread), and under the
 * mixed load the server spent less CPU per request for the same throughput, with a lower memory
 * peak. See docs/performance.md.
 */
// The namespace too: zlib.crc32 is missing before Node 20.15, where a named import would not link.
import * as zlib from 'node:zlib';
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { Readable, pipeline } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Context, MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';
import { HtmlEscapedCallbackPhase, resolveCallback } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { negotiateEncoding } from './accept-encoding.js';

type Encoding = 'gzip' | 'deflate';
const ENCODINGS: Encoding[] = ['gzip', 'deflate'];
/**
 * A fragment (the module's markup without the stylesheet: what a swap waits for) goes as brotli
 * when the client takes it: a fifth smaller than gzip for a fraction of a millisecond more, on the
 * path where a user on a slow link waits. Pages stay gzip, around the stylesheet deflated once.
 */
const FRAGMENT_ENCODINGS: (Encoding | 'br')[] = ['br', ...ENCODINGS];
/** Brotli's quality where it stops gaining on markup this size but for many times the CPU. */
const BROTLI_QUALITY = 5;
/**
 * Below zlib's default of 6: a page comes out slightly larger for about half the CPU, and the
 * server answers more requests under the mixed load; on two cores shared with Postgres,
 * compressing is CPU the pages need. See docs/performance.md.
 */
const LEVEL = 4;
/** As hono's compress(): smaller bodies are sent as they are, when their length is known. */
const THRESHOLD = 1024;

/**
 * Every full page carries the module's stylesheet verbatim (a large part of a list page's bytes,
 * and of the time gzip spent on it: CSS is dense with repeats). It is deflated once, at level 9; a
 * page around it is sent as one gzip stream of three parts: what comes before the stylesheet, the
 * stylesheet's ready blocks, and the rest, compressed with the two before it as its dictionary so
 * that it still refers back into them. The rest at level 3 makes a list page as small as level 4
 * made the whole, for a fraction of the CPU. See docs/performance.md.
 */
const LEVEL_AROUND_STYLESHEET = 3;
/** A head this short is sent stored (uncompressed): deflating it would save less than it costs. */
const STORED_HEAD_MAX = 512;
/**
 * How much of what precedes the rest (the stylesheet's end) is its dictionary. zlib reads a whole
 * dictionary into its tables on every call, so a page paid for the stylesheet again: the last
 * 4 KB keep half of what the dictionary saved in bytes for a quarter of its CPU. See
 * docs/performance.md.
 */
const DICTIONARY = 4 * 1024;
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

export interface Precompressed {
  bytes: Buffer;
  /** Deflate blocks, none final, ending on a byte boundary (a sync flush): splice-able. */
  blocks: Buffer;
}

export function precompress(text: string): Precompressed {
  const bytes = Buffer.from(text);
  return { bytes, blocks: deflateRawSync(bytes, { level: 9, finishFlush: constants.Z_SYNC_FLUSH }) };
}

/** A deflate stored block's header, not final, for `length` (at most 65,535) bytes. */
function storedHeader(length: number): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt16LE(length, 1);
  header.writeUInt16LE(~length & 0xffff, 3);
  return header;
}

/**
 * `bytes` gzipped, with `piece` (found at `at`) spliced in already deflated. zlib.crc32 arrived
 * in Node 20.15; before it, null, and the page is gzipped whole.
 */
export function gzipAround(bytes: Buffer, at: number, piece: Precompressed): Uint8Array | null {
  if (typeof zlib.crc32 !== 'function') return null;
  const head = bytes.subarray(0, at);
  const end = at + piece.bytes.length;
  const rest = deflateRawSync(bytes.subarray(end), {
    level: LEVEL_AROUND_STYLESHEET,
    dictionary: bytes.subarray(Math.max(0, end - DICTIONARY), end),
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zlib.crc32(bytes), 0);
  trailer.writeUInt32LE(bytes.length % 2 ** 32, 4);
  return Buffer.concat([
    GZIP_HEADER,
    ...(head.length <= STORED_HEAD_MAX
      ? [storedHeader(head.length), head]
      : [deflateRawSync(head, { level: LEVEL, finishFlush: constants.Z_SYNC_FLUSH })]),
    piece.blocks,
    rest,
    trailer,
  ]);
}

/**
 * A streamed body compressed as it is read, by node:zlib on libuv's pool, and read no faster than
 * the client takes it. Not `pipeThrough(new CompressionStream())`, as hono's compress() does: Node
 * 20 gives that stream's writable side zlib's high-water mark of 16,384 bytes as a count of
 * chunks, so the pipe read up to 16,384 chunks ahead of the client: a long gzipped CSV export
 * grew the server's memory steadily, and a stalled reader held every batch read meanwhile
 * (`test/csv-export.test.ts`). See docs/performance.md.
 */
function compressStream(body: ReadableStream<Uint8Array>, encoding: Encoding): ReadableStream<Uint8Array> {
  const zip = encoding === 'gzip' ? zlib.createGzip({ level: LEVEL }) : zlib.createDeflate({ level: LEVEL });
  // An error on either side destroys both: the client's response ends cut short, as it would
  // without compression, and a client gone cancels the body's reading.
  pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), zip, () => {});
  return Readable.toWeb(zip) as ReadableStream<Uint8Array>;
}

/** Responses whose whole markup the module rendered, so the middleware need not read a stream. */
const renderedBytes = new WeakMap<Response, Buffer>();

/**
 * `c.html()` for the module's markup: renders to one string, encodes it once, and remembers the
 * bytes for `compress()`. Handing the Response bytes rather than the string also spares the
 * Fetch API's check of a string body for unpaired surrogates, a scan of the whole page once it
 * holds any character beyond Latin-1. Anything `c.html()` takes.
 */
export async function renderHtml(
  c: Context,
  content: Parameters<Context['html']>[0],
  status?: ContentfulStatusCode,
): Promise<Response> {
  const text = `${await resolveCallback(content, HtmlEscapedCallbackPhase.Stringify, false, {})}`;
  const bytes = Buffer.from(text);
  const response = c.body(bytes, status, { 'Content-Type': 'text/html; charset=UTF-8' });
  renderedBytes.set(response, bytes);
  return response;
}

const noTransform = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
const varyAcceptEncoding = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/** `stylesheet`: text the module inlines in its pages, deflated once (see gzipAround). */
export function compress({ stylesheet }: { stylesheet?: string } = {}): MiddlewareHandler {
  const inlined = stylesheet ? precompress(stylesheet) : null;
  const gzipPage = (bytes: Buffer, at: number): Uint8Array =>
    (at >= 0 && inlined && gzipAround(bytes, at, inlined)) || gzipSync(bytes, { level: LEVEL });
  const brotli = (bytes: Buffer): Uint8Array =>
    brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
  return async function compress(c, next) {
    await next();
    const res = c.res;
    const headers = res.headers;
    const contentLength = headers.get('Content-Length');
    const type = headers.get('Content-Type');
    const cacheControl = headers.get('Cache-Control');
    if (
      res.status === 206 ||
      headers.has('Content-Encoding') ||
      headers.has('Transfer-Encoding') ||
      c.req.method === 'HEAD' ||
      (contentLength && Number(contentLength) < THRESHOLD) ||
      !type ||
      !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) ||
      (cacheControl && noTransform.test(cacheControl))
    ) {
      return;
    }
    // Set on the response itself: c.header() on a finished response would rebuild it as a stream.
    const vary = headers.get('Vary');
    if (vary !== '*' && !(vary && varyAcceptEncoding.test(vary))) {
      headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    }
    const rendered = renderedBytes.get(res);
    const at = rendered && inlined ? rendered.indexOf(inlined.bytes) : -1;
    const fragment = rendered !== undefined && at < 0;
    const encoding = negotiateEncoding(c.req.header('Accept-Encoding'), fragment ? FRAGMENT_ENCODINGS : ENCODINGS);
    if (!encoding) return;
    let compressed: Response;
    if (rendered !== undefined) {
      const body = new Uint8Array(
        encoding === 'br'
          ? brotli(rendered)
          : encoding === 'gzip'
            ? gzipPage(rendered, at)
            : deflateSync(rendered, { level: LEVEL }),
      );
      compressed = new Response(body, { status: res.status, headers });
    } else {
      // Brotli is offered for rendered fragments alone.
      if (!res.body || encoding === 'br') return;
      compressed = new Response(compressStream(res.body, encoding), res);
    }
    compressed.headers.delete('Content-Length');
    compressed.headers.set('Content-Encoding', encoding);
    const etag = compressed.headers.get('ETag');
    if (etag && !etag.startsWith('W/')) compressed.headers.set('ETag', `W/${etag}`);
    // Replaced, not merged: hono would otherwise copy the old response's headers onto a new one.
    c.res = undefined;
    c.res = compressed;
  };
}
