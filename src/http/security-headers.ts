/**
 * Security headers on every response of the module. The Content-Security-Policy allows scripts
 * from the page's own origin only — never inline code or eval — and the one inline stylesheet
 * by its hash, so markup injected through data could neither run nor restyle the page even if
 * escaping ever failed. htmx needs nothing more: the markup uses no `hx-on` or `js:` values, and
 * its indicator styles are a constructed stylesheet, which style-src does not govern.
 *
 * The module's sources are exported, so that a host with a policy of its own can allow them.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

export type CspDirective =
  | 'default-src'
  | 'script-src'
  | 'style-src'
  | 'img-src'
  | 'font-src'
  | 'connect-src'
  | 'form-action'
  | 'frame-ancestors'
  | 'base-uri'
  | 'object-src';

/**
 * What the module's pages load, by directive: a host with its own policy adds these to it
 * (`executionsAdminCsp()`). Everything else the module's policy forbids.
 */
export interface ExecutionsAdminCspSources {
  /** Its one script, served from the mount path. */
  'script-src': string[];
  /** Its inline stylesheet (and htmx 2's, when the host loads htmx), by hash. */
  'style-src': string[];
  /** The favicon of its own document is a data: URL (no request); icons are inline SVG. */
  'img-src': string[];
  /** htmx's requests, to the module's own routes. */
  'connect-src': string[];
  /** The filter form, submitted to the module's own route. */
  'form-action': string[];
}

export interface SecurityHeadersOptions {
  /**
   * Sources the host adds to the module's policy, by directive — for what its own layout loads,
   * e.g. `{ 'style-src': [cspHash(hostCss)], 'img-src': ['https://cdn.example.com'] }`.
   */
  sources?: Partial<Record<CspDirective, readonly string[]>>;
}

/** The CSP source expression allowing exactly this inline `<style>` or `<script>` text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The module's sources; `styleHashes` allow its inline styles (see `loadAssets`). */
export function moduleCspSources(styleHashes: readonly string[]): ExecutionsAdminCspSources {
  return {
    'script-src': ["'self'"],
    'style-src': [...styleHashes],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'form-action': ["'self'"],
  };
}

/** The policy: the module's own sources and the host's. */
export function contentSecurityPolicy(sources: ExecutionsAdminCspSources, options: SecurityHeadersOptions = {}): string {
  const policy: Record<CspDirective, string[]> = {
    'default-src': ["'none'"],
    'script-src': sources['script-src'],
    'style-src': sources['style-src'],
    'img-src': sources['img-src'],
    'font-src': ["'none'"],
    'connect-src': sources['connect-src'],
    'form-action': sources['form-action'],
    'frame-ancestors': ["'self'"],
    'base-uri': ["'none'"],
    'object-src': ["'none'"],
  };
  for (const [directive, extra] of Object.entries(options.sources ?? {}) as [CspDirective, readonly string[]][]) {
    if (extra.length === 0) continue;
    // 'none' next to other sources is ignored by browsers, with a console warning: drop it.
    const kept = policy[directive].filter((source) => source !== "'none'");
    policy[directive] = [...new Set([...kept, ...extra])];
  }
  return Object.entries(policy)
    .map(([directive, list]) => `${directive} ${list.join(' ')}`)
    .join('; ');
}

/** Sets the headers on every response that passes through, errors and 304s included. */
export function securityHeaders(sources: ExecutionsAdminCspSources, options: SecurityHeadersOptions = {}): MiddlewareHandler {
  const headers = {
    'Content-Security-Policy': contentSecurityPolicy(sources, options),
    'X-Content-Type-Options': 'nosniff',
    // URLs carry filters and ids: other sites get no referrer at all.
    'Referrer-Policy': 'same-origin',
    // frame-ancestors for browsers that predate it.
    'X-Frame-Options': 'SAMEORIGIN',
  };
  return async (c, next) => {
    // Set before, so that every response the handlers make carries them from the start: a HEAD
    // answered through @hono/node-server is rebuilt from the response as first made, and
    // headers set on it afterwards were lost. Set again after, for responses made otherwise.
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
