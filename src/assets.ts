/**
 * The module's static files, served by the module itself under `<mount>/assets/`, with the
 * content hash in the name so they can be cached for a year and never go stale.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Asset {
  /** Hashed file name, e.g. `executions.3f2a9c1b.css`. */
  name: string;
  body: Uint8Array;
  contentType: string;
}

const require = createRequire(import.meta.url);

function load(path: string, stem: string, extension: 'css' | 'js'): Asset {
  const body = readFileSync(path);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  const contentType = extension === 'css' ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
  return { name: `${stem}.${hash}.${extension}`, body, contentType };
}

const publicFile = (name: string) => fileURLToPath(new URL(`../public/${name}`, import.meta.url));

export interface ModuleAssets {
  stylesheet: Asset;
  /** In load order. */
  scripts: Asset[];
  byName: Map<string, Asset>;
}

export function loadAssets(options: { serveHtmx: boolean }): ModuleAssets {
  const stylesheet = load(publicFile('executions.css'), 'executions', 'css');
  const scripts = [
    ...(options.serveHtmx ? [load(require.resolve('htmx.org/dist/htmx.min.js'), 'htmx', 'js')] : []),
    load(publicFile('executions.js'), 'executions', 'js'),
  ];
  const byName = new Map([stylesheet, ...scripts].map((a) => [a.name, a]));
  return { stylesheet, scripts, byName };
}
