/**
 * Actions on runs over HTTP: the forms' data for a run's page and for the list's rows, and the
 * routes they post to, `<run's page>/cancel` and `/run-again`. A POST is acted on only when the host
 * gave the action, a user is signed in, `canAct` allows them, the CSRF check passes (csrf.ts) and
 * the run is the organization's; anything else is a 403 page, nothing done. After acting, a 303 to
 * the run's page, which confirms what was done (Post/Redirect/Get). A GET there is a 405.
 */
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { actionsFor, actorOf, actOnRun, type Scheduler } from '../actions/act-on-run.js';
import {
  actionButton,
  buildRunActionsView,
  formFields,
  ACTION_PATHS,
  type ActionFormFields,
  type RunActionsView,
} from '../actions/view-model.js';
import type { RowActionsView } from '../list/row-actions.js';
import { actionsOf, findActedRun } from '../db/run-actions.js';
import type { ExecutionStatus, RunActionKind } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';
import { h } from '../lib/jsx.js';
import { parseExecutionQuery, toSearchParams, type ExecutionQuery } from '../list/query.js';
import { CSRF_FIELD, FORM_BYTES, formSigner } from './csrf.js';
import type { ModuleEnv } from './executions-admin.js';
import type { ExecutionsAdminOptions, UserRef } from './options.js';
import { userReader } from './user.js';

type ModuleContext = Context<ModuleEnv>;

export interface RunActionDeps {
  options: Pick<ExecutionsAdminOptions, 'user' | 'actions' | 'canAct' | 'csrfSecret'>;
  messages: Messages;
  mountPath: (c: Context) => string;
  page: (c: Context, title: string, content: Child, status: 400 | 403 | 405 | 413) => Response | Promise<Response>;
}

const id = z.guid();
const ACTIONS = Object.entries(ACTION_PATHS).map(([action, path]) => ({ action: action as RunActionKind, path }));

