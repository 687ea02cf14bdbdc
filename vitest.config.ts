import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One more try for a test that failed: the browser and multi-process tests wait on real
    // timers on 2 shared cores, and a page that renders late under load once failed a whole CI
    // run. A rule that is really broken fails both tries; vitest prints each retry.
    retry: 1,
    // Builds packages/web when it is missing or stale, once, before any browser test runs.
    globalSetup: ['test/support/webBuild.ts'],
  },
});
