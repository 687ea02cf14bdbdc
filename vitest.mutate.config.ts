/**
 * @module vitest.mutate.config
 * The test run Stryker uses (`npm run mutate`): unit and in-process relay tests only. Browser,
 * CLI and multi-process tests are left out: they are slow, they spawn processes that would load
 * the unmutated sources, and a mutant must be judged by tests that run in this process.
 *
 * Stryker copies the repository into a sandbox but node_modules stays a link to the real one,
 * where `@hardline/*` points back at the unmutated packages. The aliases make every import of a
 * workspace package resolve to the sandbox's (mutated) sources instead.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@hardline\/protocol$/, replacement: src('protocol/src/index.ts') },
      { find: /^@hardline\/protocol\/tokens$/, replacement: src('protocol/src/tokens/privacyPass.ts') },
      { find: /^@hardline\/protocol\/ohttp$/, replacement: src('protocol/src/ohttp/index.ts') },
      { find: /^@hardline\/client\/node$/, replacement: src('client/src/node/index.ts') },
      { find: /^@hardline\/client$/, replacement: src('client/src/index.ts') },
      { find: /^@hardline\/server$/, replacement: src('server/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/{protocol,server,client,web}/test/**/*.test.ts', 'test/security/**/*.test.ts'],
    // Load-sensitive relay tests (they time real sockets, processes or disk) fail the dry run
    // whenever the machine is busy, which stops the whole run; the full suite keeps them.
    exclude: [
      '**/*.browser.test.ts',
      '**/node_modules/**',
      '**/{connectionLimits,bodyLimits,seizedDisk,enrolThrottle,privacyPassTokens}.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
