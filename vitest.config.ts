import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Browser tests wait on real timers and a page's rendering on 2 shared cores; under load a page
 * that rendered late once failed a whole CI run, so they get one retry. Nothing else does: a
 * retry re-runs a test on the state its first try left (relays, clients, browser storage made
 * in beforeAll), so a rule such as "caught at the first message" would quietly become "caught
 * within two". For the same reason these browser tests are not retried either: each asserts
 * that an attack is caught at once, or that nothing ever leaks, and one failure must show.
 */
const NOT_RETRIED = new Set(['web-split-log-key.test.ts', 'web-key-transparency.test.ts', 'web-ingress-hop.test.ts', 'web-anonymous-connections.test.ts']);
const RETRIED = readdirSync(new URL('./test/e2e', import.meta.url))
  .filter((f) => /^web-.*\.test\.ts$/.test(f) && !NOT_RETRIED.has(f))
  .map((f) => `test/e2e/${f}`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds packages/web when it is missing or stale, once, before any browser test runs.
    globalSetup: ['test/support/webBuild.ts'],
    // A test that passed only on its retry is named at the end of the run.
    reporters: ['default', './test/support/retriedTests.ts'],
    projects: [
      { extends: true, test: { name: 'browser', include: RETRIED, retry: 1 } },
      { extends: true, test: { name: 'rest', include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['**/node_modules/**', ...RETRIED] } },
    ],
  },
});
