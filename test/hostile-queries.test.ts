/**
 * Generated hostile query strings — random keys, huge values, any Unicode, repeated parameters,
 * SQL fragments, impossible dates and cursors, pages such as -1, 0, 1e9 and NaN, malformed
 * percent-escapes — against the list (page, htmx fragment and live-refresh poll) and the
 * conversation route. Never a 5xx, always within a time bound, and always a page: with
 * defaults, or with a message by each field whose value could not be used.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_ORDER as STATUSES } from '../src/list/status.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { AGENT, fixtureRuns, HUB_CONVERSATION, insertFixture, ORG_A, ORG_B_CONVERSATION } from './support/fixture.js';
import { createTestHost, htmxHeaders, ORG_HEADER } from './support/test-host.js';

const LIST_CASES = 5_000;
/** The conversation route reads the query string only for its way back to the list. */
const CONVERSATION_CASES = 1_250;
/** Per request. Typical requests take a few milliseconds; this catches hangs and blow-ups. */
const BOUND_MS = 1_000;
const LIST = '/admin/executions';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** encodeURIComponent throws on a lone surrogate; a browser sends U+FFFD for it. */
const encode = (s: string) =>
  encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

/** Any yyyy-mm-dd shape, most of them impossible: month 0 or 13, day 0 or 32, year 0. */
const dateShape = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
const realDate = fc
  .date({ min: new Date('1850-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const knownIds = [...Object.values(AGENT), ...fixtureRuns().flatMap((r) => [r.id, r.conversationId])];
const idLike = fc.oneof(
  fc.uuid(),
  fc.constantFrom(...knownIds),
  fc.string({ minLength: 36, maxLength: 36, unit: 'binary-ascii' }),
);
/** The arrows' keyset cursors (`<UTC instant>,<run id>`), forged: impossible instants included. */
const cursor = fc
  .tuple(
    fc.oneof(dateShape, realDate),
    fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)),
    fc.option(fc.nat(999_999), { nil: null }),
    idLike,
  )
  .map(
    ([date, [h, m, s], micro, id]) => `${date}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${micro === null ? '' : `.${micro}`}Z,${id}`,
  );
/** A sort's value, and a cursor led by a sort key: in range, past it, or not a number. */
const sortValue = fc.constantFrom(
  'date',
  '-date',
  'credits',
  '-credits',
  'duration',
  '-duration',
  '--credits',
  'Credits',
  'sort',
);
const keyedCursor = fc
  .tuple(
    fc.constantFrom('-1', '0', '12.50', '10000000000', '9223372036854775807', '9223372036854775808', '1e9', '1.234', 'NaN'),
    cursor,
  )
  .map(([key, at]) => `${key},${at}`);
const numberish = fc.oneof(
  fc.constantFrom(
    '-1',
    '0',
    '1',
    '2',
    '3',
    '1e9',
    '1e308',
    'NaN',
    'Infinity',
    '-0',
    '1.5',
    '0x10',
    '+2',
    ' 2 ',
    '2abc',
    '10000001',
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
);
const status = fc.oneof(
  fc.constantFrom(...STATUSES),
  fc.constantFrom(
    'FAILED',
    ' Failed ',
    'faıled',
    'FAİLED',
    'ｆａｉｌｅｄ',
    'failed\u0000',
    'pending;',
    'all',
    'null',
    'undefined',
  ),
);
const sqlFragment = fc.constantFrom(
  "' or 1=1--",
  "'; drop table xa_executions; --",
  '1; select pg_sleep(10)--',
  "' union select organization_id, name, time_zone from xa_organizations--",
  '" or ""="',
  "org-b' --",
  '\\',
  '$1',
  '%',
  "E'\\x00'",
  '${7*7}',
  '{{7*7}}',
);
const unicode = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('💥', '\u0000', '\u202e', '\ufeff', '\u2028', 'İ', 'ß', 'é', '𝓪', '\ud800'),
);
const huge = fc
  .tuple(fc.integer({ min: 1_000, max: 30_000 }), fc.constantFrom('a', '9', '%', 'é', '💥', '-', ' ', '&'))
  .map(([n, c]) => c.repeat(n));
const value = fc.oneof(
  { weight: 3, arbitrary: status },
  { weight: 3, arbitrary: idLike },
  { weight: 3, arbitrary: numberish },
  { weight: 3, arbitrary: fc.oneof(dateShape, realDate) },
  { weight: 3, arbitrary: cursor },
  { weight: 2, arbitrary: sortValue },
  { weight: 2, arbitrary: keyedCursor },
  { weight: 2, arbitrary: sqlFragment },
  { weight: 2, arbitrary: unicode },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '=', '&', '#', '?', '%ZZ', '%F0%9F', '%00', '%2526') },
);
const key = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      'q',
      'agent',
      'status',
      'start',
      'end',
      'page',
      'after',
      'before',
      'sort',
      'tool',
      'error',
      'spikes',
      // A live poll's own.
      'watch',
      'since',
      'new',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'Status',
      'PAGE',
      'page[]',
      'status ',
      'organization',
      'organization_id',
      '__proto__',
      'constructor',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
