/**
 * @module testRelay
 * A real relay on 127.0.0.1, random port, real SQLite file in a temporary directory.
 */
import { afterAll } from 'vitest';
import { startRelay } from '../../src/startRelay.ts';
import type { RelayHandle, RelayOptions } from '../../src/relayOptions.ts';
import { tmpDir } from './tmpDir.ts';

export type TestRelay = RelayHandle & { readonly adminToken: string; readonly dataDir: string; readonly logs: string[] };

const running: RelayHandle[] = [];
afterAll(async () => {
  for (const r of running) await r.close();
});

export async function startTestRelay(extra: Partial<RelayOptions> = {}): Promise<TestRelay> {
  const dataDir = extra.dataDir ?? tmpDir();
  const logs: string[] = [];
  // Push rounds off unless a test asks for them (pushRounds.test.ts): a raw test socket's next
  // binary frame is then the envelope just posted, not a cover envelope, and comes at once.
  const relay = await startRelay({ port: 0, pushRounds: { level: 'off' }, ...extra, dataDir, log: (l) => logs.push(l) });
  running.push(relay);
  return { ...relay, adminToken: relay.adminToken ?? '', dataDir, logs, close: relay.close };
}
