/**
 * The module: a Hono app a host mounts with `app.route('/admin/executions', createExecutionsAdmin(…))`.
 * The host's own middleware names the signed-in organization in the `organizationId` context
 * variable; without it every page answers 401 — there is no "all organizations".
 */
import { Hono, type Context } from 'hono';
import { basePath } from 'hono/route';
import { z } from 'zod';
import { ConversationPage, NotFoundPage } from '../views/conversation-page.js';
import { ModuleLayout, type Layout, type PageAssets } from '../views/layout.js';
import { ListFragment, ListPage } from '../views/list-page.js';
import { RESULTS_ID } from '../views/results.js';
import { loadAssets } from './assets.js';
import { buildConversationView } from './conversation-view-model.js';
import type { ExecutionsDatabase } from './database.js';
import { loadExecutionList } from './execution-list.js';
import { buildListView } from './list-view-model.js';
import { parseExecutionQuery } from './query.js';
import { findExecutionConversation, findOrganization, type Organization } from './repository.js';
import { isTimeZone } from './time-zone.js';

/** What the host's middleware provides: `c.set('organizationId', …)` from its own auth. */
export interface ExecutionsAdminVariables {
  organizationId?: string;
}

export type ExecutionsAdminEnv = { Variables: ExecutionsAdminVariables };

export interface ExecutionsAdminOptions {
  db: ExecutionsDatabase;
  /** Renders the module's pages inside the host's document; must include `<AssetTags>`. */
  layout?: Layout;
  /** Serve htmx from the module (default). Turn off when the host page already loads htmx. */
  serveHtmx?: boolean;
}

export type ModuleEnv = { Variables: ExecutionsAdminVariables & { organization: Organization } };

/** Full page and fragment share a URL: caches must keep them apart. */
const VARY = 'HX-Request, HX-Target, HX-History-Restore-Request';

/**
 * htmx asks for the results fragment only when it targets the results region. A boosted link
 * from the host, or a history restore, wants the whole page.
 */
function wantsFragment(c: Context): boolean {
  return (
    c.req.header('HX-Request') === 'true' &&
    c.req.header('HX-History-Restore-Request') !== 'true' &&
    new RegExp(`(^|#)${RESULTS_ID}$`).test(c.req.header('HX-Target') ?? '')
  );
}

const conversationIdParam = z.uuid();

export function createExecutionsAdmin(options: ExecutionsAdminOptions) {
  const { db } = options;
  const Page = options.layout ?? ModuleLayout;
  const assets = loadAssets({ serveHtmx: options.serveHtmx ?? true });
  const app = new Hono<ModuleEnv>();

  /** The module's mount path as the browser sees it, parameters filled in: every link starts here. */
  const mountPath = (c: Context) => basePath(c).replace(/\/+$/, '');
  const pageAssets = (c: Context): PageAssets => ({
    stylesheet: `${mountPath(c)}/assets/${assets.stylesheet.name}`,
    scripts: assets.scripts.map((s) => `${mountPath(c)}/assets/${s.name}`),
  });

  // Never a bare stack trace: a message in the module's page, or in the results region when htmx
  // asked for a fragment (htmx 4 swaps error responses too).
  app.onError((error, c) => {
    console.error('executions-admin:', error);
    const message = (
      <div class="xa-empty" role="alert">
        <p class="xa-empty__title">Executions could not be loaded.</p>
        <p>Try again in a moment.</p>
      </div>
    );
    if (wantsFragment(c)) return c.html(message, 500);
    return c.html(
      <Page title="Executions could not be loaded" assets={pageAssets(c)}>
        <div class="xa">
          <h1 class="xa-heading">Executions</h1>
          {message}
        </div>
      </Page>,
      500,
    );
  });

  app.get('/assets/:name', (c) => {
    const asset = assets.byName.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': asset.contentType,
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
  });

  app.use('*', async (c, next) => {
    const organizationId = c.get('organizationId');
    if (!organizationId) {
      return c.html(
        <Page title="Sign in required" assets={pageAssets(c)}>
          <div class="xa">
            <h1 class="xa-heading">Sign in required</h1>
            <p>Sign in to an organization to see its executions.</p>
          </div>
        </Page>,
        401,
      );
    }
    // An organization that has recorded nothing yet is still an organization: an empty list in UTC.
    const found = await findOrganization(db, organizationId);
    const timeZone = found && isTimeZone(found.timeZone) ? found.timeZone : 'UTC';
    c.set('organization', { id: organizationId, name: found?.name ?? organizationId, timeZone });
    c.header('Vary', VARY);
    c.header('Cache-Control', 'private, no-cache');
    await next();
  });

  app.get('/', async (c) => {
    const organization = c.get('organization');
    const parsed = parseExecutionQuery(new URL(c.req.url).searchParams);
    const list = await loadExecutionList(db, organization, parsed);
    const view = buildListView(list, mountPath(c), organization.timeZone);
    if (wantsFragment(c)) {
      // Push the canonical URL (defaults dropped, page clamped), not the form's raw submission.
      c.header('HX-Push-Url', view.canonicalHref);
      return c.html(<ListFragment view={view} />);
    }
    return c.html(
      <Page title={view.title} assets={pageAssets(c)}>
        <ListPage view={view} />
      </Page>,
    );
  });

  app.get('/conversations/:conversationId', async (c) => {
    const organization = c.get('organization');
    const { query } = parseExecutionQuery(new URL(c.req.url).searchParams);
    const id = conversationIdParam.safeParse(c.req.param('conversationId'));
    const conversation = id.success ? await findExecutionConversation(db, organization.id, id.data) : null;
    if (!conversation) {
      return c.html(
        <Page title="Conversation not found – Executions" assets={pageAssets(c)}>
          <NotFoundPage backHref={mountPath(c)} />
        </Page>,
        404,
      );
    }
    const view = buildConversationView(conversation, mountPath(c), query, organization.timeZone);
    return c.html(
      <Page title={view.title} assets={pageAssets(c)}>
        <ConversationPage view={view} />
      </Page>,
    );
  });

  return app;
}