/** A parameter as a browser, a hand-edited URL or an attacker would write it. */
const pair = fc.tuple(key, value, fc.constantFrom('encoded', 'encoded', 'raw', 'malformed', 'bare')).map(([k, v, how]) => {
  if (how === 'bare') return encode(k);
  if (how === 'encoded') return `${encode(k)}=${encode(v)}`;
  if (how === 'raw') return `${k}=${v}`;
  return `${encode(k)}=%${v.slice(0, 2)}${encode(v.slice(2))}`;
});
const queryString = fc
  .tuple(fc.array(pair, { maxLength: 12 }), fc.constantFrom('&', '&', '&', '&&', ';'))
  .map(([pairs, separator]) => pairs.join(separator));

/** A path short enough to read in a failure message. */
const shown = (path: string) => (path.length > 300 ? `${path.slice(0, 300)}… (${path.length} characters)` : path);

/** What the server sees: the URL as parsed, parameters percent-decoded. */
const paramsOf = (path: string) => new URL(path, 'http://localhost').searchParams;

const FIELD_ERRORS = ['search', 'agent', 'status', 'startDate', 'endDate', 'failure'] as const;
type Field = (typeof FIELD_ERRORS)[number];

/** What a fragment sends when no field has anything to say: every error slot emptied at once. */
const CLEAR_ALL = '<p hx-swap-oob="innerHTML:#xa-filters .xa-error-message"></p>';

/** The text of a field's error slot, empty when it has nothing to say. */
function fieldError(body: string, field: Field): string {
  const match = body.match(new RegExp(`<p id="xa-${field}-error"[^>]*>([\\s\\S]*?)</p>`));
  if (!match && body.includes(CLEAR_ALL)) return '';
  if (!match) throw new Error(`no error slot for ${field}`);
  return match[1]!.replace(/<[^>]+>/g, '').trim();
}

