/**
 * The Activity view over HTTP: `GET /activity`, the actions taken on runs with the list's filters,
 * read-only, for any user who may see the list. Registered only when the host gave actions:
 * without, there is no trail to show and the path is unknown, as any other.
 */
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { loadActivity } from '../actions/activity-repository.js';
import { activityHref, activityQuery, buildActivityView } from '../actions/activity-view-model.js';
import type { Messages } from '../i18n/messages.js';
import { h } from '../lib/jsx.js';
import { checkQuery } from '../list/execution-list.js';
import type { FilterFacts } from '../list/filter.js';
import { parseExecutionQuery, type ExecutionQuery } from '../list/query.js';
import { ActivityPage } from '../../views/activity/activity-page.js';
import type { ModuleEnv } from './executions-admin.js';

type ModuleContext = Context<ModuleEnv>;

export interface ActivityDeps {
  messages: Messages;
  mountPath: (c: Context) => string;
  page: (c: Context, title: string, content: Child) => Response | Promise<Response>;
  /** Whether the host gave any action. */
  enabled: boolean;
  agentsOf: (c: ModuleContext) => Promise<FilterFacts['agents']>;
}

export function activityRoutes(deps: ActivityDeps) {
  const { messages: m } = deps;

  const register = (app: Hono<ModuleEnv>) => {
    if (!deps.enabled) return;
    app.get('/activity', async (c) => {
      const organization = c.get('organization');
      const db = c.get('db');
      const deadline = c.get('deadline');
      const agents = await deadline.within(deps.agentsOf(c));
      // The list's parse and checks: a value it cannot use is its default, with the field's message.
      const parsed = checkQuery(parseExecutionQuery(new URL(c.req.url).searchParams), agents);
      const page = await deadline.within(loadActivity(db, organization.id, activityQuery(parsed.query), organization.timeZone));
      const view = buildActivityView(
        page,
        {
          basePath: deps.mountPath(c),
          timeZone: organization.timeZone,
          now: new Date(),
          agents,
          errors: parsed.errors,
          rejected: parsed.rejected,
        },
        m,
      );
      return deps.page(c, view.title, <ActivityPage view={view} />);
    });
  };

  /** The list's link to the view of its filters; undefined without actions. */
  const hrefFor = (c: Context, query: ExecutionQuery) => (deps.enabled ? activityHref(deps.mountPath(c), query) : undefined);

  return { register, hrefFor };
}
