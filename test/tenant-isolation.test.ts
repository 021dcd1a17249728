/**
 * Tenant isolation, as properties over several organizations whose data was recorded through
 * the write API, each marking every text it owns (agent and schedule names, prompts, tool
 * names, inputs and outputs, responses, errors) with its own marker. Two organizations even
 * share an agent id and a schedule id — the host's ids, not the module's. For any signed-in
 * organization, filters (another organization's agent id included), page, htmx fragment, live
 * refresh poll (with its own, another organization's or a made-up ETag), CSV export and
 * conversation id, no response carries another organization's marker or ids, the totals and the
 * export count its own runs only, and without an organization every request is a 401 that
 * carries nobody's data. Saved views: a user sees their own and the organization's shared ones, and renames
 * or deletes only their own, whatever id a form sends. Actions on runs (last, as they end runs): a
 * user acts only on their organization's runs, whatever run a form names, a bulk selection counts
 * only the organization's runs among those it names, and a run's page and the Activity view show
 * only its organization's history.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionsDatabase } from '../src/db/database.js';
import { STATUS_ORDER as STATUSES } from '../src/list/status.js';
import {
  deleteAgent,
  markActive,
  recordFinishedRuns,
  recordToolCall,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
  type FinishedRunInput,
} from '../src/write/recorder.js';
import type { ExecutionStatus } from '../src/db/schema.js';
import { sql } from 'drizzle-orm';
import { select } from './support/select.js';
import { readCsv } from './support/csv.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { createTestHost, htmxHeaders, ORG_HEADER, parseDocument, text } from './support/test-host.js';
import { formSigner } from '../src/http/csrf.js';
import { createJob } from '../src/actions/job-repository.js';
import type { RunActions } from '../src/http/options.js';

const CASES = 300;
const LIST = '/admin/executions';
const RUNS_PER_ORGANIZATION = 45;
const HOUR = 3_600_000;
// An hour before now (whole hours): the newest week of runs lies inside the bound of the search in
// conversations, which counts back from the request's now, so that search reads every
// organization's marked steps and must still find only the viewer's.
const BASE_TIME = Math.floor(Date.now() / HOUR) * HOUR - HOUR;

const uuid = (group: number, n: number) =>
  `00000000-0000-4000-8${group.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;
/** The same host ids in two organizations: their rows must still never meet. */
const SHARED_AGENT = uuid(0xa, 1);
const SHARED_SCHEDULE = uuid(0xb, 1);

interface Tenant {
  id: string;
  zone: string;
  marker: string;
  agents: { id: string; removed: boolean; schedule: string }[];
  runs: { conversationId: string; agentId: string; status: ExecutionStatus; startedAt: number }[];
}

const TENANTS: Tenant[] = [
  ['tenant-amber', 'UTC'],
  ['tenant-basalt', 'Asia/Kolkata'],
  ['tenant-cobalt', 'America/Sao_Paulo'],
  ['tenant-dune', 'Pacific/Chatham'],
].map(([id, zone], i) => ({
  id: id!,
  zone: zone!,
  marker: `zq${id!.slice(7)}mark`,
  agents: [
    // The first two organizations share an agent id and a schedule id; the second deleted it.
    { id: i < 2 ? SHARED_AGENT : uuid(0xc, i), removed: i === 1, schedule: i < 2 ? SHARED_SCHEDULE : uuid(0xd, i) },
    { id: uuid(0xe, i), removed: false, schedule: uuid(0xf, i) },
    { id: uuid(0x10, i), removed: true, schedule: uuid(0x11, i) },
  ],
  runs: [],
}));
/** Signed in, but nothing recorded: an empty list, still nobody else's. */
const EMPTY_TENANT = 'tenant-empty';

const STATUS_CYCLE: ExecutionStatus[] = ['completed', 'failed', 'active', 'pending', 'failed'];

