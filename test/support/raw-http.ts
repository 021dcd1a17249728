/**
 * HTTP/1.x as bytes on a socket, for fuzzing below any client library: a request is whatever
 * bytes the test writes, and the answer is read back by a small, forgiving parser that knows the
 * framing rules (HEAD, 1xx/204/304, chunked, Content-Length, read-until-close) and never throws.
 * Requests are written as latin1 strings: each character one byte, so a test can put any byte
 * anywhere (`utf8Bytes` turns text into its UTF-8 bytes in that form).
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  kind: 'response';
  /** The status line as sent, e.g. `HTTP/1.1 200 OK`. */
  statusLine: string;
  status: number;
  /** Header names lower-cased, in the order sent; duplicates kept. */
  headers: [string, string][];
  body: Buffer;
  /** The server closed the connection after this response (or said it would). */
  closes: boolean;
}

export interface RawFailure {
  /** `closed`: the connection ended before a response began; `incomplete`: it ended mid-response; `timeout`: neither in time. */
  kind: 'closed' | 'incomplete' | 'timeout';
  /** What had arrived, for the report. */
  partial: Buffer;
  error?: string;
}

export type RawResult = RawResponse | RawFailure;

/** Text as its UTF-8 bytes, one latin1 character per byte: raw non-ASCII in a request line. */
export const utf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

export const header = (response: RawResponse, name: string): string | undefined =>
  response.headers.find(([n]) => n === name.toLowerCase())?.[1];

type Parsed = { done: false } | { done: true; response: RawResponse; rest: Buffer } | { done: 'bad' };

const HEAD_END = Buffer.from('\r\n\r\n');

/** One response from the start of `buffer`, if it is all there; `ended` when the peer has closed. */
function parseResponse(buffer: Buffer, method: string, ended: boolean): Parsed {
  const headEnd = buffer.indexOf(HEAD_END);
  if (headEnd < 0) return { done: false };
  const lines = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const statusLine = lines[0] ?? '';
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!match) return { done: 'bad' };
  const status = Number(match[1]);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { done: 'bad' };
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const get = (name: string) => headers.filter(([n]) => n === name).map(([, v]) => v);
  const closes = get('connection').some((v) => /\bclose\b/i.test(v));
  const start = headEnd + 4;
  const finish = (end: number, body: Buffer): Parsed => ({
    done: true,
    response: { kind: 'response', statusLine, status, headers, body, closes },
    rest: buffer.subarray(end),
  });
  // Interim responses (100 Continue) are not what the test waits for: skip them.
  if (status >= 100 && status < 200) {
    const next = parseResponse(buffer.subarray(start), method, ended);
    return next;
  }
  if (method === 'HEAD' || status === 204 || status === 304) return finish(start, Buffer.alloc(0));
  if (get('transfer-encoding').some((v) => /chunked/i.test(v))) {
    const chunks: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at, 'latin1');
      if (lineEnd < 0) return ended ? { done: 'bad' } : { done: false };
      const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
      if (Number.isNaN(size)) return { done: 'bad' };
      if (size === 0) {
        // Trailers, if any, end with an empty line.
        const trailerEnd = buffer.indexOf('\r\n', lineEnd + 2, 'latin1');
        if (trailerEnd < 0) return ended ? { done: 'bad' } : { done: false };
        if (trailerEnd === lineEnd + 2) return finish(trailerEnd + 2, Buffer.concat(chunks));
        const end = buffer.indexOf(HEAD_END, lineEnd);
        if (end < 0) return ended ? { done: 'bad' } : { done: false };
        return finish(end + 4, Buffer.concat(chunks));
      }
      if (buffer.length < lineEnd + 2 + size + 2) return ended ? { done: 'bad' } : { done: false };
      chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const lengths = get('content-length');
  if (lengths.length > 0) {
    const length = Number(lengths[0]);
    if (!Number.isInteger(length) || length < 0 || lengths.some((l) => l !== lengths[0])) return { done: 'bad' };
    if (buffer.length < start + length) return ended ? { done: 'bad' } : { done: false };
    return finish(start + length, buffer.subarray(start, start + length));
  }
  // No framing: the body runs to the end of the connection.
  if (!ended) return { done: false };
  const done = finish(buffer.length, buffer.subarray(start));
  if (done.done === true) done.response.closes = true;
  return done;
}

/**
 * A client connection that sends one raw request at a time and reads its response. After a
 * response that closes, or a failure, the connection is no longer `usable`.
 */
export class RawConnection {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private error: string | undefined;
  private wake: (() => void) | null = null;
  usable = true;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', (e) => {
      this.error = e.message;
      end();
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes `raw` (latin1: a character a byte) and waits up to `timeoutMs` for one response. */
  async exchange(raw: string, method: string, timeoutMs: number): Promise<RawResult> {
    if (!this.usable) throw new Error('connection no longer usable');
    this.buffer = Buffer.alloc(0);
    if (!this.ended) this.socket.write(Buffer.from(raw, 'latin1'));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.buffer, method, this.ended);
      if (parsed.done === true) {
        if (parsed.response.closes || this.ended) this.usable = false;
        return parsed.response;
      }
      if (parsed.done === 'bad' || this.ended) {
        this.usable = false;
        const kind = this.buffer.length === 0 ? 'closed' : 'incomplete';
        return { kind, partial: this.buffer, ...(this.error ? { error: this.error } : {}) };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.usable = false;
        return { kind: 'timeout', partial: this.buffer };
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  close(): void {
    this.usable = false;
    this.socket.destroy();
  }
}

/** One request on a connection of its own. */
export async function sendRaw(port: number, raw: string, method: string, timeoutMs: number): Promise<RawResult> {
  const connection = await RawConnection.open(port);
  try {
    return await connection.exchange(raw, method, timeoutMs);
  } finally {
    connection.close();
  }
}

/** A raw request as a reader can see it: printable ASCII as is, every other byte escaped, long ones cut. */
export function showRaw(raw: string, max = 2_000): string {
  const shown = raw.length > max ? `${raw.slice(0, max)}… (${raw.length} bytes)` : raw;
  return shown.replace(/[^\x20-\x7e]/g, (c) => {
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n\n';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
