/**
 * The module's static files. The stylesheet is small and render-blocking, so it is inlined in
 * every page: on a slow link the table paints after one round trip, not two. The scripts —
 * htmx (unless the host loads its own) and the module's enhancements — are one file served under
 * `<mount>/assets/`, named by content hash so it can be cached for a year, and compressed once at
 * start-up rather than per request.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { negotiateEncoding } from './accept-encoding.js';
import { cspHash, moduleCspSources, type ExecutionsAdminCspSources } from './security-headers.js';

export interface Asset {
  /** Hashed file name, e.g. `executions.3f2a9c1b0d.js`. */
  name: string;
  contentType: string;
  identity: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  br: Uint8Array<ArrayBuffer>;
}

export interface ModuleAssets {
  /** The stylesheet's text, for a `<style>` element. */
  css: string;
  /** What its pages load, for its policy or the host's (see `executionsAdminCsp`). */
  cspSources: ExecutionsAdminCspSources;
  script: Asset;
}

const require = createRequire(import.meta.url);
const publicFile = (name: string) => fileURLToPath(new URL(`../../public/${name}`, import.meta.url));
const bytes = (b: Buffer) => new Uint8Array(b);

/**
 * htmx 2.0.x appends this to <head> as a <style> element unless the host turned
 * `includeIndicatorStyles` off; htmx 4 uses a constructed stylesheet, which CSP does not govern.
 */
const HTMX2_INDICATOR_CSS =
  '.htmx-indicator{opacity:0;visibility: hidden} ' +
  '.htmx-request .htmx-indicator, .htmx-request.htmx-indicator{opacity:1;visibility: visible;transition: opacity 200ms ease-in}';

/** Comments and runs of white space out: fewer bytes in every page, before compression too; ASCII only. */
function minifyCss(css: string): string {
  return (
    css
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      // Not around ':' — a space before it is a descendant combinator (`.a :is(b)`).
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/;}/g, '}')
      // As CSS escapes: a page carrying the stylesheet stays a one-byte V8 string while its text is
      // Latin-1, at no cost to the stylesheet's authors (docs/performance.md, "Pages within Latin-1").
      .replace(/[^\p{ASCII}]/gu, (char) => `\\${char.codePointAt(0)!.toString(16)} `)
      .trim()
  );
}

const loadStylesheet = () => minifyCss(readFileSync(publicFile('executions.css'), 'utf8'));

/**
 * CSP sources allowing exactly the inline styles a page of the module carries, by hash: its
 * stylesheet and, when the host loads htmx itself, htmx 2's indicator stylesheet.
 */
const cspSourcesFor = (css: string, serveHtmx: boolean) =>
  moduleCspSources([cspHash(css), ...(serveHtmx ? [] : [cspHash(HTMX2_INDICATOR_CSS)])]);

/**
 * What the module's pages load, by directive, for a host whose own Content-Security-Policy covers
 * them: known before any request. Pass the `serveHtmx` given to `createExecutionsAdmin`.
 */
export function executionsAdminCsp(options: { serveHtmx?: boolean } = {}): ExecutionsAdminCspSources {
  return cspSourcesFor(loadStylesheet(), options.serveHtmx ?? true);
}

export function loadAssets(options: { serveHtmx: boolean }): ModuleAssets {
  const css = loadStylesheet();
  const parts = [
    ...(options.serveHtmx ? [readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8')] : []),
    readFileSync(publicFile('executions.js'), 'utf8'),
  ];
  const source = Buffer.from(parts.join('\n;\n'));
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 10);
  return {
    css,
    cspSources: cspSourcesFor(css, options.serveHtmx),
    script: {
      name: `executions.${hash}.js`,
      contentType: 'text/javascript; charset=utf-8',
      identity: bytes(source),
      gzip: bytes(gzipSync(source, { level: 9 })),
      br: bytes(brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })),
    },
  };
}

const SCRIPT_ENCODINGS = ['br', 'gzip'] as const;

/**
 * Which of the script's copies to send: brotli or gzip, as the client's q-values and then the
 * smaller (brotli) prefer, else the uncompressed one.
 */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
  return negotiateEncoding(acceptEncoding, SCRIPT_ENCODINGS) ?? 'identity';
}
