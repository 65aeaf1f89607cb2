import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The build (bin/build.js) the app and the child processes run from: made once before the tests;
    // and one throwaway PostgreSQL for the storage tests of the PostgreSQL adapter.
    globalSetup: ['test/global-setup.ts', 'test/global-setup-postgres.ts'],
    // Much of the suite waits (child processes, fsync, Chromium, PostgreSQL): one more worker than the
    // machine's two cores runs it in ~100 s instead of ~145 s here.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
