/**
 * Device state saved by the version before identity keys gives a clear, typed error on open,
 * not a crash and not a device that nobody will ever trust (issue 9: old state).
 */
import { describe, expect, it } from 'vitest';
import { HardlineClient, type DeviceState, type StateStore } from '../src/index.ts';
import { nodeTransport } from '../src/node/index.ts';

function storeWith(state: DeviceState): StateStore {
  return { load: async () => state, save: async () => undefined, wipe: async () => undefined };
}

const previousVersion = {
  v: 1,
  server: 'http://127.0.0.1:9/',
  suite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  userId: '0'.repeat(32),
  deviceId: '1'.repeat(32),
  handle: 'alice',
  displayName: 'Alice',
  signKey: 'AA',
  signPub: 'AA',
  keyPackages: {},
  conversations: {},
  directory: [],
  outbox: [],
  seen: [],
  revoked: false,
} as unknown as DeviceState;

describe('state from the previous version', () => {
  it('is refused with OUTDATED_STATE and a way forward', async () => {
    await expect(HardlineClient.open({ store: storeWith(previousVersion), transport: nodeTransport })).rejects.toMatchObject({
      code: 'OUTDATED_STATE',
      message: expect.stringContaining('enrol again'),
    });
  });
});
