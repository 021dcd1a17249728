/**
 * A minimal host for route tests: its "auth" reads the organization from a request header, as a
 * real host would from its session, and mounts the module at a nested, parameterised path.
 */
import { Hono } from 'hono';
import { parseHTML } from 'linkedom';
import type { DatabaseOption } from '../../src/db/routing.js';
import { createExecutionsAdmin, type ExecutionsAdminEnv, type ExecutionsAdminOptions } from '../../src/http/executions-admin.js';

export const ORG_HEADER = 'x-test-organization';

export function createTestHost(
  db: DatabaseOption,
  mountPath = '/admin/executions',
  options: Omit<ExecutionsAdminOptions, 'db'> = {},
) {
  const app = new Hono<ExecutionsAdminEnv>();
  app.use('*', async (c, next) => {
    const organizationId = c.req.header(ORG_HEADER);
    if (organizationId) c.set('organizationId', organizationId);
    await next();
  });
  app.route(mountPath, createExecutionsAdmin({ db, ...options }));
  return app;
}

export function parseDocument(html: string): Document {
  return parseHTML(html).document as unknown as Document;
}

/** Text as a reader sees it: whitespace collapsed. */
export const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

export const htmxHeaders = { 'HX-Request': 'true', 'HX-Target': 'div#xa-results' };
