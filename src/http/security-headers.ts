/**
 * Security headers on every response of the module. The Content-Security-Policy allows scripts
 * from the page's own origin only — never inline code or eval — and the one inline stylesheet
 * by its hash, so markup injected through data could neither run nor restyle the page even if
 * escaping ever failed. htmx needs nothing more: the markup uses no `hx-on` or `js:` values, and
 * its indicator styles are a constructed stylesheet, which style-src does not govern.
 *
 * A host with a policy of its own keeps it: the module's sources are exported so that the host's
 * policy can allow them, and the host's nonce, when there is one, goes on the module's tags.
 */
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { SecureHeadersVariables } from 'hono/secure-headers';

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

/** CSP's nonce-source grammar (base64 or base64url): anything else could break out of the header. */
const NONCE_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Sets the request's nonce on the context, as `nonce`: read with the host's function, by default
 * the one hono's `secureHeaders()` made for `NONCE`. Read once, since a host's function might not
 * answer the same twice, and tags and policy must agree. A malformed one is left out, loudly: the
 * page then shows what the host's policy blocks, rather than a 500.
 */
export function hostNonce(read?: (c: Context) => string | undefined): MiddlewareHandler<{
  Variables: SecureHeadersVariables & { nonce?: string };
}> {
  const checked = (nonce: unknown): string | undefined => {
    if (nonce === undefined || nonce === null || nonce === '') return undefined;
    if (typeof nonce === 'string' && NONCE_PATTERN.test(nonce)) return nonce;
    console.error('executions-admin: the nonce is not a base64 value, left out of the page:', JSON.stringify(nonce));
    return undefined;
  };
  return async (c, next) => {
    c.set('nonce', checked(read ? read(c) : c.get('secureHeadersNonce')));
    await next();
  };
}

/** The policy: the module's own sources, the host's, and the request's nonce for inline style and script. */
export function contentSecurityPolicy(
  sources: ExecutionsAdminCspSources,
  options: SecurityHeadersOptions = {},
  nonce?: string,
): string {
  // Fonts and plugins are left to default-src 'none': naming them again would only add bytes.
  const policy: Partial<Record<CspDirective, string[]>> = {
    'default-src': ["'none'"],
    'script-src': sources['script-src'],
    'style-src': sources['style-src'],
    'img-src': sources['img-src'],
    'connect-src': sources['connect-src'],
    'form-action': sources['form-action'],
    'frame-ancestors': ["'self'"],
    'base-uri': ["'none'"],
  };
  const added = { ...options.sources };
  if (nonce) {
    for (const directive of ['script-src', 'style-src'] as const) {
      added[directive] = [...(added[directive] ?? []), `'nonce-${nonce}'`];
    }
  }
  for (const [directive, extra] of Object.entries(added) as [CspDirective, readonly string[]][]) {
    if (extra.length === 0) continue;
    // 'none' next to other sources is ignored by browsers, with a console warning: drop it.
    const kept = (policy[directive] ?? []).filter((source) => source !== "'none'");
    policy[directive] = [...new Set([...kept, ...extra])];
  }
  return Object.entries(policy)
    .map(([directive, list]) => `${directive} ${list!.join(' ')}`)
    .join('; ');
}

const CSP = 'Content-Security-Policy';

/**
 * Sets the headers on every response that passes through, errors and 304s included. A policy the
 * host set before the module answers is kept, and the module's left out; one it sets after
 * replaces the module's (hono's `secureHeaders()` does, unless `overwrite: false`).
 */
export function securityHeaders(
  sources: ExecutionsAdminCspSources,
  options: SecurityHeadersOptions,
  nonceOf: (c: Context) => string | undefined,
): MiddlewareHandler {
  const withoutNonce = contentSecurityPolicy(sources, options);
  const headers = {
    'X-Content-Type-Options': 'nosniff',
    // URLs carry filters and ids: other sites get no referrer at all.
    'Referrer-Policy': 'same-origin',
    // frame-ancestors for browsers that predate it.
    'X-Frame-Options': 'SAMEORIGIN',
  };
  return async (c, next) => {
    const nonce = nonceOf(c);
    const policy = nonce ? contentSecurityPolicy(sources, options, nonce) : withoutNonce;
    // Set before, so that every response the handlers make carries them from the start: a HEAD
    // answered through @hono/node-server is rebuilt from the response as first made, and
    // headers set on it afterwards were lost. Set again after, for responses made otherwise.
    // The policy is appended, not set, so that one the host set ahead of the module survives
    // (reading the host's header here would make hono build the response early, and then copy
    // every response a handler makes); the module's is taken out again below.
    c.header(CSP, policy, { append: true });
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    await next();
    const sent = c.res.headers;
    const own = `, ${policy}`;
    const value = sent.get(CSP);
    if (value === null) sent.set(CSP, policy);
    else if (value.endsWith(own)) sent.set(CSP, value.slice(0, -own.length));
    for (const [name, value] of Object.entries(headers)) sent.set(name, value);
  };
}