async function recordTenant(db: ExecutionsDatabase, tenant: Tenant, index: number): Promise<void> {
  const { id: org, marker } = tenant;
  await upsertOrganization(db, org, { name: `${marker} organization`, timeZone: tenant.zone });
  for (const [n, agent] of tenant.agents.entries()) {
    await upsertAgent(db, org, { agentId: agent.id, name: `${marker} agent ${n}` });
    await upsertSchedule(db, org, {
      scheduleId: agent.schedule,
      agentId: agent.id,
      name: `${marker} schedule ${n}`,
      kind: 'cron',
      expression: `${marker} 0 9 * * *`,
    });
  }
  const finished: FinishedRunInput[] = [];
  for (let j = 0; j < RUNS_PER_ORGANIZATION; j += 1) {
    const agent = tenant.agents[j % 3]!;
    const status = STATUS_CYCLE[j % STATUS_CYCLE.length]!;
    // Spread over ten days, offset per organization, so date filters cut differently in each zone.
    const startedAt = BASE_TIME - j * 5 * HOUR - index * 47 * 60_000;
    const key = `${org}-run-${j}`;
    const prompt = `${marker} prompt ${j}`;
    const call = {
      toolName: `${marker}.tool`,
      input: { query: marker },
      output: { result: `${marker} output` },
      durationMs: 120,
    };
    if (status === 'completed' || status === 'failed') {
      finished.push({
        key,
        scheduleId: agent.schedule,
        prompt,
        startedAt: new Date(startedAt),
        toolCalls: [{ ...call, ok: status === 'completed', at: new Date(startedAt + 1_000) }],
        outcome:
          status === 'completed'
            ? { status: 'completed', response: `${marker} response ${j}` }
            : { status: 'failed', errorMessage: `${marker} error ${j}` },
        finishedAt: new Date(startedAt + 2_000),
        credits: j % 4 === 0 ? null : j,
      });
      continue;
    }
    const started = await startExecution(db, org, { key, scheduleId: agent.schedule, prompt, startedAt: new Date(startedAt) });
    if (status === 'active') {
      await markActive(db, org, started.executionId);
      await recordToolCall(db, org, started.executionId, { ...call, key: 'tool-1', ok: true });
    }
    tenant.runs.push({ conversationId: started.conversationId, agentId: agent.id, status, startedAt });
  }
  const recorded = await recordFinishedRuns(db, org, finished);
  recorded.forEach((ids, i) => {
    const run = finished[i]!;
    const agentId = tenant.agents.find((a) => a.schedule === run.scheduleId)!.id;
    tenant.runs.push({
      conversationId: ids.conversationId,
      agentId,
      status: run.outcome.status,
      startedAt: run.startedAt.getTime(),
    });
  });
  for (const agent of tenant.agents.filter((a) => a.removed)) await deleteAgent(db, org, agent.id);
}

/** Everything of `tenant` that must never reach anyone else: its marker and its runs' ids. */
const secretsOf = (tenant: Tenant) => [tenant.marker, ...tenant.runs.map((r) => r.conversationId)];

/** Another organization's secrets in the body; a search term the viewer typed is theirs to see again. */
function leaks(body: string, viewer: string, typed: string | null = null): string[] {
  const shown = typed === null ? body : body.replaceAll(typed, '');
  return TENANTS.filter((t) => t.id !== viewer).flatMap((t) => secretsOf(t).filter((secret) => shown.includes(secret)));
}

interface Filter {
  /** A search: any organization's marker, in any case; it finds every run of its own organization (titles hold it). */
  q: string | null;
  /**
   * The search also in conversations, whose steps every organization marks: it finds no more of
   * the viewer's runs (their titles hold the marker) and nothing of anyone else's.
   */
  conversations: '1' | null;
  agent: string | null;
  status: ExecutionStatus | null;
  start: string | null;
  end: string | null;
  page: string | null;
  /** The list's order: it changes which runs a page shows, never whose. */
  sort: string | null;
}

const localDate = (ms: number, zone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

/** The viewer's own runs the filter selects, as the page documents it. */
function expectedTotal(viewer: string, f: Filter): number {
  const tenant = TENANTS.find((t) => t.id === viewer);
  if (!tenant) return 0;
  // "removed": every agent this organization deleted (another may share the id and keep it).
  const removed = new Set(tenant.agents.filter((a) => a.removed).map((a) => a.id));
  const agentApplies = f.agent !== null && (f.agent === 'removed' || tenant.agents.some((a) => a.id === f.agent));
  const agentMatches = (agentId: string) => (f.agent === 'removed' ? removed.has(agentId) : agentId === f.agent);
  const datesApply = !(f.start && f.end && f.start > f.end);
  return tenant.runs.filter((run) => {
    const day = localDate(run.startedAt, tenant.zone);
    return (
      (!agentApplies || agentMatches(run.agentId)) &&
      (!f.status || run.status === f.status) &&
      (!f.q || f.q.toLowerCase() === tenant.marker) &&
      (!datesApply || !f.start || day >= f.start) &&
      (!datesApply || !f.end || day <= f.end)
    );
  }).length;
}

function listPath(f: Filter): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(f)) if (value !== null) params.set(name, value);
  const search = params.toString();
  return search ? `${LIST}?${search}` : LIST;
}

