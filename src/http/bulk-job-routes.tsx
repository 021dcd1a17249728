/**
 * Bulk jobs over HTTP. The list's "all matching these filters" forms post its query to
 * `/bulk/<action>`, and its "selected" form the runs ticked in its rows (`scope=selected`, a `run`
 * field each), which answers with a confirmation stating the exact count and the filters in
 * words; its form posts to `/bulk/<action>/confirm`, which starts the job and answers 303 to
 * `/jobs/<id>`, the job's page; `/jobs/<id>/cancel` stops it. Every POST passes the same checks as
 * a single run's action (run-action-routes.tsx): the action given by the host, a permitted user,
 * the CSRF check. A job of another organization is not found. One job at a time per organization:
 * a second is refused with a page that links to the first.
 *
 * Runners live in this process, one per database; on a request of an organization, at most once
 * per lease, the jobs a crashed or restarted process left are taken up (bulk-runner.ts).
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { actorOf } from '../actions/act-on-run.js';
import { bulkRunner, RUNNER_DEFAULTS, type BulkRunner, type RunnerOptions } from '../actions/bulk-runner.js';
import { cancelJob, countJobRuns, createJob, findJob, jobFailures } from '../actions/job-repository.js';
import { buildBulkButtons, buildConfirmView, buildJobView, jobPath } from '../actions/job-view-model.js';
import { ACTION_PATHS } from '../actions/view-model.js';
import type { ExecutionsDatabase } from '../db/database.js';
import type { RunActionKind } from '../db/schema.js';
import type { Messages } from '../i18n/messages.js';
import { numberFormat } from '../lib/format.js';
import { h } from '../lib/jsx.js';
import type { FilterFacts } from '../list/filter.js';
import { describeFilters } from '../list/filter-set.js';
import { parseExecutionQuery, toSearchParams, type ExecutionQuery } from '../list/query.js';
import { ConfirmPage, JobPage, JobRegion } from '../../views/shared/bulk-job.js';
import type { renderHtml } from './compress.js';
import { CSRF_FIELD, FORM_BYTES } from './csrf.js';
import type { ModuleEnv } from './executions-admin.js';
import type { runActionRoutes } from './run-action-routes.js';

type ModuleContext = Context<ModuleEnv>;

export interface BulkJobDeps {
  messages: Messages;
  runActions: ReturnType<typeof runActionRoutes>;
  mountPath: (c: Context) => string;
  page: (c: Context, title: string, content: Child, status?: 200 | 404 | 409) => Response | Promise<Response>;
  renderFragment: typeof renderHtml;
  wantsFragment: (c: Context) => boolean;
  refreshSeconds: number;
  /** Whether the host gave any action: without, no job can start or be resumed here. */
  enabled: boolean;
  agentsOf: (c: ModuleContext) => Promise<FilterFacts['agents']>;
  runner?: Partial<RunnerOptions>;
}

const id = z.guid();
/** A list page holds 20 runs: more selected is a forged form, and each is a bound value of every batch's query. */
export const MAX_SELECTED = 100;
const ACTIONS = Object.entries(ACTION_PATHS).map(([action, path]) => ({ action: action as RunActionKind, path }));
const logError = (error: unknown) => console.error('executions-admin: bulk job:', error);

type Form = Record<string, string | File | (string | File)[]>;

/** A field the form holds once, as text; '' when it is missing, repeated or a file. */
const one = (form: Form, name: string) => {
  const value = form[name];
  return typeof value === 'string' ? value : '';
};

/** The list's canonical query string of what a form posted: anything else in it is dropped. */
const canonical = (posted: string) =>
  toSearchParams({ ...parseExecutionQuery(new URLSearchParams(posted)).query, page: 1, cursor: null }).toString();

/**
 * The runs a "selected" form names, each once (ids that are no UUID dropped), or null when the form
 * acts on every run its query keeps. Only ids: which of them are the organization's runs, the
 * count and the job read in SQL.
 */