export function runActionRoutes(deps: RunActionDeps) {
  const { options, messages: m } = deps;
  const hooks = options.actions;
  const signer = formSigner(options.csrfSecret);
  const userOf = userReader(options);

  /** The user who may act here, or null. */
  const actor = async (c: ModuleContext): Promise<UserRef | null> => {
    if (!hooks) return null;
    const user = await userOf(c);
    return user && (await options.canAct?.(c)) === true ? user : null;
  };

  /** The host's actions, told who acts and a key unique to the action; `c`, the request acting, if any. */
  const schedulerFor = (organizationId: string, user: UserRef, c?: ModuleContext): Scheduler => {
    const ctx = (key: string) => ({ organizationId, user, key, c });
    const { runAgain, cancel } = hooks ?? {};
    return {
      runAgain: runAgain && ((run, key) => runAgain(run, ctx(key))),
      cancel: cancel && ((run, key) => cancel(run, ctx(key))),
    };
  };

  const scheduler = (c: ModuleContext, user: UserRef) => schedulerFor(c.get('organization').id, user, c);

  const runPath = (c: Context, conversationId: string) => `${deps.mountPath(c)}/conversations/${conversationId}`;

  /** The form's hidden fields for a page of `query`, or null when this user may not act. */
  const formFor = async (
    c: ModuleContext,
    query: ExecutionQuery,
  ): Promise<{ form: ActionFormFields; scheduler: Scheduler } | null> => {
    const user = await actor(c);
    if (!user) return null;
    return { form: formFields(signer.token(c.get('organization').id, user.id), query), scheduler: scheduler(c, user) };
  };

  /** A run's page: its buttons, links and history, and the confirmation of `done`; undefined without actions. */
  const forRun = async (
    c: ModuleContext,
    run: { id: string; conversationId: string; status: ExecutionStatus },
    query: ExecutionQuery,
    done: string | null,
  ): Promise<RunActionsView | undefined> => {
    if (!hooks) return undefined;
    const [permitted, read] = await Promise.all([
      formFor(c, query),
      c.get('deadline').within(actionsOf(c.get('db'), c.get('organization').id, run.id)),
    ]);
    const path = runPath(c, run.conversationId);
    return buildRunActionsView(read, {
      listPath: deps.mountPath(c),
      search: toSearchParams({ ...query, cursor: null }).toString(),
      timeZone: c.get('organization').timeZone,
      form: permitted?.form ?? null,
      buttons: permitted ? actionsFor(run.status, permitted.scheduler).map((action) => actionButton(action, path, m)) : [],
      done,
      messages: m,
    });
  };

  /** Each row's buttons by run id, named in full, and the forms' fields; undefined when this user may not act. */
  const forRows = async (
    c: ModuleContext,
    runs: { id: string; conversationId: string; status: ExecutionStatus }[],
    rows: { id: string; schedule: string; namedAt: string }[],
    query: ExecutionQuery,
  ): Promise<RowActionsView | undefined> => {
    const permitted = await formFor(c, query);
    if (!permitted) return undefined;
    const named = new Map(rows.map((row) => [row.id, row]));
    const buttons = new Map(
      runs.map((run) => {
        const row = named.get(run.id);
        const name = row && { schedule: row.schedule, at: row.namedAt };
        const path = runPath(c, run.conversationId);
        return [run.id, actionsFor(run.status, permitted.scheduler).map((action) => actionButton(action, path, m, name))];
      }),
    );
    return { form: permitted.form, buttons };
  };

  const message = (c: Context, status: 400 | 403 | 405 | 413, text: string) =>
    deps.page(
      c,
      m.runActions.notAllowedTitle,
      <div class="xa">
        <h1 class="xa-heading">{m.runActions.notAllowedTitle}</h1>
        <p>{text}</p>
        <p>
          <a href={deps.mountPath(c)}>{m.backToExecutions}</a>
        </p>
      </div>,
      status,
    );

  const register = (app: Hono<ModuleEnv>) => {
    const limit = bodyLimit({ maxSize: FORM_BYTES, onError: (c) => message(c, 413, m.runActions.notAllowed) });
    for (const { action, path } of ACTIONS) {
      const route = `/conversations/:conversationId/${path}`;
      app.post(route, limit, async (c) => {
        const refused = () => message(c, 403, m.runActions.notAllowed);
        const user = await actor(c);
        const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const organization = c.get('organization');
        if (!user || !signer.verify(c, organization.id, user.id, body[CSRF_FIELD])) return refused();
        const acts = scheduler(c, user);
        const conversationId = id.safeParse(c.req.param('conversationId'));
        // Another organization's run is no run here: refused as a forged form is, saying nothing of it.
        const run = conversationId.success
          ? await c.get('deadline').within(findActedRun(c.get('db'), organization.id, conversationId.data))
          : null;
        if (!run || !(action === 'cancel' ? acts.cancel : acts.runAgain)) return refused();
        // The action itself is not cut by the request's deadline: once the host is asked, its answer is recorded.
        const done = await actOnRun(c.get('db'), organization.id, run, action, actorOf(user), acts, m.runActions.cancelledBy);
        const back = toSearchParams({
          ...parseExecutionQuery(new URLSearchParams(typeof body.back === 'string' ? body.back : '')).query,
          cursor: null,
        });
        back.set('done', done.id);
        return c.redirect(`${runPath(c, run.conversationId)}?${back.toString()}`, 303);
      });
      app.get(route, (c) => {
        c.header('Allow', 'POST');
        return message(c, 405, m.runActions.useTheForm);
      });
    }
  };

  return { forRun, forRows, register, actor, schedulerFor, signer, message };
}

/** The action a run's page confirms, from its URL: an id, read back only among the run's own. */
export function doneId(params: URLSearchParams): string | null {
  const done = id.safeParse(params.get('done') ?? undefined);
  return done.success ? done.data : null;
}