/** Download CSV of the same filters (the export ignores the page). */
const csvPath = (f: Filter) => `${LIST}/export.csv${listPath(f).slice(LIST.length)}`;

/** The number in the page's "N executions total". */
function totalOnPage(body: string): number {
  const match = /([\d,]+) executions? total/.exec(body);
  if (!match) throw new Error('no total on the page');
  return Number(match[1]!.replaceAll(',', ''));
}

const viewerArb = fc.constantFrom(...TENANTS.map((t) => t.id), EMPTY_TENANT);
const allAgentIds = [...new Set(TENANTS.flatMap((t) => t.agents.map((a) => a.id)))];
const dayArb = fc.integer({ min: -2, max: 12 }).map((d) => new Date(BASE_TIME - d * 24 * HOUR).toISOString().slice(0, 10));
const filterArb: fc.Arbitrary<Filter> = fc.record({
  q: fc.option(
    fc.tuple(fc.constantFrom(...TENANTS.map((t) => t.marker)), fc.boolean()).map(([m, upper]) => (upper ? m.toUpperCase() : m)),
    { nil: null },
  ),
  conversations: fc.option(fc.constant('1' as const), { nil: null }),
  agent: fc.option(fc.oneof(fc.constantFrom(...allAgentIds, 'removed'), fc.uuid()), { nil: null }),
  status: fc.option(fc.constantFrom(...STATUSES), { nil: null }),
  start: fc.option(dayArb, { nil: null }),
  end: fc.option(dayArb, { nil: null }),
  page: fc.option(fc.constantFrom('1', '2', '3', '4', '1000000000', '-1'), { nil: null }),
  sort: fc.option(fc.constantFrom('date', '-credits', 'credits', '-duration', 'duration'), { nil: null }),
});

const USER_HEADER = 'x-test-user';
const VIEW_SECRET = 'isolation';
const VIEW_CASES = 150;
const ACTION_CASES = 150;
const JOB_CASES = 60;
const VIEW_USERS = ['u1', 'u2', 'u3'];
interface SavedView {
  org: string;
  user: string;
  name: string;
  shared: boolean;
  id: string;
}
/** Each organization's u1 and u2 save a private and a shared view, named with the organization's marker. */
const VIEWS: SavedView[] = TENANTS.flatMap((t) =>
  ['u1', 'u2'].flatMap((user) =>
    [false, true].map((shared) => ({
      org: t.id,
      user,
      name: `${t.marker} ${user} ${shared ? 'shared' : 'private'}`,
      shared,
      id: '',
    })),
  ),
);

const target = databaseTargets.find((t) => t.name === 'postgres' && t.skipReason === null) ?? databaseTargets[0]!;

