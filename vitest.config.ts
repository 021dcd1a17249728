import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const TIMED = [
  'test/bandwidth.test.ts',
  'test/seed.test.ts',
  'test/conversation-bounds.test.ts',
  'test/bounded-list.test.ts',
  'test/hostile-queries.test.ts',
  'test/no-statistics.test.ts',
];
const LOAD = ['test/load.test.ts'];

/**
 * The files that keep a worker busy longest (their times are in docs/performance.md, "The suite's
 * own time"), longest first. Without a record of earlier runs — CI's fresh install —
 * vitest starts the largest files first, and a two-minute file started last ran on alone at the end.
 */
const LONGEST = [
  'browser-live-minutes',
  'accessibility',
  'csv-export',
  'xss',
  'packaged-host',
  'tenant-isolation',
  'read-replica',
  'raw-socket-fuzz',
  'browser-bulk-jobs',
  'browser-names',
  'exact-counts',
  'database-faults',
  'browser-small-screens',
  'install-weight',
].map((name) => `/test/${name}.test.ts`);

/** Vitest's own order (groups, then what it knows of earlier runs), with the longest files first in each group. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const found = LONGEST.findIndex((name) => file.moduleId.endsWith(name));
      return found === -1 ? LONGEST.length : found;
    };
    const group = (file: TestSpecification) => file.project.config.sequence.groupOrder;
    const sorted = await super.sort(files);
    return sorted
      .map((file, index) => ({ file, index }))
      .sort((a, b) => group(a.file) - group(b.file) || rank(a.file) - rank(b.file) || a.index - b.index)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  // The views' JSX as tsc compiles it (tsconfig's jsxFactory): no development-only __self and
  // __source props, which the module's factory would refuse as attributes.
  oxc: { jsx: { development: false } },
  test: {
    // For a test that hangs, not a speed limit (the timed suites assert their own): on a busy
    // machine a newcomer's run on PGlite took 57 s for a tenant-isolation property and over 60 s
    // for the packed host's journey.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // PGlite instances and Chromium are memory-hungry; two workers suit the 2-core CI machine for
    // the groups that measure. The suite's own group takes three (below).
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    // expect.poll waits for a state the page reaches; how soon is for the timed suites to say. On a
    // busy 2-core machine an htmx swap took longer than vitest's default second (a fresh clone's
    // npm test, browser-list), and the test failed on the wait, not on the page.
    expect: { poll: { timeout: 5_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...TIMED, ...LOAD],
          // Many of its files mostly wait — the live-region log's two minutes, a stalled CSV reader,
          // a replica falling behind, servers and browsers starting — and left a core idle at two
          // workers; a third fills it. A fourth made timing bounds here miss (docs/performance.md,
          // "The suite's own time").
          maxWorkers: 3,
          // Each worker keeps its imports from one file to the next: a fresh process per file spent
          // about 170 s of the workers' time importing (docs/performance.md). No file mocks a
          // module or changes the environment, and each closes its databases, servers and browsers.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      // Timings under emulated Slow 3G, the conversation page's with 10 MB in every field, the
      // CSV's megabyte rows within the default deadline, every hostile query string within a second,
      // an import's rate beside an analyzed one and the demo's seed within 20 s are only meaningful
      // on a quiet machine (with both cores busy, the CSV's first part once missed it, one of 6,250
      // query strings took 2.5 s, one batch of the import three times its neighbours', and the seed
      // 52 s among four workers): after the suite, one at a time.
      { extends: true, test: { name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 1 } } },
      // A minute at saturation takes both cores: alone and last, so it slows no timed suite and
      // nothing skews its figures.
      { extends: true, test: { name: 'load', include: LOAD, sequence: { groupOrder: 2 } } },
    ],
  },
});
