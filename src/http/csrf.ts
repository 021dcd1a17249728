/**
 * Cross-site request forgery, refused for every form the module's pages post, with no session
 * store: a POST must come from a page of the same origin (the browser's Sec-Fetch-Site, else its
 * Origin against the Host), and carry the form token, an HMAC of the organization and the user under
 * the host's `csrfSecret`. Another site can neither read the token nor make one; a token of
 * another organization or user does not verify here. Anything else is a 403 page, never a 500.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';

/** The hidden field every form of the module carries its token in. */
export const CSRF_FIELD = 'csrf';

/** The body a form may send at most: a name of any length fits, a flood does not. */
export const FORM_BYTES = 256 * 1024;

export interface FormSigner {
  /** The token of forms shown to `userId` of `organizationId`. */
  token(organizationId: string, userId: string): string;
  /** Whether a POST is same-origin and carries that token. */
  verify(c: Context, organizationId: string, userId: string, sent: unknown): boolean;
}

/** A POST the browser says, or whose Origin says, comes from another site. */
function crossOrigin(c: Context): boolean {
  const site = c.req.header('Sec-Fetch-Site');
  // A browser that sends it says it plainly: only the module's own pages post its forms.
  if (site !== undefined) return site !== 'same-origin';
  const origin = c.req.header('Origin');
  // No Origin (an older client): the token alone decides.
  if (origin === undefined) return false;
  // The host, not the scheme: behind a proxy that ends TLS the request arrives as http.
  try {
    return new URL(origin).host !== (c.req.header('Host') ?? new URL(c.req.url).host);
  } catch {
    return true; // "null", or not a URL
  }
}

/**
 * Without a secret, one made as the process starts: tokens then hold until it restarts and only
 * on it, so a host with several instances, or that restarts under open pages, passes `csrfSecret`.
 */
export function formSigner(secret: string | undefined): FormSigner {
  const key = secret ?? randomBytes(32).toString('hex');
  const token = (organizationId: string, userId: string) =>
    createHmac('sha256', key)
      .update(JSON.stringify(['executions-admin form', organizationId, userId]))
      .digest('base64url');
  return {
    token,
    verify(c, organizationId, userId, sent) {
      if (crossOrigin(c) || typeof sent !== 'string') return false;
      const expected = Buffer.from(token(organizationId, userId));
      const given = Buffer.from(sent);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
