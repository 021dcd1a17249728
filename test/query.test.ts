import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, parseExecutionQuery, toSearchParams, withQuery } from '../src/list/query.js';

const parse = (search: string) => parseExecutionQuery(new URLSearchParams(search));
const AGENT = '3f1c2a4e-9b7d-4c1e-8a2b-5d6e7f8a9b0c';

describe('parseExecutionQuery', () => {
  it('gives the defaults for an empty query', () => {
    expect(parse('')).toEqual({ query: DEFAULT_QUERY, errors: {}, rejected: {} });
  });

  it('reads every filter and the page', () => {
    const { query, errors } = parse(
      `q=+Timed+Out+&conversations=on&agent=${AGENT}&status=failed&start=2026-01-01&end=2026-01-31&spikes=1&tool=hubspot&error=401+%22%E2%80%A6%22&page=3`,
    );
    expect(errors).toEqual({});
    expect(query).toEqual({
      search: 'Timed Out',
      searchAgents: [],
      searchConversations: true,
      conversationMatches: [],
      agentId: AGENT,
      removedAgents: false,
      status: 'failed',
      startDate: '2026-01-01',
      endDate: '2026-01-31',
      spikesOnly: true,
      failure: { tool: 'hubspot', signature: '401 "…"' },
      sort: { key: 'date', descending: true },
      page: 3,
      cursor: null,
    });
  });

  it('reads agent=removed as every deleted agent, and writes it back the same way', () => {
    for (const input of ['removed', ' Removed ']) {
      const { query, errors } = parse(`agent=${encodeURIComponent(input)}`);
      expect(errors).toEqual({});
      expect(query).toMatchObject({ agentId: null, removedAgents: true });
      expect(toSearchParams(query).toString()).toBe('agent=removed');
    }
    expect(parse('agent=removedx').errors.agent).toBe('agentInvalid');
  });

  it('reads a failure with no failed tool, and refuses one too long to be a signature', () => {
    expect(parse('tool=&error=Timed+out').query.failure).toEqual({ tool: '', signature: 'Timed out' });
    expect(parse('error=x').query.failure).toEqual({ tool: '', signature: 'x' });
    const long = parse(`tool=hubspot&error=${'x'.repeat(201)}`);
    expect(long.query.failure).toBeNull();
    expect(long.errors.failure).toBe('failureInvalid');
  });

  it('refuses a failure with a NUL or another control character, as not valid rather than an error', () => {
    for (const search of ['tool=%00', 'error=a%00b', 'tool=x&error=%01', 'tool=%7F', 'error=%1B%5B31m']) {
      const { query, errors } = parse(search);
      expect(query.failure, search).toBeNull();
      expect(errors.failure, search).toBe('failureInvalid');
    }
    expect(parse('tool=gmail&error=line%0Abreak%09tab').query.failure).toEqual({ tool: 'gmail', signature: 'line\nbreak\ttab' });
  });

  it('treats blank fields, as an unfilled form submits them, as defaults', () => {
    expect(parse('agent=&status=&start=&end=')).toEqual({ query: DEFAULT_QUERY, errors: {}, rejected: {} });
  });

  it('accepts any 128-bit id as an agent, not only RFC 4122 versions', () => {
    const md5Shaped = 'ae47af4f-f1ae-3e95-3129-a44022fa3719';
    expect(parse(`agent=${md5Shaped}`).query.agentId).toBe(md5Shaped);
    expect(parse(`page=2&after=2026-03-20T10:00:00Z,${md5Shaped}`).query.cursor?.id).toBe(md5Shaped);
  });

  it('accepts a status in any case', () => {
    expect(parse('status=Completed').query.status).toBe('completed');
  });

  it('falls back with a message for an unknown status or a malformed agent', () => {
    const { query, errors } = parse('status=deleted&agent=1%20or%201=1');
    expect(query.status).toBeNull();
    expect(query.agentId).toBeNull();
    expect(errors.status).toBe('statusInvalid');
    expect(errors.agent).toBe('agentInvalid');
  });

  it.each(['2025-02-30', '2025-13-01', '20250101', 'yesterday', '0002-01-01', '2025-1-1'])(
    'rejects %s as a start date with a message',
    (value) => {
      const { query, errors } = parse(`start=${value}`);
      expect(query.startDate).toBeNull();
      expect(errors.startDate).toBe('startDateInvalid');
    },
  );

  it('accepts 29 February in a leap year only', () => {
    expect(parse('end=2028-02-29').query.endDate).toBe('2028-02-29');
    expect(parse('end=2027-02-29').errors.endDate).toBe('endDateInvalid');
  });

  it('rejects a start date after the end date, next to the start date', () => {
    const { query, errors, rejected } = parse('start=2026-02-10&end=2026-02-01');
    expect(errors.startDate).toBe('datesOutOfOrder');
    expect(query.startDate).toBeNull();
    expect(query.endDate).toBeNull();
    // Not applied, but kept to show again in the fields: the user's input is never lost.
    expect(rejected).toEqual({ startDate: '2026-02-10', endDate: '2026-02-01' });
  });

  it('allows a one-day range', () => {
    expect(parse('start=2026-02-10&end=2026-02-10').errors).toEqual({});
  });

  it.each(['-1', '0', '1e9', 'NaN', 'abc', '2.5', '', '99999999999'])('reads page=%s as page 1', (page) => {
    expect(parse(`page=${page}`).query.page).toBe(1);
  });

  it('takes the first of repeated parameters', () => {
    expect(parse('status=active&status=failed').query.status).toBe('active');
  });
});

