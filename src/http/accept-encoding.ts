/**
 * The one reading of `Accept-Encoding` in the module: for the pages and fragments compressed per
 * response (compress.ts) and for the script compressed once at start-up (assets.ts).
 */
import { parseAccept } from 'hono/utils/accept';

/**
 * The coding to send, of `offered` (lower case, in the server's order of preference), chosen as
 * hono's compress() chooses: the first one the client accepts at q=1, else the one it accepts at
 * the highest q, the earlier on a tie. A coding the header does not name takes the q of `*`, if
 * any, else 0; names compare case-insensitively. Undefined when the header is absent or accepts
 * none of them: the body goes as it is (`identity`, which is not negotiated here).
 */
export function negotiateEncoding<T extends string>(header: string | undefined, offered: readonly T[]): T | undefined {
  if (header === undefined) return undefined;
  const accepts = parseAccept(header);
  const wildcardQ = accepts.find((a) => a.type === '*')?.q;
  let best: { encoding: T; q: number } | undefined;
  for (const encoding of offered) {
    const explicit = accepts.find((a) => a.type.toLowerCase() === encoding);
    const q = explicit ? explicit.q : (wildcardQ ?? 0);
    if (q === 1) return encoding;
    if (q > 0 && (!best || q > best.q)) best = { encoding, q };
  }
  return best?.encoding;
}