function selectedRuns(form: Form): string[] | null {
  if (one(form, 'scope') !== 'selected') return null;
  const posted = form.run === undefined ? [] : [form.run].flat();
  return [...new Set(posted.filter((run): run is string => typeof run === 'string' && id.safeParse(run).success))];
}

export function bulkJobRoutes(deps: BulkJobDeps) {
  const { messages: m, runActions } = deps;
  const runners = new WeakMap<ExecutionsDatabase, BulkRunner>();
  const resumedAt = new Map<string, number>();
  const leaseMs = deps.runner?.leaseMs ?? RUNNER_DEFAULTS.leaseMs;

  const runnerOf = (db: ExecutionsDatabase): BulkRunner => {
    let runner = runners.get(db);
    if (!runner) {
      runner = bulkRunner({
        db,
        cancelledBy: m.runActions.cancelledBy,
        scheduler: (organizationId, job) =>
          runActions.schedulerFor(organizationId, { id: job.userId, name: job.userName ?? undefined }),
        options: deps.runner,
      });
      runners.set(db, runner);
    }
    return runner;
  };

  /** The user who may act and the posted form, or null: refused. */
  const permitted = async (c: ModuleContext) => {
    const user = await runActions.actor(c);
    const body: Form = await c.req.parseBody({ all: true }).catch(() => ({}));
    const token = one(body, CSRF_FIELD);
    if (!user || !runActions.signer.verify(c, c.get('organization').id, user.id, token)) return null;
    const runs = selectedRuns(body);
    return { user, token, query: canonical(one(body, 'query')), runs };
  };

  const notFound = (c: ModuleContext) =>
    deps.page(
      c,
      m.bulk.jobNotFound,
      <div class="xa">
        <h1 class="xa-heading">{m.bulk.jobNotFound}</h1>
        <p>
          <a href={deps.mountPath(c)}>{m.backToExecutions}</a>
        </p>
      </div>,
      404,
    );

  const tooMany = (runs: string[] | null) => runs !== null && runs.length > MAX_SELECTED;
  const tooManyAnswer = (c: ModuleContext) =>
    runActions.message(c, 400, m.bulk.tooManySelected(MAX_SELECTED, numberFormat(m.locale).count(MAX_SELECTED)));

  const register = (app: Hono<ModuleEnv>) => {
    app.use('*', async (c, next) => {
      const organization = c.get('organization');
      const db = c.get('db');
      const last = resumedAt.get(organization.id) ?? 0;
      if (deps.enabled && Date.now() - last > leaseMs) {
        resumedAt.set(organization.id, Date.now());
        void runnerOf(db).resume(organization.id, organization.timeZone, logError).catch(logError);
      }
      await next();
    });
    const limit = bodyLimit({ maxSize: FORM_BYTES, onError: (c) => runActions.message(c, 413, m.runActions.notAllowed) });
    for (const { action, path } of ACTIONS) {
      const offered = (c: ModuleContext, user: { id: string; name?: string }) => {
        const scheduler = runActions.schedulerFor(c.get('organization').id, user);
        return action === 'cancel' ? scheduler.cancel : scheduler.runAgain;
      };
      app.post(`/bulk/${path}`, limit, async (c) => {
        const form = await permitted(c);
        if (!form || !offered(c, form.user)) return runActions.message(c, 403, m.runActions.notAllowed);
        if (tooMany(form.runs)) return tooManyAnswer(c);
        const organization = c.get('organization');
        const db = c.get('db');
        const { query, runs } = form;
        const parsed = parseExecutionQuery(new URLSearchParams(query)).query;
        const [count, agents] = await Promise.all([
          c.get('deadline').within(countJobRuns(db, organization.id, { query, runIds: runs }, organization.timeZone)),
          deps.agentsOf(c),
        ]);
        const filters = describeFilters(parsed, { agents }, m);
        const view = buildConfirmView(deps.mountPath(c), action, count, filters, { token: form.token, query, runs }, m);
        return deps.page(c, view.title, <ConfirmPage view={view} />);
      });
      app.post(`/bulk/${path}/confirm`, limit, async (c) => {
        const form = await permitted(c);
        if (!form || !offered(c, form.user)) return runActions.message(c, 403, m.runActions.notAllowed);
        if (tooMany(form.runs)) return tooManyAnswer(c);
        const organization = c.get('organization');
        const db = c.get('db');
        const { query, runs } = form;
        const total = await countJobRuns(db, organization.id, { query, runIds: runs }, organization.timeZone);
        const actor = actorOf(form.user);
        const created = await createJob(db, organization.id, {
          action,
          query,
          runIds: runs,
          userId: actor.id,
          userName: actor.name,
          total,
        });
        if ('busy' in created) {
          return deps.page(
            c,
            m.bulk.busyTitle,
            <div class="xa">
              <h1 class="xa-heading">{m.bulk.busyTitle}</h1>
              <p>{m.bulk.busy}</p>
              <p>
                <a href={jobPath(deps.mountPath(c), created.busy)}>{m.bulk.openJob}</a>
              </p>
            </div>,
            409,
          );
        }
        runnerOf(db).start(organization.id, organization.timeZone, created.job.id, logError);
        return c.redirect(jobPath(deps.mountPath(c), created.job.id), 303);
      });
      for (const route of [`/bulk/${path}`, `/bulk/${path}/confirm`]) {
        app.get(route, (c) => {
          c.header('Allow', 'POST');
          return runActions.message(c, 405, m.runActions.useTheForm);
        });
      }
    }
    app.get('/jobs/:jobId', async (c) => {
      const organization = c.get('organization');
      const db = c.get('db');
      const jobId = id.safeParse(c.req.param('jobId'));
      const job = jobId.success ? await c.get('deadline').within(findJob(db, organization.id, jobId.data)) : null;
      if (!job) return notFound(c);
      const [failures, user] = await Promise.all([
        c.get('deadline').within(jobFailures(db, organization.id, job.id)),
        runActions.actor(c),
      ]);
      const token = user && runActions.signer.token(organization.id, user.id);
      const view = buildJobView(
        job,
        failures,
        { basePath: deps.mountPath(c), token, now: new Date(), everySeconds: deps.refreshSeconds },
        m,
      );
      if (deps.wantsFragment(c)) return deps.renderFragment(c, <JobRegion view={view} />);
      return deps.page(c, view.title, <JobPage view={view} />);
    });
    app.post('/jobs/:jobId/cancel', limit, async (c) => {
      const form = await permitted(c);
      if (!form) return runActions.message(c, 403, m.runActions.notAllowed);
      const jobId = id.safeParse(c.req.param('jobId'));
      const organization = c.get('organization');
      const db = c.get('db');
      if (!jobId.success || !(await findJob(db, organization.id, jobId.data))) return notFound(c);
      await cancelJob(db, organization.id, jobId.data);
      return c.redirect(jobPath(deps.mountPath(c), jobId.data), 303);
    });
    app.get('/jobs/:jobId/cancel', (c) => {
      c.header('Allow', 'POST');
      return runActions.message(c, 405, m.runActions.useTheForm);
    });
  };

  /** The list's bulk buttons for `query`, or undefined when this user may not act. */
  const forList = async (c: ModuleContext, query: ExecutionQuery) => {
    const user = await runActions.actor(c);
    if (!user) return undefined;
    const scheduler = runActions.schedulerFor(c.get('organization').id, user);
    const offered = ACTIONS.filter(({ action }) => (action === 'cancel' ? scheduler.cancel : scheduler.runAgain)).map(
      (a) => a.action,
    );
    const token = runActions.signer.token(c.get('organization').id, user.id);
    return buildBulkButtons(deps.mountPath(c), offered, token, toSearchParams({ ...query, page: 1, cursor: null }).toString(), m);
  };

  return { register, runnerOf, forList };
}
