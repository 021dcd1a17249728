/**
 * The module: a Hono app a host mounts with `app.route('/admin/executions', createExecutionsAdmin(…))`.
 * The host's own auth names the signed-in organization — by default in the `organizationId`
 * context variable; without one every page answers 401: there is no "all organizations".
 */
import { Hono, type Context } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { basePath } from 'hono/route';
import { z } from 'zod';
import { ConversationPage, NotFoundPage } from '../../views/conversation/conversation-page.js';
import { DigestPage } from '../../views/digest/digest-page.js';
import { AssetTags, ModuleLayout, type PageAssets } from '../../views/shared/layout.js';
import { ListFragment, ListPage, LiveUpdateOob } from '../../views/list/list-page.js';
import { Results } from '../../views/list/results.js';
import { loadAssets, pickEncoding } from './assets.js';
import { compress, renderHtml } from './compress.js';
import { buildConversationView } from '../conversation/view-model.js';
import { buildDigestView } from '../digest/view-model.js';
import type { ExecutionsDatabase } from '../db/database.js';
import { organizationData } from './organization-data.js';
import { errorAnswer, wantsFragment } from './error-answer.js';
import { DEFAULT_DEADLINE_MS, startDeadline, type Deadline } from './deadline.js';
import { exportCsv } from '../csv/csv-export.js';
import { checkQuery, loadExecutionList } from '../list/execution-list.js';
import { conversationSearchAllowance } from '../list/conversation-search.js';
import { loadFailureDigest } from '../digest/failure-digest.js';
import { Fragment, h, latin1Text } from '../lib/jsx.js';
import { buildListView } from '../list/view-model.js';
import {
  DEFAULT_REFRESH_SECONDS,
  REFRESH_HEADER,
  UNAVAILABLE_ETAG,
  parseLiveState,
  withLiveRefresh,
} from '../list/live-refresh.js';
import { pollLive } from '../list/live-poll.js';
import { parseExecutionQuery, type ParsedQuery } from '../list/query.js';
import type { FormProblem } from '../list/saved-views.js';
import { findBoundedConversation } from '../conversation/bounded-repository.js';
import type { Organization } from '../db/organization.js';
import { admission, streamInTurn } from './admission.js';
import { downloadConversationField } from './conversation-download.js';
import { hostNonce, securityHeaders } from './security-headers.js';
import { savedViewRoutes } from './saved-view-routes.js';
import { doneId, runActionRoutes } from './run-action-routes.js';
import { bulkJobRoutes } from './bulk-job-routes.js';
import { activityRoutes } from './activity-routes.js';
import {
  DEFAULT_ADMISSION,
  type ExecutionsAdminOptions,
  type ExecutionsAdminVariables,
  type OrganizationRef,
  type RequestKind,
} from './options.js';
export type { UserRef } from './options.js';
export type {
  ExecutionsAdminEnv,
  ExecutionsAdminOptions,
  ExecutionsAdminVariables,
  OrganizationRef,
  RequestKind,
} from './options.js';
import { isTimeZone, localDay } from '../lib/time-zone.js';
import { checkMessages } from '../i18n/check.js';
import { en } from '../i18n/en.js';

export type ModuleEnv = {
  Variables: ExecutionsAdminVariables & {
    organization: Organization;
    /** The organization's database (see db/routing.ts). */
    db: ExecutionsDatabase;
    /** The request's deadline for its reads (see deadline.ts). */
    deadline: Deadline;
    /** The host's CSP nonce for this request, checked (see security-headers.ts). */
    nonce?: string;
  };
};

/** Full page and fragment share a URL: caches must keep them apart. */
const VARY = `HX-Request, HX-Target, HX-History-Restore-Request, ${REFRESH_HEADER}`;

const fromContextVariable = (c: Context): OrganizationRef | null => {
  const id: unknown = c.get('organizationId');
  return typeof id === 'string' && id !== '' ? { id } : null;
};

type Renderer = (content: Child, props: { title: string; lang: string }) => Response | Promise<Response>;

const conversationIdParam = z.guid();

