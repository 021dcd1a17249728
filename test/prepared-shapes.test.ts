/**
 * Statements are prepared once per shape key and reused for every request with that key, so two
 * filter states with one key must give one SQL text — else a request would run another's query.
 * Sampled filter states are grouped by each query family's key; within a group every text must
 * be the same, and every placeholder the text names must have a value in the request's bindings.
 */
import { Placeholder } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type OpenDatabase } from '../src/db/database.js';
import { digestBindings, digestFailuresQuery, digestFilters, digestShape } from '../src/digest/repository.js';
import { filtersFor, type ExecutionFilters } from '../src/list/filter-set.js';
import type { ActivityUnit } from '../src/list/counts.js';
import {
  listBindings,
  listExecutionsQuery,
  walkedExecutionsQuery,
  listShape,
  pageWithSummaryQuery,
  pageWithSummaryShape,
  type ListPlan,
  type PageRequest,
} from '../src/list/page-query.js';
import { DEFAULT_QUERY } from '../src/list/query.js';
import type { ListSort } from '../src/list/sort.js';
import { STATUS_ORDER } from '../src/list/status.js';
import { summarizeExecutionsQuery, summaryShape } from '../src/list/summary-query.js';
import { asPlaceholders } from '../src/db/prepared.js';

const ORG = 'org-shapes';
const AGENT = '0e6a4f7e-0000-4000-8000-000000000001';
const CURSOR = { startedAt: '2026-11-01T10:00:00.000000Z', id: '0e6a4f7e-0000-4000-8000-0000000000ff' };

/** Dates chosen so that whole years, whole months and partial ones occur, alone and together. */
const day = fc.constantFrom(
  null,
  '2026-01-01',
  '2026-01-15',
  '2026-02-28',
  '2026-03-31',
  '2026-02-01',
  '1900-01-01',
  '2026-12-31',
);
const filterState = fc
  .record({
    agentId: fc.constantFrom(null, AGENT),
    removedAgents: fc.boolean(),
    status: fc.constantFrom(null, ...STATUS_ORDER),
    startDate: day,
    endDate: day,
    spikesOnly: fc.boolean(),
    failure: fc.constantFrom(null, { tool: '', signature: 'timeout' }, { tool: 'gmail', signature: '401 expired credential' }),
    timeZone: fc.constantFrom('UTC', 'America/Sao_Paulo'),
    // Where the runs start, read for a range with an open end: within ten years, or over them.
    runsExtent: fc.constantFrom(
      undefined,
      null,
      { first: new Date('2025-03-01T10:00:00Z'), before: new Date('2027-01-01T00:00:00Z') },
      { first: new Date('1990-01-01T00:00:00Z'), before: new Date('2027-01-01T00:00:00Z') },
    ),
  })
  // One agent or every deleted one, as the parser gives: never both.
  .map(({ timeZone, removedAgents, runsExtent, ...values }) => ({
    ...filtersFor({ ...DEFAULT_QUERY, ...values, removedAgents: removedAgents && values.agentId === null }, timeZone),
    runsExtent,
  }));
const unit = fc.constantFrom<ActivityUnit>('day', 'week', 'month', 'year');
/** Each sort, and each way to a page: a range with a sort by another column is read by weeks unless it spans decades. */
const page = fc
  .tuple(
    fc.constantFrom<PageRequest>(
      { kind: 'offset', offset: 40, limit: 20 },
      { kind: 'fromEnd', offset: 0, limit: 20 },
      { kind: 'after', cursor: { ...CURSOR, key: '12' }, limit: 20 },
      { kind: 'before', cursor: { ...CURSOR, key: '12' }, limit: 20 },
    ),
    fc.constantFrom<ListSort | undefined>(
      undefined,
      { key: 'credits', descending: false },
      { key: 'duration', descending: true },
    ),
  )
  .map(([request, sort]): PageRequest => ({ ...request, sort }));

type Built = { key: string; text: string; placeholders: string[]; bound: string[] };

function built(key: string, query: { toSQL(): { sql: string; params: unknown[] } }, bound: object): Built {
  const { sql, params } = query.toSQL();
  const placeholders = params.filter((p): p is Placeholder => p instanceof Placeholder).map((p) => p.name);
  return { key, text: sql, placeholders, bound: Object.keys(bound) };
}

let database: OpenDatabase;
beforeAll(async () => {
  database = await openPglite();
});
afterAll(() => database.close());

function checkFamily(samples: Built[]) {
  const byKey = new Map<string, Set<string>>();
  for (const s of samples) byKey.set(s.key, (byKey.get(s.key) ?? new Set()).add(s.text));
  const shared = [...byKey].filter(([, texts]) => texts.size > 1).map(([key]) => key);
  expect(shared).toEqual([]);
  // Many keys, not one: a key that ignored the filters would fail above, but only if the sample is varied.
  expect(byKey.size).toBeGreaterThan(50);
  for (const s of samples) expect(s.placeholders.filter((name) => !s.bound.includes(name))).toEqual([]);
}

describe('prepared statement shapes', () => {
  const plan = fc.constantFrom<ListPlan>('indexed', 'matched');
  const states = fc.sample(fc.tuple(filterState, unit, page, plan), { numRuns: 3000, seed: 42 });

  it('gives one list query text per key, every placeholder bound', () => {
    checkFamily(
      states.map(([f, , p, plan]) =>
        built(listShape(f, p, plan), listExecutionsQuery(database.db, ORG, f, p, asPlaceholders, plan), listBindings(ORG, f, p)),
      ),
    );
  });

  it('gives one walk query text per key, every placeholder bound', () => {
    checkFamily(
      states.map(([f, , p]) =>
        built(listShape(f, p, 'walked'), walkedExecutionsQuery(database.db, f, p), { ...listBindings(ORG, f, p), depth: 1 }),
      ),
    );
  });

  it('gives one summary query text per key, every placeholder bound', () => {
    checkFamily(
      states.map(([f, u]) =>
        built(summaryShape(f, u), summarizeExecutionsQuery(database.db, ORG, f, u, asPlaceholders), listBindings(ORG, f)),
      ),
    );
  });

  it('gives one summary-and-page query text per key, every placeholder bound', () => {
    checkFamily(
      states.map(([f, u, p]) =>
        built(
          pageWithSummaryShape(f, u, p),
          pageWithSummaryQuery(database.db, ORG, f, u, p, asPlaceholders),
          listBindings(ORG, f, p),
        ),
      ),
    );
  });

  it('gives one digest query text per key, every placeholder bound', () => {
    checkFamily(
      states.flatMap(([f]: [ExecutionFilters, ...unknown[]]) => {
        const applied = digestFilters(f);
        return applied
          ? [
              built(digestShape(applied), digestFailuresQuery(database.db, applied), {
                ...digestBindings(ORG, applied),
                limit: 0,
              }),
            ]
          : [];
      }),
    );
  });
});
