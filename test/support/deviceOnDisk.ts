/**
 * @module test/support/deviceOnDisk
 * A seized device: in-process clients whose home directory the test keeps, and the state file
 * in that home decrypted the way anyone holding the device (and its key file) could.
 */
import { HardlineClient, RelayApi, type DeviceState } from '@hardline/client';
import { FileStateStore, nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { certifiedAuthenticationService, clientConfigWith, decodeState, fromBase64Url } from '@hardline/protocol';
import { afterAll, beforeAll } from 'vitest';
import { startTestRelay, type TestRelay } from '../../packages/server/test/support/testRelay.ts';
import { tempDir } from './cliHarness.ts';

export type DeviceOnDisk = { readonly client: HardlineClient; readonly home: string };

export async function enrolOnDisk(url: string, adminToken: string, handle: string): Promise<DeviceOnDisk> {
  const { code } = await new RelayApi(new URL(url), nodeTransport).adminInvite(adminToken);
  const home = tempDir(handle);
  const client = await HardlineClient.register(nodeClientOptions(home), { server: url, code, handle, displayName: handle.toUpperCase() });
  return { client, home };
}

/**
 * Alice and Bob on disk against a fresh relay, for a whole test file: enrolled before its tests,
 * closed after. Read the fields inside tests (they are set by the time the tests run).
 */
export function pairOnDisk(): { relay: TestRelay; alice: DeviceOnDisk; bob: DeviceOnDisk } {
  const pair = {} as { relay: TestRelay; alice: DeviceOnDisk; bob: DeviceOnDisk };
  beforeAll(async () => {
    pair.relay = await startTestRelay();
    pair.alice = await enrolOnDisk(pair.relay.url, pair.relay.adminToken, 'alice');
    pair.bob = await enrolOnDisk(pair.relay.url, pair.relay.adminToken, 'bob');
  });
  afterAll(() => {
    pair.alice?.client.close();
    pair.bob?.client.close();
  });
  return pair;
}

/** The device state exactly as it is on disk now (not the client's in-memory copy). */
export async function stateOnDisk(home: string): Promise<DeviceState> {
  const state = await new FileStateStore(home).load();
  if (!state) throw new Error(`no state file in ${home}`);
  return state;
}

const config = clientConfigWith(certifiedAuthenticationService(() => undefined));

/** Every string anywhere in `value` that decodes as a serialised MLS group state. */
export function mlsStatesIn(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      // A group state is kilobytes long; short strings are ids, keys and text.
      if (v.length < 512) return;
      try {
        decodeState(fromBase64Url(v, 64 << 20), config);
        found.push(v);
      } catch {
        // not a group state
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}
