import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances and Chromium are memory-hungry; two workers suit the 2-core CI machine.
    maxWorkers: 2,
  },
});
