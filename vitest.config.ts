import { defineConfig } from 'vitest/config';

const TIMED = ['test/bandwidth.test.ts', 'test/conversation-bounds.test.ts'];
const LOAD = ['test/load.test.ts'];
/** SERVER_SUITES_ONLY=1 leaves the browser suites out: .ci/run's second pass, on newer peers. */
const BROWSER = process.env.SERVER_SUITES_ONLY === '1' ? ['test/browser-*.test.ts'] : [];

export default defineConfig({
  // The views' JSX as tsc compiles it (tsconfig's jsxFactory): no development-only __self and
  // __source props, which the module's factory would refuse as attributes.
  oxc: { jsx: { development: false } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances and Chromium are memory-hungry; two workers suit the 2-core CI machine.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...TIMED, ...LOAD, ...BROWSER],
          sequence: { groupOrder: 0 },
        },
      },
      // Timings under emulated Slow 3G, and the conversation page's with 10 MB in every field, are
      // only meaningful on a quiet machine: run after the suite, one file at a time.
      { extends: true, test: { name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 1 } } },
      // A minute at saturation takes both cores: alone and last, so it slows no timed suite and
      // nothing skews its figures.
      { extends: true, test: { name: 'load', include: LOAD, sequence: { groupOrder: 2 } } },
    ],
  },
});