export function createExecutionsAdmin(options: ExecutionsAdminOptions) {
  const data = organizationData(options);
  const readOrganization = options.organization ?? fromContextVariable;
  const refreshSeconds = options.refreshSeconds ?? DEFAULT_REFRESH_SECONDS;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const conversationSearchMs = conversationSearchAllowance(deadlineMs, options.conversationSearchMs);
  const assets = loadAssets({ serveHtmx: options.serveHtmx ?? true });
  const messages = options.messages ?? en;
  // A table lacking a message, or with a malformed locale, fails here as the host starts rather
  // than on every page.
  checkMessages(messages);
  const app = new Hono<ModuleEnv>();
  const agentsOf = (c: Context<ModuleEnv>) => data.agents(c.get('organization').id, c.get('db'));
  const firstRunOf = (c: Context<ModuleEnv>) => data.firstRun(c.get('organization').id, c.get('db'));
  const listReader = (c: Context<ModuleEnv>) => data.listReader(c.get('organization').id, c.get('db'));
  const turns = Object.fromEntries(
    (Object.keys(DEFAULT_ADMISSION) as RequestKind[]).map((kind) => [
      kind,
      admission(kind, options.admission?.[kind] ?? DEFAULT_ADMISSION[kind]),
    ]),
  ) as Record<RequestKind, ReturnType<typeof admission>>;
  /** `work`'s reads in a turn of its kind, within the request's deadline. */
  const read = <T,>(c: Context<ModuleEnv>, kind: RequestKind, work: () => Promise<T>): Promise<T> =>
    c.get('deadline').within(turns[kind].run(work, c.get('deadline')));
  app.use('*', hostNonce(options.nonce));
  if (options.securityHeaders !== false) {
    const headerOptions = typeof options.securityHeaders === 'object' ? options.securityHeaders : {};
    const requestNonce = (c: Context<ModuleEnv>) => c.get('nonce');
    app.use('*', securityHeaders(assets.cspSources, headerOptions, requestNonce));
  }
  // Pages and fragments gzipped in one call each, the CSV as it streams (the script is compressed
  // once, at start-up, and so is the stylesheet every full page inlines).
  app.use('*', compress({ stylesheet: assets.css }));
  app.use('*', async (c, next) => {
    const deadline = startDeadline(deadlineMs);
    c.set('deadline', deadline);
    try {
      await next();
    } finally {
      deadline.clear();
    }
  });

  /** The module's mount path as the browser sees it, parameters filled in: every link starts here. */
  const mountPath = (c: Context) => basePath(c).replace(/\/+$/, '');
  // `<mount>/` is the list, as a person typing the address expects; one address for it, so history and
  // links agree. Before the organization is read: a redirect needs no database.
  app.use('*', async (c, next) => {
    const mounted = mountPath(c);
    // Mounted at the root, `/` is the list's own address.
    if (c.req.method !== 'GET' || mounted === '' || c.req.path !== `${mounted}/`) return next();
    return c.redirect(`${mounted}${new URL(c.req.url).search}`, 308);
  });
  const pageAssets = (c: Context<ModuleEnv>): PageAssets => ({
    css: assets.css,
    script: `${mountPath(c)}/assets/${assets.script.name}`,
    nonce: c.get('nonce'),
  });

  /** A whole page: in the host's layout, the host's jsxRenderer, or the module's own document. */
  const page = (
    c: Context,
    title: string,
    content: Child,
    status: 200 | 400 | 401 | 403 | 404 | 405 | 409 | 413 | 500 | 503 = 200,
  ) => {
    c.status(status);
    if (options.layout) {
      const Layout = options.layout;
      return renderHtml(
        c,
        <Layout title={title} lang={messages.locale} assets={pageAssets(c)}>
          {content}
        </Layout>,
      );
    }
    if (c.getLayout()) {
      // The host's renderer owns the document; stylesheet and deferred scripts are valid in <body>.
      const render = c.render as unknown as Renderer;
      return render(
        <>
          <AssetTags assets={pageAssets(c)} />
          {content}
        </>,
        { title, lang: messages.locale },
      );
    }
    return renderHtml(
      c,
      <ModuleLayout title={title} lang={messages.locale} skipLink={messages.skipLink} assets={pageAssets(c)}>
        {content}
      </ModuleLayout>,
    );
  };

  /**
   * The document title of a whole page titled `title`: the host's layout may add to it (" – Acme
   * admin"). A swap brings the list's new title in a <title>, which htmx 2 and 4 both make the
   * document's: read from the layout rendered around nothing, it keeps what the layout adds.
   */
  const documentTitle = async (c: Context, title: string): Promise<Child> => {
    if (!options.layout && !c.getLayout()) return latin1Text(title);
    const found = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(await (await page(c, title, null)).text());
    // The layout's own markup, escaped as it rendered it for the whole page.
    return found ? raw(found[1]) : title;
  };

  const notFound = (c: Context) =>
    page(c, messages.pageTitle(messages.conversationNotFound), <NotFoundPage backHref={mountPath(c)} messages={messages} />, 404);

  app.onError(errorAnswer({ messages, refreshSeconds, mountPath, page, onError: options.onError }));

  app.get('/assets/:name', (c) => {
    const { script } = assets;
    if (c.req.param('name') !== script.name) return c.notFound();
    const encoding = pickEncoding(c.req.header('Accept-Encoding'));
    return c.body(script[encoding], 200, {
      'Content-Type': script.contentType,
      'Cache-Control': 'public, max-age=31536000, immutable',
      Vary: 'Accept-Encoding',
      ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
    });
  });

  app.use('*', async (c, next) => {
    const ref = await readOrganization(c);
    if (!ref?.id) {
      return page(
        c,
        messages.signInRequired,
        <div class="xa">
          <h1 class="xa-heading">{messages.signInRequired}</h1>
          <p>{messages.signInHint}</p>
        </div>,
        401,
      );
    }
    const db = await c.get('deadline').within(data.databaseOf(ref.id));
    c.set('db', db);
    // An organization that has recorded nothing yet is still an organization: an empty list in UTC.
    const found = await c.get('deadline').within(data.organization(ref.id, db));
    const timeZone = [ref.timeZone, found?.timeZone].find((zone) => zone !== undefined && isTimeZone(zone)) ?? 'UTC';
    c.set('organization', { id: ref.id, name: found?.name ?? ref.id, timeZone });
    c.header('Vary', VARY);
    // An organization's runs are for the signed-in user only: kept in no cache, the browser's included.
    c.header('Cache-Control', 'no-store');
    await next();
  });

  // A form sent back with a problem answers the list at the form's query, the problem shown.
  const listAgain = (c: Context<ModuleEnv>, search: string, problem: FormProblem) =>
    listPage(c, parseExecutionQuery(new URLSearchParams(search)), problem, 400);
  const views = savedViewRoutes({ options, messages, mountPath, page, listPage: listAgain });
  views.register(app);
  const runActions = runActionRoutes({ options, messages, mountPath, page });
  runActions.register(app);
  const bulk = bulkJobRoutes({
    messages,
    runActions,
    mountPath,
    page,
    renderFragment: renderHtml,
    wantsFragment,
    refreshSeconds,
    enabled: options.actions !== undefined,
    agentsOf,
    runner: options.bulkJobs,
  });
  bulk.register(app);
  const activity = activityRoutes({ messages, mountPath, page, enabled: options.actions !== undefined, agentsOf });
  activity.register(app);

  /** The list for `parsed`: the results fragment for htmx, else the whole page with its saved views. */
  const listPage = async (c: Context<ModuleEnv>, parsed: ParsedQuery, problem?: FormProblem, status: 200 | 400 = 200) => {
    const organization = c.get('organization');
    const poll = wantsFragment(c) && c.req.header(REFRESH_HEADER) === 'true';
    const list = await read(c, 'lists', async () => {
      const [agents, firstRun] = await Promise.all([agentsOf(c), firstRunOf(c)]);
      const firstDay = firstRun && localDay(firstRun, organization.timeZone);
      const reader = await listReader(c);
      return {
        ...(await loadExecutionList(reader.db, { ...organization, firstDay }, parsed, new Date(), agents, conversationSearchMs)),
        behindMs: reader.behindMs,
      };
    });
    const shown = { query: list.query, newest: list.rows[0]?.cursor ?? null, now: list.now, today: list.today };
    const view = withLiveRefresh(
      buildListView(list, mountPath(c), organization.timeZone, messages, list.behindMs),
      shown,
      organization.id,
      refreshSeconds,
    );
    view.results.rowActions = await runActions.forRows(c, list.rows, view.results.rows, list.query);
    if (list.rows.length > 0) view.results.bulk = await bulk.forList(c, list.query);
    view.results.activityHref = activity.hrefFor(c, list.query);
    if (wantsFragment(c)) {
      // The outage poller, the database back: the region again, but not the status region, which
      // speaks only after the user's own action.
      if (poll) return renderHtml(c, <Results results={view.results} messages={messages} />);
      // Push the canonical URL (defaults dropped, page clamped), not the form's raw submission.
      c.header('HX-Push-Url', view.canonicalHref);
      return renderHtml(c, <ListFragment view={view} title={await documentTitle(c, view.title)} />);
    }
    const savedViews = await views.panel(c, list.query, problem);
    return page(c, view.title, <ListPage view={view} savedViews={savedViews} />, status);
  };

  app.get('/', async (c) => {
    const organization = c.get('organization');
    const { searchParams } = new URL(c.req.url);
    const parsed = parseExecutionQuery(searchParams);
    const poll = wantsFragment(c) && c.req.header(REFRESH_HEADER) === 'true';
    if (poll && c.req.header('If-None-Match') !== UNAVAILABLE_ETAG) {
      // A live poll: only what changed, out of band; never a history entry or the status region.
      const update = await read(c, 'lists', async () =>
        pollLive((await listReader(c)).db, organization, parsed, parseLiveState(searchParams), new Date(), await agentsOf(c), {
          basePath: mountPath(c),
          messages,
          everySeconds: refreshSeconds,
          conversationSearchMs,
        }),
      );
      c.header('ETag', update.etag);
      // Unchanged: nothing to send or swap. HX-Reswap keeps htmx 2 from swapping an empty body.
      if (c.req.header('If-None-Match') === update.etag) return c.body(null, 304, { 'HX-Reswap': 'none' });
      const changedRuns = update.changed.filter(({ cells }) => cells.includes('status'));
      const actions =
        changedRuns.length > 0
          ? await runActions.forRows(
              c,
              changedRuns.map(({ run }) => run),
              changedRuns.map(({ row }) => row),
              update.query,
            )
          : undefined;
      return renderHtml(c, <LiveUpdateOob update={update} actions={actions} messages={messages} />);
    }
    return listPage(c, parsed);
  });

  app.get('/failures', async (c) => {
    const organization = c.get('organization');
    const parsed = parseExecutionQuery(new URL(c.req.url).searchParams);
    const digest = await read(c, 'lists', async () => {
      const reader = await listReader(c);
      return { ...(await loadFailureDigest(reader.db, organization, parsed, await agentsOf(c))), behindMs: reader.behindMs };
    });
    const view = buildDigestView(digest, mountPath(c), messages, digest.behindMs);
    return page(c, view.title, <DigestPage view={view} />);
  });

  app.get('/export.csv', async (c) => {
    const organization = c.get('organization');
    const deadline = c.get('deadline');
    const today = new Date().toISOString().slice(0, 10);
    const headers = {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="executions-${today}.csv"`,
    };
    // HEAD gets the headers alone: hono drops a HEAD's body unread, and a stream never read nor
    // cancelled would keep its turn for good.
    if (c.req.method === 'HEAD') return c.body(null, 200, headers);
    // A download holds its turn for as long as it streams: its batches are read as it goes.
    const csv = await deadline.within(
      streamInTurn(turns.exports, deadline, async () => {
        // The same rows as the list it is linked from: an agent not of this organization is ignored.
        const { query } = checkQuery(parseExecutionQuery(new URL(c.req.url).searchParams), await agentsOf(c));
        return exportCsv((await listReader(c)).db, organization, query, options.actions !== undefined, conversationSearchMs);
      }),
    );
    return c.body(csv, 200, headers);
  });

  app.get('/conversations/:conversationId', async (c) => {
    const organization = c.get('organization');
    const { searchParams } = new URL(c.req.url);
    const { query } = parseExecutionQuery(searchParams);
    const id = conversationIdParam.safeParse(c.req.param('conversationId'));
    const conversation = id.success
      ? await read(c, 'conversations', () => findBoundedConversation(c.get('db'), organization.id, id.data))
      : null;
    if (!conversation) return notFound(c);
    const view = buildConversationView(conversation, mountPath(c), query, organization.timeZone, messages);
    const actions = await runActions.forRun(c, conversation, query, doneId(searchParams));
    return page(c, view.title, <ConversationPage view={view} actions={actions} />);
  });

  // The whole of a field the conversation page shows cut short, as a download.
  const download = (c: Context<ModuleEnv>) =>
    downloadConversationField(
      c,
      c.get('db'),
      { organizationId: c.get('organization').id, read: (work) => read(c, 'conversations', work) },
      () => notFound(c),
    );
  app.get('/conversations/:conversationId/:whole{error|title}', download);
  app.get('/conversations/:conversationId/steps/:position/:field', download);

  return app;
}
