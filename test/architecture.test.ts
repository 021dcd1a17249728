/**
 * The layout's rules, read from the source: imports flow one way (http → features → db and lib),
 * views import only types from src/ and the JSX factory, and no source file grows past what a
 * reader takes in at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

interface Import {
  from: string;
  /** The imported file, relative to the root (extension as written), or the package's name. */
  target: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'/gms)].map((m) => ({
    from: file,
    target: m[2]!.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), m[2]!)) : m[2]!,
    typeOnly: m[1] !== undefined,
  }));
}

/** The part of the tree a file belongs to: `src/list`, `views`, … */
function layerOf(path: string): string {
  const [top, sub] = path.split('/');
  return top === 'src' && sub && !sub.includes('.') ? `src/${sub}` : top === 'src' ? 'src' : top!;
}

const FEATURES = ['src/list', 'src/digest', 'src/conversation', 'src/csv', 'src/write', 'src/actions'];
/** What each layer may import, besides itself and packages. */
const ALLOWED: Record<string, string[]> = {
  'src/lib': [],
  'src/db': ['src/lib'],
  // The message tables: words, and the statuses and schedule kinds they name.
  'src/i18n': ['src/db'],
  'src/list': ['src/db', 'src/lib', 'src/i18n'],
  // The other features build on the list: its query value, filters and page queries.
  'src/digest': ['src/list', 'src/db', 'src/lib', 'src/i18n'],
  'src/conversation': ['src/list', 'src/db', 'src/lib', 'src/i18n'],
  'src/csv': ['src/list', 'src/db', 'src/lib', 'src/i18n'],
  'src/write': ['src/db', 'src/lib'],
  // Actions on runs: they end a run through the write API, and word names as saved views do.
  'src/actions': ['src/write', 'src/list', 'src/db', 'src/lib', 'src/i18n'],
  'src/http': [...FEATURES, 'src/db', 'src/lib', 'src/i18n', 'views'],
  src: ['src/http', 'src/db', 'src/write', 'src/i18n', 'views'],
};

const srcFiles = sources('src').filter((f) => !f.startsWith('src/demo/'));
const viewFiles = sources('views');

describe('architecture', () => {
  it('has imports flow one way: http → features → db and lib', () => {
    const wrong = srcFiles
      .flatMap(importsOf)
      .filter((i) => i.target.startsWith('src') || i.target.startsWith('views'))
      .filter((i) => {
        const from = layerOf(i.from);
        const to = layerOf(i.target);
        return from !== to && !(ALLOWED[from] ?? []).includes(to);
      })
      .map((i) => `${i.from} → ${i.target}`);
    expect(wrong).toEqual([]);
  });

  it('has views import only types from src/, and the JSX factory', () => {
    const wrong = viewFiles
      .flatMap(importsOf)
      .filter((i) => i.target.startsWith('src/') && !i.typeOnly && i.target !== 'src/lib/jsx.js')
      .map((i) => `${i.from} → ${i.target}`);
    expect(wrong).toEqual([]);
  });

  it('keeps every source file within 400 lines', () => {
    const long = [...sources('src'), ...viewFiles]
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 400)
      .map(({ file, lines }) => `${file}: ${lines}`);
    expect(long).toEqual([]);
  });

  it('reads the imports it checks', () => {
    // A regular expression that matched nothing would pass every rule above.
    const all = [...srcFiles, ...viewFiles].flatMap(importsOf);
    expect(all.filter((i) => i.target === 'src/lib/jsx.js').length).toBeGreaterThanOrEqual(8);
    expect(all.some((i) => i.from === 'src/http/executions-admin.tsx' && i.target === 'src/list/query.js')).toBe(true);
  });
});