describe('canonical parameters', () => {
  it('leave defaults out and keep a fixed order', () => {
    expect(toSearchParams(DEFAULT_QUERY).toString()).toBe('');
    const query = { ...DEFAULT_QUERY, agentId: AGENT, status: 'pending' as const, startDate: '2026-01-01', page: 2 };
    expect(withQuery('/admin/executions', query)).toBe(`/admin/executions?agent=${AGENT}&status=pending&start=2026-01-01&page=2`);
  });

  it('round-trip through the parser', () => {
    const query = {
      agentId: AGENT,
      removedAgents: false,
      search: 'Timed out: 100% «done»_\\',
      searchAgents: [],
      searchConversations: true,
      conversationMatches: [],
      status: 'active' as const,
      startDate: '2026-03-01',
      endDate: '2026-03-31',
      spikesOnly: true,
      failure: { tool: 'google_calendar', signature: '401 "…" expired' },
      sort: { key: 'credits' as const, descending: true },
      page: 7,
      cursor: { direction: 'after' as const, startedAt: '2026-03-20T10:00:00.123456Z', id: AGENT, key: '12.50' },
    };
    expect(parseExecutionQuery(toSearchParams(query)).query).toEqual(query);
  });
});

describe('keyset cursors', () => {
  const CURSOR = `2026-03-20T10:00:00.123456Z,${AGENT}`;

  it('reads an after or a before cursor on pages past the first', () => {
    expect(parse(`page=3&after=${CURSOR}`).query.cursor).toEqual({
      direction: 'after',
      startedAt: '2026-03-20T10:00:00.123456Z',
      id: AGENT,
      key: null,
    });
    expect(parse(`page=3&before=${CURSOR}`).query.cursor?.direction).toBe('before');
  });

  it('reads a sort, and a cursor led by its key', () => {
    expect(parse('sort=-duration').query.sort).toEqual({ key: 'duration', descending: true });
    expect(parse('sort=credits').query.sort).toEqual({ key: 'credits', descending: false });
    expect(parse(`sort=credits&page=2&after=12.5,${CURSOR}`).query.cursor).toMatchObject({ key: '12.5', id: AGENT });
    expect(parse(`sort=-duration&page=2&before=-1,${CURSOR}`).query.cursor).toMatchObject({ key: '-1', direction: 'before' });
    expect(toSearchParams(parse('sort=-date').query).toString()).toBe('');
  });

  it.each(['sort=credit', 'sort=--credits', 'sort=', 'sort=-', "sort=credits'--", 'sort=DATE'])(
    'reads an unknown sort (%s) as newest first, never failing',
    (search) => {
      const { query, errors } = parse(search);
      expect(query.sort).toEqual({ key: 'date', descending: true });
      expect(errors).toEqual({});
    },
  );

  it.each([
    `sort=credits&page=2&after=${CURSOR}`,
    `sort=credits&page=2&after=1e3,${CURSOR}`,
    `sort=credits&page=2&after=1.234,${CURSOR}`,
    `sort=duration&page=2&after=1.5,${CURSOR}`,
    `sort=duration&page=2&after=9223372036854775808,${CURSOR}`,
    `sort=-duration&page=2&after=99999999999999999999,${CURSOR}`,
    `sort=date&page=2&after=5,${CURSOR}`,
  ])('drops a sort cursor it cannot bind (%s)', (search) => {
    expect(parse(search).query.cursor).toBeNull();
  });

  it.each([
    `page=1&after=${CURSOR}`,
    'page=3&after=yesterday,1',
    `page=3&after=2026-13-45T99:00:00Z,${AGENT}`,
    `page=3&after=2026-02-30T00:00:00Z,${AGENT}`,
    `page=3&before=0000-01-01T00:00:00Z,${AGENT}`,
    "page=3&after=2026-03-20T10:00:00Z,' or 1=1 --",
    `page=3&after=${CURSOR},extra`,
  ])('drops a cursor it cannot use (%s), never failing', (search) => {
    const { query, errors } = parse(search);
    expect(query.cursor).toBeNull();
    expect(errors).toEqual({});
  });
});
