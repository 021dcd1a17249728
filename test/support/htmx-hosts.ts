/**
 * How htmx comes to the page in browser tests: the module's own htmx 4, or a host layout that
 * loads htmx 2.0.x (or htmx 4 with its history-cache extension) itself, each at its own mount.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { jsxRenderer } from 'hono/jsx-renderer';
import type { ExecutionsDatabase } from '../../src/db/database.js';
import type { ExecutionsAdminOptions } from '../../src/http/executions-admin.js';
import { createTestHost } from './test-host.js';

const require = createRequire(import.meta.url);
const script = (specifier: string) => readFileSync(require.resolve(specifier));

export const HOSTS = {
  'htmx 4, served by the module': { version: '4', scripts: null },
  'htmx 2.0.x, loaded by the host': { version: '2', scripts: [script('htmx2/dist/htmx.min.js')] },
  'htmx 4 and its history-cache extension, loaded by the host': {
    version: '4',
    scripts: [script('htmx.org/dist/htmx.min.js'), script('htmx.org/dist/ext/hx-history-cache.min.js')],
  },
} as const;
export type HostName = keyof typeof HOSTS;
export const HOST_NAMES = Object.keys(HOSTS) as HostName[];
export const listOf = (name: HostName) => `/host-${HOST_NAMES.indexOf(name)}/executions`;

/** One server, a mount per host: the module alone, or inside a layout that loads htmx itself. */
export function htmxHosts(db: ExecutionsDatabase, options: Omit<ExecutionsAdminOptions, 'db'> = {}) {
  const app = new Hono();
  for (const name of HOST_NAMES) {
    const { scripts } = HOSTS[name];
    const list = listOf(name);
    if (scripts) {
      scripts.forEach((body, i) =>
        app.get(`${list}-static/${i}.js`, (c) => c.body(body, 200, { 'Content-Type': 'text/javascript; charset=utf-8' })),
      );
      app.use(
        `${list}/*`,
        // The module renders through the host's renderer as c.render(content, { title }).
        jsxRenderer((props) => {
          const { children, title } = props as typeof props & { title: string };
          return html`<!doctype html>
            <html lang="en">
              <head>
                <title>${title}</title>
                <link rel="icon" href="data:," />
                ${scripts.map((_, i) => html`<script src="${list}-static/${i}.js" defer></script>`)}
              </head>
              <body>
                <main>${children}</main>
              </body>
            </html>`;
        }),
      );
    }
    app.route('/', createTestHost(db, list, { ...options, serveHtmx: scripts === null }));
  }
  return app;
}
