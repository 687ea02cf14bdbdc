/**
 * @module test/support/testRelay
 * The real relay in this process, on 127.0.0.1 with a random port and a fresh SQLite data
 * directory whose path the test keeps: hostile-relay harnesses write straight into that store.
 */
import { startRelay, type RelayHandle, type RelayOptions } from '@hardline/server';
import { tempDir } from './cliHarness.ts';

export type TestRelay = RelayHandle & { readonly dataDir: string };

/** `name` prefixes the data directory, so a leftover one says which test made it. */
export async function startTestRelay(name: string, options: Omit<RelayOptions, 'port' | 'dataDir'> = {}): Promise<TestRelay> {
  const dataDir = tempDir(name);
  return Object.assign(await startRelay({ port: 0, dataDir, ...options }), { dataDir });
}