describe(`tenant isolation on ${target.name}`, () => {
  let database: TestDatabase;
  let app: ReturnType<typeof createTestHost>;

  beforeAll(async () => {
    database = await target.open();
    for (const [i, tenant] of TENANTS.entries()) await recordTenant(database.db, tenant, i);
    // What is asserted is whose runs a response holds, not how fast it comes: on a CI machine busy
    // with the other suites, one CSV export in 1,000 waited past the default 1.5 s deadline for
    // the database and was answered 503, as designed (CI run of 2026-12-01).
    app = createTestHost(database.db, undefined, {
      deadlineMs: 10_000,
      user: (c) => (c.req.header(USER_HEADER) ? { id: c.req.header(USER_HEADER)!, name: c.req.header(USER_HEADER) } : null),
      canShareViews: () => true,
      csrfSecret: VIEW_SECRET,
    });
    for (const view of VIEWS) {
      const { res } = await postView(view.org, view.user, '/views', {
        name: view.name,
        query: 'status=failed',
        ...(view.shared ? { shared: '1' } : {}),
      });
      expect(res.status).toBe(303);
    }
    for (const view of VIEWS) {
      const input = [
        ...parseDocument((await get(LIST, view.org, { [USER_HEADER]: view.user })).body).querySelectorAll(
          '.xa-views__own input[name="name"]',
        ),
      ].find((i) => i.getAttribute('value') === view.name);
      view.id = input!.getAttribute('id')!.replace('xa-view-', '');
    }
  });
  afterAll(() => database?.dispose());

  const get = async (path: string, organization: string | null, headers: Record<string, string> = {}) => {
    const res = await app.request(path, {
      headers: { ...(organization === null ? {} : { [ORG_HEADER]: organization }), ...headers },
    });
    return { res, body: await res.text() };
  };
  const postView = async (organization: string, user: string, path: string, fields: Record<string, string>) => {
    const res = await app.request(`${LIST}${path}`, {
      method: 'POST',
      headers: { [ORG_HEADER]: organization, [USER_HEADER]: user, 'Sec-Fetch-Site': 'same-origin' },
      body: new URLSearchParams({ csrf: formSigner(VIEW_SECRET).token(organization, user), ...fields }),
    });
    return { res, body: await res.text() };
  };
  const pollHeaders = (etag?: string) => ({
    ...htmxHeaders,
    'X-Executions-Refresh': 'true',
    ...(etag === undefined ? {} : { 'If-None-Match': etag }),
  });

  it('recorded what the properties assume', () => {
    for (const tenant of TENANTS) expect(tenant.runs).toHaveLength(RUNS_PER_ORGANIZATION);
  });

  it(`lists, filters and counts only the signed-in organization's runs (${CASES} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(viewerArb, filterArb, fc.constantFrom('page', 'fragment'), async (viewer, filter, kind) => {
        const path = listPath(filter);
        const { res, body } = await get(path, viewer, kind === 'fragment' ? htmxHeaders : {});
        expect(res.status, path).toBe(200);
        expect(leaks(body, viewer, filter.q), path).toEqual([]);
        const total = expectedTotal(viewer, filter);
        expect(body, path).toContain(`${total} ${total === 1 ? 'execution' : 'executions'} total`);
      }),
      { numRuns: CASES },
    );
  }, 300_000);

  it(`refreshes only with the signed-in organization's runs, whatever state and ETag the poll sends (${CASES} cases)`, async () => {
    const pollers = new Map<string, { href: string; etag: string }>();
    /** An organization's poller on `path`: where it polls (the state its page shows) and its ETag. */
    const pollerOf = async (organization: string, path: string) => {
      const key = `${organization} ${path}`;
      if (!pollers.has(key)) {
        const { body } = await get(path, organization);
        const poller = parseDocument(body).querySelector('#xa-refresh');
        const headers = JSON.parse(poller?.getAttribute('hx-headers') ?? '{}') as Record<string, string>;
        // A page that does not poll: its URL polled anyway, with an ETag of nothing.
        pollers.set(key, { href: poller?.getAttribute('hx-get') ?? path, etag: headers['If-None-Match'] ?? '"none"' });
      }
      return pollers.get(key)!;
    };
    await fc.assert(
      fc.asyncProperty(
        viewerArb,
        viewerArb,
        filterArb,
        fc.constantFrom('own', 'other', 'made-up'),
        async (viewer, other, filter, which) => {
          const path = listPath(filter);
          const own = await pollerOf(viewer, path);
          const sent =
            which === 'own'
              ? own
              : which === 'other'
                ? await pollerOf(other, path)
                : { ...own, etag: `"${filter.agent ?? 'x'}"` };
          const { res, body } = await get(sent.href, viewer, pollHeaders(sent.etag));
          expect(
            leaks(body, viewer, filter.q),
            `${viewer} polling with ${which === 'other' ? other : which}'s state: ${path}`,
          ).toEqual([]);
          // A poll never sends the totals or the region, whoever's state it names.
          expect(body).not.toMatch(/executions? total/);
          if (sent.etag !== '"none"' && (which === 'own' || (which === 'other' && other === viewer))) {
            // Unchanged for this organization: nothing sent at all.
            expect(res.status, path).toBe(304);
            expect(body).toBe('');
          } else if (which === 'other' && other !== viewer) {
            // Another organization's ETag never matches: its state is never "unchanged" here.
            expect(res.status, `${viewer} polling with ${other}'s state: ${path}`).toBe(200);
          }
        },
      ),
      { numRuns: CASES },
    );
  }, 300_000);

  it(`exports only the signed-in organization's runs as CSV, as many as its page counts (${CASES} cases)`, async () => {
    const ownConversations = new Map(TENANTS.map((t) => [t.id, new Set(t.runs.map((r) => r.conversationId))]));
    await fc.assert(
      fc.asyncProperty(viewerArb, filterArb, async (viewer, filter) => {
        const path = csvPath(filter);
        const { res, body } = await get(path, viewer);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('Content-Type'), path).toBe('text/csv; charset=utf-8');
        expect(leaks(body, viewer, filter.q), path).toEqual([]);
        const [header, ...rows] = readCsv(body);
        expect(header?.[7], path).toBe('Conversation ID');
        const own = ownConversations.get(viewer) ?? new Set();
        expect(
          rows.map((r) => r[7]).filter((id) => !own.has(id ?? '')),
          path,
        ).toEqual([]);
        const page = await get(listPath(filter), viewer);
        expect(rows.length, `${path}: rows against the page's total`).toBe(totalOnPage(page.body));
        expect(rows.length, path).toBe(expectedTotal(viewer, filter));
      }),
      { numRuns: CASES },
    );
  }, 300_000);

  it(`opens only the signed-in organization's conversations (${CASES} cases)`, async () => {
    const conversations = TENANTS.flatMap((t) => t.runs.map((r) => ({ owner: t.id, id: r.conversationId })));
    const conversationArb = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...conversations) },
      { weight: 1, arbitrary: fc.uuid().map((id) => ({ owner: null, id })) },
    );
    await fc.assert(
      fc.asyncProperty(viewerArb, conversationArb, filterArb, async (viewer, conversation, filter) => {
        const path = `${LIST}/conversations/${conversation.id}${listPath(filter).slice(LIST.length)}`;
        const { res, body } = await get(path, viewer);
        expect(res.status, `${viewer} opening ${conversation.owner}'s ${path}`).toBe(conversation.owner === viewer ? 200 : 404);
        expect(leaks(body, viewer, filter.q), path).toEqual([]);
        if (conversation.owner === viewer) expect(body).toContain(TENANTS.find((t) => t.id === viewer)!.marker);
      }),
      { numRuns: CASES },
    );
  }, 300_000);

  it(`lists, renames and deletes only the user's own views and the organization's shared ones, whatever id a form sends (${VIEW_CASES} cases)`, async () => {
    const viewArb = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...VIEWS) },
      { weight: 1, arbitrary: fc.uuid().map((id) => ({ org: '', user: '', name: '', shared: false, id })) },
    );
    const names = () => VIEWS.map((v) => v.name);
    await fc.assert(
      fc.asyncProperty(
        viewerArb,
        fc.constantFrom(...VIEW_USERS),
        viewArb,
        fc.constantFrom('rename', 'delete'),
        async (viewer, user, target, action) => {
          const owner = target.org === viewer && target.user === user;
          const visible = (v: SavedView) => v.org === viewer && (v.user === user || v.shared);
          const { body } = await get(LIST, viewer, { [USER_HEADER]: user });
          const listed = [...parseDocument(body).querySelectorAll('.xa-views__link')].map((a) => text(a));
          expect(listed.sort(), `${viewer}/${user}`).toEqual(
            VIEWS.filter(visible)
              .map((v) => v.name)
              .sort(),
          );
          expect(leaks(body, viewer)).toEqual([]);
          // Its owner renames a view to its own name (nothing changes) and never deletes it here.
          if (owner && action === 'delete') return;
          const { res } = await postView(viewer, user, `/views/${target.id}/${action}`, { name: target.name || 'x', query: '' });
          expect(res.status, `${viewer}/${user} ${action} ${target.org}/${target.user}'s ${target.name}`).toBe(owner ? 303 : 404);
          const stored = await select(database.db, sql`select name from executions_admin.xa_saved_views order by name`);
          expect(stored.map((r) => r.name)).toEqual(names().sort());
        },
      ),
      { numRuns: VIEW_CASES },
    );
  }, 300_000);

  /** A host whose user may act, named with the organization's marker: their name on another organization's page is a leak. */
  const actingHost = (actions: RunActions) => {
    const markerOf = (org: string) => TENANTS.find((t) => t.id === org)?.marker ?? 'nobody';
    return createTestHost(database.db, undefined, {
      deadlineMs: 10_000,
      user: (c) => ({ id: 'u1', name: `${markerOf(c.req.header(ORG_HEADER) ?? '')} user` }),
      canAct: () => true,
      csrfSecret: VIEW_SECRET,
      actions,
    });
  };

  it(`acts only on the signed-in organization's runs, and shows only its history (${ACTION_CASES} cases)`, async () => {
    const told: string[] = [];
    const actor = actingHost({
      runAgain: async (run, ctx) => void told.push(`${ctx.organizationId} ${run.conversationId}`),
      cancel: async (run, ctx) => void told.push(`${ctx.organizationId} ${run.conversationId}`),
    });
    const runs = TENANTS.flatMap((t) => t.runs.map((r) => ({ owner: t.id, conversationId: r.conversationId })));
    const runArb = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...runs) },
      { weight: 1, arbitrary: fc.uuid().map((id) => ({ owner: null, conversationId: id })) },
    );
    await fc.assert(
      fc.asyncProperty(viewerArb, runArb, fc.constantFrom('cancel', 'run-again'), async (viewer, run, action) => {
        const path = `${LIST}/conversations/${run.conversationId}`;
        told.length = 0;
        const res = await actor.request(`${path}/${action}`, {
          method: 'POST',
          headers: { [ORG_HEADER]: viewer, 'Sec-Fetch-Site': 'same-origin' },
          body: new URLSearchParams({ csrf: formSigner(VIEW_SECRET).token(viewer, 'u1'), back: '' }),
        });
        const own = run.owner === viewer;
        expect(res.status, `${viewer} ${action} ${run.owner}'s run`).toBe(own ? 303 : 403);
        // The host is told of its own organization's runs only, and only when the run could take the action.
        for (const call of told) expect(call).toBe(`${viewer} ${run.conversationId}`);
        // Every action on the run, whichever organization's rows hold it: its owner's only.
        const trail = await select(
          database.db,
          sql`select organization_id from executions_admin.xa_run_actions where execution_id in
            (select id from executions_admin.xa_executions where conversation_id = ${run.conversationId}::uuid)`,
        );
        expect(new Set(trail.map((r) => r.organization_id)), run.conversationId).toEqual(
          new Set(run.owner && trail.length ? [run.owner] : []),
        );
        const page = await actor.request(res.headers.get('Location') ?? path, { headers: { [ORG_HEADER]: viewer } });
        expect(leaks(await page.text(), viewer)).toEqual([]);
        // The Activity view of the organization's actions: its own users' names only.
        const activity = await actor.request(`${LIST}/activity`, { headers: { [ORG_HEADER]: viewer } });
        expect(activity.status).toBe(200);
        expect(leaks(await activity.text(), viewer)).toEqual([]);
      }),
      { numRuns: ACTION_CASES },
    );
  }, 300_000);

  it(`counts a selection among the signed-in organization's runs only (${JOB_CASES} cases)`, async () => {
    const actor = actingHost({ runAgain: async () => {} });
    const scheduled = await select(
      database.db,
      sql`select organization_id as owner, id::text as id from executions_admin.xa_executions where schedule_id is not null`,
    );
    const runArb = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...scheduled.map((r) => ({ owner: String(r.owner), id: String(r.id) }))) },
      { weight: 1, arbitrary: fc.uuid().map((id) => ({ owner: null, id })) },
    );
    await fc.assert(
      fc.asyncProperty(viewerArb, fc.array(runArb, { maxLength: 8 }), async (viewer, picked) => {
        const res = await actor.request(`${LIST}/bulk/run-again`, {
          method: 'POST',
          headers: { [ORG_HEADER]: viewer, 'Sec-Fetch-Site': 'same-origin' },
          body: new URLSearchParams([
            ['csrf', formSigner(VIEW_SECRET).token(viewer, 'u1')],
            ['query', ''],
            ['scope', 'selected'],
            ...picked.map((run): [string, string] => ['run', run.id]),
          ]),
        });
        expect(res.status).toBe(200);
        const body = await res.text();
        const own = new Set(picked.filter((run) => run.owner === viewer).map((run) => run.id)).size;
        expect(/<h1[^>]*>Run again: (\d+) runs?<\/h1>/.exec(body)?.[1], `${viewer} selected ${JSON.stringify(picked)}`).toBe(
          String(own),
        );
        expect(leaks(body, viewer)).toEqual([]);
      }),
      { numRuns: JOB_CASES },
    );
  }, 300_000);

  it(`shows and cancels only the signed-in organization's bulk jobs (${JOB_CASES} cases)`, async () => {
    const actor = actingHost({ runAgain: async () => {}, cancel: async () => {} });
    // A job of each organization, over a day with no runs: it acts on nothing, whoever resumes it.
    const jobs: { owner: string | null; id: string }[] = [];
    for (const tenant of TENANTS) {
      await select(
        database.db,
        sql`update executions_admin.xa_bulk_jobs set status = 'done' where organization_id = ${tenant.id}`,
      );
      const made = await createJob(database.db, tenant.id, {
        action: 'run_again',
        query: 'start=2001-01-01&end=2001-01-02',
        userId: 'u1',
        userName: `${tenant.marker} user`,
        total: 0,
      });
      if ('job' in made) jobs.push({ owner: tenant.id, id: made.job.id });
    }
    const jobArb = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...jobs) },
      { weight: 1, arbitrary: fc.uuid().map((id) => ({ owner: null, id })) },
    );
    await fc.assert(
      fc.asyncProperty(viewerArb, jobArb, fc.boolean(), async (viewer, job, cancel) => {
        const path = `${LIST}/jobs/${job.id}`;
        const before = await select(
          database.db,
          sql`select organization_id, status from executions_admin.xa_bulk_jobs where id = ${job.id}::uuid`,
        );
        const res = cancel
          ? await actor.request(`${path}/cancel`, {
              method: 'POST',
              headers: { [ORG_HEADER]: viewer, 'Sec-Fetch-Site': 'same-origin' },
              body: new URLSearchParams({ csrf: formSigner(VIEW_SECRET).token(viewer, 'u1') }),
            })
          : await actor.request(path, { headers: { [ORG_HEADER]: viewer } });
        const own = job.owner === viewer;
        expect(res.status, `${viewer} ${cancel ? 'cancel' : 'see'} ${job.owner}'s job`).toBe(own ? (cancel ? 303 : 200) : 404);
        expect(leaks(await res.text(), viewer)).toEqual([]);
        // Another organization's job is not cancelled by it: its owner's own requests may have set
        // it running meanwhile (a job is taken up on its organization's next request).
        const after = await select(
          database.db,
          sql`select organization_id, status from executions_admin.xa_bulk_jobs where id = ${job.id}::uuid`,
        );
        const cancelled = (rows: typeof before) => rows.map((r) => [r.organization_id, r.status === 'cancelled']);
        if (!own) expect(cancelled(after)).toEqual(cancelled(before));
      }),
      { numRuns: JOB_CASES },
    );
  }, 300_000);

  it(`answers 401 with nobody's data to every request without an organization (${CASES} cases)`, async () => {
    const conversations = TENANTS.flatMap((t) => t.runs.map((r) => r.conversationId));
    const pathArb = fc.oneof(
      filterArb.map(listPath),
      filterArb.map(csvPath),
      fc
        .tuple(fc.constantFrom(...conversations), filterArb)
        .map(([id, f]) => `${LIST}/conversations/${id}${listPath(f).slice(LIST.length)}`),
      fc
        .tuple(fc.constantFrom(...conversations), fc.constantFrom('cancel', 'run-again'))
        .map(([id, a]) => `${LIST}/conversations/${id}/${a}`),
      fc.uuid().map((id) => `${LIST}/jobs/${id}`),
    );
    const headersArb = fc.constantFrom<Record<string, string>>(
      {},
      htmxHeaders,
      pollHeaders('"x"'),
      // An empty organization is no organization.
      { [ORG_HEADER]: '' },
    );
    await fc.assert(
      fc.asyncProperty(pathArb, headersArb, async (path, headers) => {
        const { res, body } = await get(path, null, headers);
        expect(res.status, path).toBe(401);
        expect(
          TENANTS.flatMap((t) => secretsOf(t).filter((s) => body.includes(s))),
          path,
        ).toEqual([]);
      }),
      { numRuns: CASES },
    );
  }, 300_000);
});
