// @ts-check
/**
 * Mutation testing of the protocol package alone, judged by its own tests (`npm run
 * mutate:protocol`; docs/testing.md). The package is pure, so its tests take seconds where the
 * full run's dry run takes minutes, and work in progress in the server or client (a type error,
 * a failing test) cannot stop the run. The score is a lower bound of the full run's: a server
 * or client test that would also kill a protocol mutant is not run here.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from './stryker.config.mjs';

export default {
  ...base,
  vitest: { configFile: 'vitest.mutate.protocol.config.ts', related: false },
  tsconfigFile: 'tsconfig.mutate.protocol.json',
  incrementalFile: 'reports/stryker-incremental-protocol.json',
  htmlReporter: { fileName: 'reports/mutation-protocol/index.html' },
  jsonReporter: { fileName: 'reports/mutation-protocol/mutation.json' },
  mutate: (base.mutate ?? []).filter((glob) => glob.startsWith('packages/protocol/')),
};
