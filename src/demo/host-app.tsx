/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/**
 * The demo host: a tiny admin with a sidebar, a fake sign-in as the demo organization, and the
 * module mounted at /admin/executions — what a team's own Hono admin would do.
 */
import { Hono } from 'hono';
import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import type { ExecutionsDatabase } from '../db/database.js';
import { createExecutionsAdmin, type ExecutionsAdminEnv } from '../http/executions-admin.js';
import { cspHash } from '../http/security-headers.js';
import type { RunActions } from '../http/options.js';
import type { SimulatedScheduler } from './simulator.js';
import { AssetTags, Document, type Layout } from '../../views/shared/layout.js';

const HOST_CSS = `
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #0b0c0c; }
.demo { display: flex; flex-wrap: wrap; min-height: 100vh; }
.demo-sidebar { flex: 0 0 13rem; background: #0b0c0c; color: #fff; padding: 1rem; }
.demo-sidebar p { margin: 0 0 1rem; font-weight: 700; }
.demo-sidebar ul { list-style: none; margin: 0; padding: 0; }
.demo-sidebar a { display: block; padding: .6rem .75rem; color: #fff; }
.demo-sidebar a[aria-current="page"] { background: #1d70b8; font-weight: 700; }
.demo-sidebar a:focus-visible { outline: 3px solid #ffdd00; color: #0b0c0c; background: #ffdd00; }
.demo-content { flex: 1 1 20rem; min-width: 0; }
.demo-user { margin: 0; padding: .75rem 1rem; border-bottom: 1px solid #b1b4b6; color: #505a5f; }
.demo-skip { position: absolute; left: -9999px; }
.demo-skip:focus { position: static; display: inline-block; padding: .5rem; background: #ffdd00; color: #0b0c0c; }
@media (max-width: 40rem) { .demo-sidebar { flex-basis: 100%; } }
@media (forced-colors: active) {
  .demo-sidebar, .demo-sidebar a { forced-color-adjust: none; color: CanvasText; background: Canvas; }
  .demo-sidebar a[aria-current="page"] { color: HighlightText; background: Highlight; }
}
`;

export const DEMO_MOUNT_PATH = '/admin/executions';

const DemoLayout: FC<Parameters<Layout>[0] & { organizationName: string }> = ({
  title,
  lang,
  assets,
  children,
  organizationName,
}) => (
  <Document
    title={`${title} – Acme admin`}
    lang={lang}
    head={
      <>
        {/* Inline, like the module's: no render-blocking request before the first paint. */}
        <style>{raw(HOST_CSS)}</style>
        <AssetTags assets={assets} />
      </>
    }
  >
    <a class="demo-skip" href="#main">
      Skip to main content
    </a>
    <div class="demo">
      <nav class="demo-sidebar" aria-label="Admin">
        <p>Acme admin</p>
        <ul>
          <li>
            <a href={DEMO_MOUNT_PATH} aria-current="page">
              Executions
            </a>
          </li>
        </ul>
      </nav>
      <div class="demo-content">
        <p class="demo-user">Signed in to {organizationName} (demo)</p>
        <main id="main" class="xa-main" tabindex={-1}>
          {children}
        </main>
      </div>
    </div>
  </Document>
);

export const DEMO_USER = { id: 'demo-user', name: 'Dana (demo)' };

/** `scheduler`: the simulated one, whose actions the pages then offer (Run again, Cancel). */
export function createDemoApp(
  db: ExecutionsDatabase,
  organization: { id: string; name: string },
  scheduler?: Pick<SimulatedScheduler, 'runAgain' | 'cancel'>,
) {
  const app = new Hono<ExecutionsAdminEnv>();
  app.get('/', (c) => c.redirect(DEMO_MOUNT_PATH));
  // The fake sign-in: a real host maps its session to an organization here.
  app.use('/admin/*', async (c, next) => {
    c.set('organizationId', organization.id);
    await next();
  });
  const layout: Layout = (props) => <DemoLayout {...props} organizationName={organization.name} />;
  // The module's Content-Security-Policy covers the whole page, layout included: allow exactly
  // the host's own inline stylesheet by its hash.
  const securityHeaders = { sources: { 'style-src': [cspHash(HOST_CSS)] } };
  // The fake sign-in's user, who may share views: a real host reads both from its session.
  const user = () => DEMO_USER;
  const canShareViews = () => true;
  // The demo's user may act on every run; a real host asks its own permissions.
  const actions: RunActions | undefined = scheduler && {
    runAgain: (run, { key }) => scheduler.runAgain(run.scheduleId, key),
    cancel: async (run) => scheduler.cancel(run.executionId),
  };
  const canAct = () => true;
  app.route(DEMO_MOUNT_PATH, createExecutionsAdmin({ db, layout, securityHeaders, user, canShareViews, actions, canAct }));
  return app;
}
