/**
 * The engine's AuthenticationService wiring (hardlineClient.ts: which identity key a leaf's
 * certificate must verify under). The user's own leaves go by the identity key the device holds,
 * never by a pin the relay's directory could have shaped; everyone else's by the pinned key;
 * and a handle with no pin, a state with no pins yet, or a device still waiting for its identity
 * (a link not answered) refuse the leaf instead of failing the whole MLS operation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientConfig } from 'ts-mls';
import type { HardlineClient } from '@hardline/client';
import { certifyDevice, deviceCredential, newIdentityKey, toBase64Url, type DeviceId, type Handle } from '@hardline/protocol';
import type { DeviceState } from '@hardline/client';
import { startTestRelay, type TestRelay } from '../../packages/server/test/support/testRelay.ts';
import { enrol } from '../support/clients.ts';

let relay: TestRelay;
let alice: HardlineClient;
let bob: HardlineClient;
beforeAll(async () => {
  relay = await startTestRelay();
  alice = await enrol(relay.url, relay.adminToken, 'alice');
  bob = await enrol(relay.url, relay.adminToken, 'bob');
  await alice.sync(); // alice's directory now pins bob's identity key
});
afterAll(() => {
  alice?.close();
  bob?.close();
});

type Inside = { config: ClientConfig; state: DeviceState; keyPackages: { ownPackage(): Promise<{ publicPackage: { leafNode: { credential: never; signaturePublicKey: Uint8Array } } }> } };
const inside = (c: HardlineClient) => c as unknown as Inside;
const leafOf = async (c: HardlineClient) => (await inside(c).keyPackages.ownPackage()).publicPackage.leafNode;
const validate = (c: HardlineClient, leaf: { credential: never; signaturePublicKey: Uint8Array }) => inside(c).config.authService.validateCredential(leaf.credential, leaf.signaturePublicKey);

describe('the engine’s AuthenticationService', () => {
  it('accepts bob’s leaf under his pinned key, and alice’s own leaf under her own identity key', async () => {
    expect(await validate(alice, await leafOf(bob))).toBe(true);
    expect(await validate(alice, await leafOf(alice))).toBe(true);
  });

  it('own leaves go by the identity key held, not by a pin (which the directory can reach)', async () => {
    const s = inside(alice).state;
    const saved = s.pins;
    try {
      s.pins = { ...saved, alice: { key: newIdentityKey().publicKey } };
      expect(await validate(alice, await leafOf(alice))).toBe(true);
      s.pins = { bob: saved!.bob! }; // no pin for alice at all
      expect(await validate(alice, await leafOf(alice))).toBe(true);
      // And bob's leaf does not pass under alice's identity key.
      s.pins = {};
      expect(await validate(alice, await leafOf(bob))).toBe(false);
    } finally {
      s.pins = saved;
    }
  });

  it('a handle nobody pinned, a state with no pins yet, a device without its identity: the leaf is refused, nothing throws', async () => {
    const carolId = newIdentityKey();
    const keys = (await leafOf(bob)).signaturePublicKey;
    const who = { handle: 'carol' as Handle, deviceId: 'c'.repeat(32) as DeviceId };
    const carol = { credential: deviceCredential(who, certifyDevice(carolId, { ...who, deviceKey: toBase64Url(keys) })) as never, signaturePublicKey: keys };
    await expect(validate(alice, carol)).resolves.toBe(false);
    const s = inside(alice).state;
    const { pins, identity } = s;
    const bobLeaf = await leafOf(bob);
    const aliceLeaf = await leafOf(alice);
    try {
      delete s.pins;
      await expect(validate(alice, bobLeaf)).resolves.toBe(false);
      s.pins = pins;
      delete s.identity;
      await expect(validate(alice, aliceLeaf)).resolves.toBe(false);
    } finally {
      s.pins = pins;
      s.identity = identity;
    }
  });
});
