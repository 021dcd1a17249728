/**
 * Saved views over HTTP: the header's panel for a list page, and the forms that save, rename and
 * delete, each a POST answered by a redirect back to the list (Post/Redirect/Get), or by the list
 * again with the form's problem shown (400). The user comes from the host's `user` option, never
 * from the form; every form passes the CSRF check first (csrf.ts).
 */
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { deleteView, listViews, renameView, saveView, type ViewOwner } from '../db/saved-views.js';
import { VIEW_NAME_LENGTH } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';
import { Fragment, h } from '../lib/jsx.js';
import { shorten } from '../lib/format.js';
import type { ExecutionQuery } from '../list/query.js';
import {
  buildSavedViewsView,
  readViewName,
  shownName,
  readViewQuery,
  type FormProblem,
  type SavedViewsView,
} from '../list/saved-views.js';
import { CSRF_FIELD, FORM_BYTES, formSigner } from './csrf.js';
import type { ExecutionsAdminOptions } from './options.js';
import { userReader } from './user.js';
import type { ModuleEnv } from './executions-admin.js';

type ModuleContext = Context<ModuleEnv>;
type Status = 400 | 403 | 404 | 413;

export interface SavedViewDeps {
  options: Pick<ExecutionsAdminOptions, 'user' | 'canShareViews' | 'csrfSecret'>;
  messages: Messages;
  mountPath: (c: Context) => string;
  page: (c: Context, title: string, content: Child, status: Status) => Response | Promise<Response>;
  /** The list page for the query string `search`, its panel showing the form's problem. */
  listPage: (c: ModuleContext, search: string, problem: FormProblem) => Promise<Response>;
}

const viewId = z.guid();

export function savedViewRoutes(deps: SavedViewDeps) {
  const { options, messages: m } = deps;
  const signer = formSigner(options.csrfSecret);

  const userOf = userReader(options);
  const canShare = async (c: Context) => (await options.canShareViews?.(c)) === true;

  /** The header's panel on a list page showing `shown`; undefined when no user is signed in. */
  const panel = async (c: ModuleContext, shown: ExecutionQuery, problem?: FormProblem): Promise<SavedViewsView | undefined> => {
    const user = await userOf(c);
    if (!user) return undefined;
    const owner: ViewOwner = { organizationId: c.get('organization').id, userId: user.id };
    const [stored, share] = await Promise.all([c.get('deadline').within(listViews(c.get('db'), owner)), canShare(c)]);
    return buildSavedViewsView(stored, shown, {
      basePath: deps.mountPath(c),
      token: signer.token(owner.organizationId, owner.userId),
      canShare: share,
      messages: m,
      problem,
    });
  };

  /** A page of its own with a way back: a refused form, a view not found, a body too large. */
  const message = (c: Context, status: Status, title: string, text: string) =>
    deps.page(
      c,
      title,
      <div class="xa">
        <h1 class="xa-heading">{title}</h1>
        <p>{text}</p>
        <p>
          <a href={deps.mountPath(c)}>{m.savedViews.backToList}</a>
        </p>
      </div>,
      status,
    );
  const refused = (c: Context) => message(c, 403, m.savedViews.refusedTitle, m.savedViews.refused);
  const notFound = (c: Context) => message(c, 404, m.savedViews.refusedTitle, m.savedViews.notFound);

  /** A form's fields once it has passed every check; else the response that refuses it. */
  const readForm = async (c: ModuleContext) => {
    const user = await userOf(c);
    // A malformed body reads as no fields: the missing token refuses it.
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const field = (name: string): unknown => body[name];
    if (!user || !signer.verify(c, c.get('organization').id, user.id, field(CSRF_FIELD))) return refused(c);
    const owner: ViewOwner = { organizationId: c.get('organization').id, userId: user.id };
    const back = readViewQuery(field('query'));
    const search = 'query' in back ? back.query : '';
    return { user, owner, field, search };
  };
  type Form = Exclude<Awaited<ReturnType<typeof readForm>>, Response>;

  const toList = (c: Context, search: string) => c.redirect(search ? `${deps.mountPath(c)}?${search}` : deps.mountPath(c), 303);

  /** Runs `work` on a form that passed its checks. */
  const handle = (work: (c: ModuleContext, form: Form) => Promise<Response>) => async (c: ModuleContext) => {
    const form = await readForm(c);
    return form instanceof Response ? form : work(c, form);
  };

  const register = (app: Hono<ModuleEnv>) => {
    const limit = bodyLimit({
      maxSize: FORM_BYTES,
      onError: (c) => message(c, 413, m.savedViews.refusedTitle, m.savedViews.errors.queryTooLong),
    });

    app.post(
      '/views',
      limit,
      handle(async (c, { user, owner, field, search }) => {
        const raw = field('name');
        const name = readViewName(raw);
        const query = readViewQuery(field('query'));
        const problem = (error: FormProblem['error']) => deps.listPage(c, search, { form: 'new', error, raw });
        if ('error' in name) return problem(name.error);
        if ('error' in query) return problem(query.error);
        const shared = field('shared') === '1' && (await canShare(c));
        const ownerName = typeof user.name === 'string' ? shorten(shownName(user.name), VIEW_NAME_LENGTH).text || null : null;
        const saving = saveView(c.get('db'), { ...owner, ownerName }, { name: name.name, query: query.query, shared });
        const outcome = await c.get('deadline').within(saving);
        return 'refused' in outcome ? problem(outcome.refused) : toList(c, query.query);
      }),
    );

    app.post(
      '/views/:id/rename',
      limit,
      handle(async (c, { owner, field, search }) => {
        const id = viewId.safeParse(c.req.param('id'));
        if (!id.success) return notFound(c);
        const raw = field('name');
        const name = readViewName(raw);
        const problem = (error: FormProblem['error']) => deps.listPage(c, search, { form: id.data, error, raw });
        if ('error' in name) return problem(name.error);
        const outcome = await c.get('deadline').within(renameView(c.get('db'), owner, id.data, name.name));
        if (outcome === 'missing') return notFound(c);
        return outcome === 'duplicate' ? problem('duplicate') : toList(c, search);
      }),
    );

    app.post(
      '/views/:id/delete',
      limit,
      handle(async (c, { owner, search }) => {
        const id = viewId.safeParse(c.req.param('id'));
        if (!id.success || !(await c.get('deadline').within(deleteView(c.get('db'), owner, id.data)))) return notFound(c);
        return toList(c, search);
      }),
    );
  };

  return { panel, register };
}
