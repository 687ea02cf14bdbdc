/**
 * The AuthenticationService from the attacker's side. A leaf is a member only if the certificate
 * in its credential verifies under the identity key the client pinned for the handle it names.
 * Attackers: a relay that makes a device for bob under an identity key of its own; an enrolled
 * member posing as another user; a leaf borrowing another device's certificate; a leaf with none.
 */
import { describe, expect, it } from 'vitest';
import {
  commitChanges,
  createConversationGroup,
  decodeKeyPackage,
  deviceCredential,
  joinFromWelcome,
  loadSuite,
  members,
  processIncoming,
  DEFAULT_SUITE,
  type Handle,
} from '../src/index.ts';
import { certifiedOrg, deviceIdOf } from './support/certifiedDevices.ts';

const setup = async () => {
  const impl = await loadSuite(DEFAULT_SUITE);
  return { impl, ...certifiedOrg(impl) };
};

describe('certified authentication', () => {
  it('accepts a device certified by its person’s pinned key, with no directory at all', async () => {
    const { as, device } = await setup();
    const bob = await device('bob', 2);
    expect(await as.validateCredential(deviceCredential(bob.who, bob.certificate), bob.keys.publicKey)).toBe(true);
  });

  it('refuses a device the relay certified under an identity key of its own', async () => {
    const { as, device, forge } = await setup();
    await device('bob', 2);
    const planted = await forge('bob', 66);
    expect(await as.validateCredential(deviceCredential(planted.who, planted.certificate), planted.keys.publicKey)).toBe(false);
  });

  it('refuses a leaf without a certificate, even for a real device and key', async () => {
    const { as, device } = await setup();
    const bob = await device('bob', 2);
    expect(await as.validateCredential(deviceCredential(bob.who), bob.keys.publicKey)).toBe(false);
  });

  it('refuses another device’s certificate, another key, an unpinned person and a non-basic credential', async () => {
    const { impl, as, pins, device } = await setup();
    const bob = await device('bob', 2);
    const other = await impl.signature.keygen();
    // Bob's real certificate on a leaf signed by someone else's key.
    expect(await as.validateCredential(deviceCredential(bob.who, bob.certificate), other.publicKey)).toBe(false);
    // Bob's certificate for device 2 offered for device 3.
    expect(() => deviceCredential({ handle: bob.who.handle, deviceId: deviceIdOf(3) }, bob.certificate)).toThrow();
    pins.delete('bob');
    expect(await as.validateCredential(deviceCredential(bob.who, bob.certificate), bob.keys.publicKey)).toBe(false);
    expect(await as.validateCredential({ credentialType: 'x509', certificates: [] } as never, bob.keys.publicKey)).toBe(false);
  });

  it('refuses a member posing as another user, with its own valid certificate inside', async () => {
    const { as, device } = await setup();
    await device('alice', 1);
    const mallory = await device('mallory', 9);
    const text = `alice/${mallory.who.deviceId}\n${JSON.stringify({ ...mallory.certificate })}`;
    const posing = { credentialType: 'basic' as const, identity: new TextEncoder().encode(text) };
    expect(await as.validateCredential(posing, mallory.keys.publicKey)).toBe(false);
    expect(await as.validateCredential(deviceCredential({ handle: 'alice' as Handle, deviceId: mallory.who.deviceId }), mallory.keys.publicKey)).toBe(false);
  });

  it('a group member never sees the planted device: the commit adding it is refused', async () => {
    const { impl, config, device, forge } = await setup();
    const alice = await device('alice', 1);
    const bob = await device('bob', 2);
    const planted = await forge('bob', 66);
    let sa = await createConversationGroup(new Uint8Array(16), alice.kp, impl, config);
    const addBob = await commitChanges(sa, { add: [decodeKeyPackage(bob.kp.bytes)] }, impl);
    sa = addBob.newState;
    const sb = await joinFromWelcome(addBob.welcome!, bob.kp, impl, config);
    const outcome = await commitChanges(sa, { add: [decodeKeyPackage(planted.kp.bytes)] }, impl).then(
      async (add) => {
        // If the committer let it through, the other member must refuse the commit.
        const r = await processIncoming(sb, add.commit, impl).catch((e: unknown) => e);
        return r instanceof Error ? 'refused' : members((r as { newState: Parameters<typeof members>[0] }).newState).map((m) => m.id.deviceId);
      },
      () => 'refused',
    );
    expect(outcome).toBe('refused');
  });
});
