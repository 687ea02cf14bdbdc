/**
 * @module test/support/testRelay
 * The server package's test relay (real SQLite, random port on 127.0.0.1; closed and its data
 * folder removed after the test file), with the folder named after the test, so that one left
 * behind by a crash says where it came from. Hostile-relay harnesses write into that folder.
 */
import type { RelayOptions } from '@hardline/server';
import { startTestRelay as startServerTestRelay, type TestRelay } from '../../packages/server/test/support/testRelay.ts';
import { tmpDir } from '../../packages/server/test/support/tmpDir.ts';

export type { TestRelay };

export function startTestRelay(name: string, options: Omit<Partial<RelayOptions>, 'dataDir'> = {}): Promise<TestRelay> {
  return startServerTestRelay({ ...options, dataDir: tmpDir(`hardline-${name}-`) });
}