/** An independent reading of a real calendar date on or after 1900-01-01. */
function isRealDate(raw: string): boolean {
  const s = raw.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m || s < '1900-01-01') return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(2000, mo - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const blank = (v: string | null): v is null => v === null || v.trim() === '';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const orgAgents = new Set([AGENT.sales, AGENT.support, AGENT.removed]);

/**
 * Every value the user gave that could not be used is named by its field; every one that could
 * leaves its field quiet.
 */
function expectedErrors(params: URLSearchParams): Record<Field, boolean> {
  const agent = params.get('agent');
  const status = params.get('status');
  const start = params.get('start');
  const end = params.get('end');
  const startOk = blank(start) || isRealDate(start);
  const endOk = blank(end) || isRealDate(end);
  const reversed = !blank(start) && !blank(end) && startOk && endOk && start.trim() > end.trim();
  // A failure's parts are short and printable (tab, line feed and carriage return allowed).
  // Lengths in characters (code points), as Postgres and the filter count them.
  const failurePartOk = (v: string | null) => v === null || (Array.from(v).length <= 200 && !CONTROL.test(v));
  // A search: three letters or digits together, at most 200 UTF-16 units, no control character.
  const q = params.get('q')?.trim() ?? '';
  return {
    // eslint-disable-next-line no-control-regex
    search: q !== '' && (/[\u0000-\u001f\u007f]/.test(q) || q.length > 200 || !/[\p{L}\p{N}]{3}/u.test(q)),
    failure:
      (params.has('tool') || params.has('error')) && !(failurePartOk(params.get('tool')) && failurePartOk(params.get('error'))),
    agent: !blank(agent) && !orgAgents.has(agent.trim().toLowerCase()),
    status: !blank(status) && !(STATUSES as readonly string[]).includes(status.trim().toLowerCase()),
    startDate: !startOk || reversed,
    endDate: !endOk,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What each parameter of a canonical URL may hold. */
const CANONICAL: Record<string, (v: string) => boolean> = {
  q: (v) => v === v.trim() && /[\p{L}\p{N}]{3}/u.test(v),
  agent: (v) => UUID.test(v),
  status: (v) => (STATUSES as readonly string[]).includes(v),
  start: isRealDate,
  end: isRealDate,
  page: (v) => /^[1-9]\d*$/.test(v) && Number(v) >= 2,
  after: (v) =>
    /^(-?\d+(\.\d\d?)?,)?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z,/.test(v) && UUID.test(v.split(',').at(-1) ?? ''),
  before: (v) =>
    /^(-?\d+(\.\d\d?)?,)?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z,/.test(v) && UUID.test(v.split(',').at(-1) ?? ''),
  sort: (v) => ['date', 'credits', '-credits', 'duration', '-duration'].includes(v),
  spikes: (v) => v === '1',
  tool: (v) => Array.from(v).length <= 200,
  error: (v) => Array.from(v).length <= 200,
};

const target = databaseTargets.find((t) => t.name === 'postgres' && t.skipReason === null) ?? databaseTargets[0]!;

describe(`hostile query strings on ${target.name}`, () => {
  let database: TestDatabase;
  let app: ReturnType<typeof createTestHost>;
  const timings: number[] = [];

  beforeAll(async () => {
    database = await target.open();
    await insertFixture(database.db);
    app = createTestHost(database.db);
  });
  afterAll(async () => {
    await database?.dispose();
    const sorted = [...timings].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(1);
    console.log(`hostile queries: ${sorted.length} requests, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
  });

  const timedRequest = async (path: string, headers: Record<string, string>) => {
    const started = performance.now();
    const res = await app.request(path, { headers: { [ORG_HEADER]: ORG_A, ...headers } });
    const body = await res.text();
    const ms = performance.now() - started;
    timings.push(ms);
    return { res, body, ms };
  };

  const listKind = fc.constantFrom('page', 'fragment', 'poll');
  const pollTag = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });

  it(`answers ${LIST_CASES} generated query strings on the list with a page, in time`, async () => {
    await fc.assert(
      fc.asyncProperty(queryString, listKind, pollTag, async (qs, kind, tag) => {
        const path = `${LIST}?${qs}`;
        const headers =
          kind === 'page'
            ? {}
            : kind === 'fragment'
              ? htmxHeaders
              : { ...htmxHeaders, 'X-Executions-Refresh': 'true', 'If-None-Match': tag };
        const { res, body, ms } = await timedRequest(path, headers);
        expect(res.status, shown(path)).toBe(200);
        expect(ms, shown(path)).toBeLessThan(BOUND_MS);
        // A live poll sends only what changed, out of band: never the region or the totals.
        if (kind === 'poll') {
          expect(body).not.toMatch(/executions? total/);
          return;
        }
        if (kind === 'page') expect(body).toContain('<h1 class="xa-heading">Executions</h1>');
        expect(body).toMatch(/\d+ executions? total/);
        const [, page, pageCount] = body.match(/<span aria-hidden="true">(\d+) \/ (\d+)<\/span>/) ?? [];
        expect(Number(page)).toBeGreaterThanOrEqual(1);
        expect(Number(page)).toBeLessThanOrEqual(Number(pageCount));
        const expected = expectedErrors(paramsOf(path));
        for (const field of FIELD_ERRORS) {
          expect(fieldError(body, field) !== '', `${field} message for ${shown(path)}`).toBe(expected[field]);
        }
      }),
      {
        numRuns: LIST_CASES,
        examples: [
          ['page=2&after=2026-02-30T00:00:00Z,00000000-0000-4000-8003-000000000001', 'page', ''],
          ['page=2&before=0000-01-01T00:00:00Z,00000000-0000-4000-8003-000000000001', 'fragment', ''],
          ['page=-1&page=0&page=1e9&page=NaN&start=2025-02-30&end=9999-99-99', 'page', ''],
          ['status=failed&status=active&agent=%27%20or%201%3D1--&%ZZ=1', 'poll', '"stale"'],
        ],
      },
    );
  }, 600_000);

  const conversationIds = fixtureRuns().map((r) => r.conversationId);
  const conversationId = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...conversationIds).map((id) => ({ id, segment: id })) },
    { weight: 1, arbitrary: fc.constantFrom(...conversationIds).map((id) => ({ id, segment: id.toUpperCase() })) },
    { weight: 1, arbitrary: fc.constantFrom(ORG_B_CONVERSATION, HUB_CONVERSATION).map((id) => ({ id, segment: id })) },
    { weight: 2, arbitrary: fc.oneof(fc.uuid(), unicode, sqlFragment, huge).map((s) => ({ id: s, segment: encode(s) })) },
  );

  it(`answers ${CONVERSATION_CASES} generated query strings on the conversation route, in time`, async () => {
    const ownConversations = new Set(conversationIds);
    await fc.assert(
      fc.asyncProperty(conversationId, queryString, async ({ id, segment }, qs) => {
        const path = `${LIST}/conversations/${segment}?${qs}`;
        const { res, body, ms } = await timedRequest(path, {});
        expect(ms, shown(path)).toBeLessThan(BOUND_MS);
        const own = ownConversations.has(id.toLowerCase());
        expect(res.status, shown(path)).toBe(own ? 200 : 404);
        if (!own) return;
        // The way back carries only the list's own parameters, each one valid.
        const href = body.match(/<a class="xa-back-link" href="([^"]*)"/)?.[1];
        expect(href, shown(path)).toBeDefined();
        const back = new URL(href!.replaceAll('&amp;', '&'), 'http://localhost');
        expect(back.pathname).toBe(LIST);
        const keys = [...back.searchParams.keys()];
        expect(new Set(keys).size, href).toBe(keys.length);
        for (const [k, v] of back.searchParams) expect(CANONICAL[k]?.(v), `${k}=${v} in ${href}`).toBe(true);
      }),
      { numRuns: CONVERSATION_CASES },
    );
  }, 600_000);
});
