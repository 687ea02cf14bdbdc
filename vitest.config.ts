import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds packages/web when it is missing or stale, once, before any browser test runs.
    globalSetup: ['test/support/webBuild.ts'],
  },
});
