// A team's own admin, in plain JavaScript: no TypeScript, no build. It installs the packed
// module, maps its own session cookie to an organization, mounts the Executions page at a
// nested path and renders it inside its own layout.
//
//   HTMX=2 node server.js   the host loads its own htmx 2.0.x; the module serves none
//   node server.js          the module serves its pinned htmx 4
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { jsxRenderer } from 'hono/jsx-renderer';
import { createExecutionsAdmin, openDatabase, startExecution } from 'executions-admin';
import { recordExampleRuns, ORGANIZATIONS } from './record-runs.js';

const hostLoadsHtmx2 = process.env.HTMX === '2';
const htmx2 = hostLoadsHtmx2 ? readFileSync(createRequire(import.meta.url).resolve('htmx2/dist/htmx.min.js')) : null;

// The database: PGlite in memory for the example (an optional peer of the module, so package.json
// declares it); DATABASE_URL for real Postgres.
const database = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {});
await database.migrate();
await recordExampleRuns(database.db);

/** The host's sessions: an opaque cookie value to a signed-in user of one organization. */
const sessions = new Map();

const app = new Hono();

// The host's own layout, through hono's jsxRenderer: the module renders inside it.
app.use(
  '*',
  jsxRenderer(
    ({ children, title }) =>
      html` <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>${title ?? 'Example host'} · Example host</title>
          <link rel="icon" href="data:," />
          ${hostLoadsHtmx2 ? html`<script src="/static/htmx-2.min.js" defer></script>` : ''}
        </head>
        <body>
          <header class="host-header"><strong>Example host admin</strong></header>
          <main id="main">${children}</main>
        </body>
      </html>`,
  ),
);

app.get('/static/htmx-2.min.js', (c) =>
  htmx2 ? c.body(htmx2, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }) : c.notFound(),
);

app.get('/login', (c) =>
  c.render(
    html`<h1>Sign in</h1>
      <ul>
        ${ORGANIZATIONS.map((o) => html`<li><a href="/login/${o.id}">Sign in to ${o.name}</a></li>`)}
      </ul>`,
    { title: 'Sign in' },
  ),
);

app.get('/login/:org', (c) => {
  const organization = ORGANIZATIONS.find((o) => o.id === c.req.param('org'));
  if (!organization) return c.notFound();
  const token = randomBytes(16).toString('hex');
  sessions.set(token, {
    organizationId: organization.id,
    user: { id: `admin-of-${organization.id}`, name: `Admin of ${organization.name}` },
  });
  setCookie(c, 'host_session', token, { httpOnly: true, sameSite: 'Lax', path: '/' });
  return c.redirect(`/orgs/${organization.id}/admin/executions`);
});

app.get('/logout', (c) => {
  sessions.delete(getCookie(c, 'host_session'));
  deleteCookie(c, 'host_session', { path: '/' });
  return c.redirect('/login');
});

// The host's auth: the session decides the organization. The :org in the path must be the
// session's own — the URL never chooses whose executions are shown.
app.use('/orgs/:org/*', async (c, next) => {
  const session = sessions.get(getCookie(c, 'host_session'));
  if (!session) return c.redirect('/login');
  if (session.organizationId !== c.req.param('org')) return c.text('Not your organization', 403);
  c.set('organizationId', session.organizationId);
  await next();
});

// Run again and Cancel for the signed-in user, who may act on the organization's runs. This host has
// no worker: a run made again is recorded Pending, and a cancelled run has nothing left to stop.
const actions = {
  runAgain: (run, ctx) =>
    startExecution(database.db, ctx.organizationId, {
      key: ctx.key,
      scheduleId: run.scheduleId,
      prompt: 'Run again from the admin',
    }),
  cancel: async () => {},
};
const user = (c) => sessions.get(getCookie(c, 'host_session'))?.user ?? null;

app.route(
  '/orgs/:org/admin/executions',
  createExecutionsAdmin({ db: database.db, serveHtmx: !hostLoadsHtmx2, user, actions, canAct: (c) => user(c) !== null }),
);

app.get('/', (c) => c.redirect('/login'));

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3001), hostname: '127.0.0.1' }, (info) => {
  console.log(`Example host listening on http://127.0.0.1:${info.port}/login`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    void database.close().then(() => process.exit(0));
  });
}
