/**
 * @module vitest.mutate.protocol.config
 * The test run of stryker.protocol.config.mjs: the protocol package's own tests.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.mutate.config.ts';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['packages/protocol/test/**/*.test.ts'] },
});
