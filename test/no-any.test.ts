/** `tsc --noEmit` runs before the suite (npm test); this keeps `any` out of the shipped code. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('no any', () => {
  it.each(['src', 'views'])('in %s/', (dir) => {
    const offending = sources(dir).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => /(:\s*any\b|\bas\s+any\b|<any>|\bany\[\]|<any,|,\s*any>)/.test(line.replace(/\/\/.*$/, '')))
        .map(({ at }) => at),
    );
    expect(offending).toEqual([]);
  });
});
