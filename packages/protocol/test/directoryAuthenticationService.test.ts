/**
 * The directory AuthenticationService from the attacker's side: an enrolled device that signs
 * with its real key but claims another user's handle in its credential ("alice/<my deviceId>")
 * must not be accepted, alone or as a leaf in a group.
 */
import { describe, expect, it } from 'vitest';
import {
  clientConfigWith,
  commitChanges,
  createConversationGroup,
  decodeKeyPackage,
  deviceCredential,
  directoryAuthenticationService,
  joinFromWelcome,
  loadSuite,
  members,
  newKeyPackage,
  processIncoming,
  DEFAULT_SUITE,
  type DeviceId,
  type DirectoryDevice,
  type Handle,
} from '../src/index.ts';

const id = (n: number) => n.toString(16).padStart(32, '0') as DeviceId;

async function org() {
  const impl = await loadSuite(DEFAULT_SUITE);
  const dir = new Map<DeviceId, DirectoryDevice>();
  const as = directoryAuthenticationService((d) => dir.get(d));
  const enrol = async (handle: string, n: number) => {
    const keys = await impl.signature.keygen();
    const who = { handle: handle as Handle, deviceId: id(n) };
    dir.set(who.deviceId, { deviceId: who.deviceId, handle: who.handle, signaturePublicKey: keys.publicKey, revoked: false });
    return { who, keys };
  };
  return { impl, as, config: clientConfigWith(as), enrol };
}

describe('directory authentication: a member posing as another user', () => {
  it('refuses "<other handle>/<own deviceId>" signed with the device’s real key', async () => {
    const { as, enrol } = await org();
    await enrol('alice', 1);
    const mallory = await enrol('mallory', 2);
    // The honest credential passes: the check is not simply refusing everything.
    expect(await as.validateCredential(deviceCredential(mallory.who), mallory.keys.publicKey)).toBe(true);
    const posing = deviceCredential({ handle: 'alice' as Handle, deviceId: mallory.who.deviceId });
    expect(await as.validateCredential(posing, mallory.keys.publicKey)).toBe(false);
  });

  it('refuses an unknown device, another device’s key, and a non-basic credential', async () => {
    const { impl, as, enrol } = await org();
    const alice = await enrol('alice', 1);
    const mallory = await enrol('mallory', 2);
    expect(await as.validateCredential(deviceCredential({ handle: 'mallory' as Handle, deviceId: id(99) }), mallory.keys.publicKey)).toBe(false);
    expect(await as.validateCredential(deviceCredential(alice.who), mallory.keys.publicKey)).toBe(false);
    expect(await as.validateCredential(deviceCredential(alice.who), (await impl.signature.keygen()).publicKey)).toBe(false);
    expect(await as.validateCredential({ credentialType: 'x509', certificates: [] } as never, alice.keys.publicKey)).toBe(false);
  });

  it('a group member never sees the posing device as alice: the forged leaf is refused', async () => {
    const { impl, config, enrol } = await org();
    const bob = await enrol('bob', 3);
    const mallory = await enrol('mallory', 2);
    const carol = await enrol('carol', 4);
    // Bob builds a group with carol; a hostile relay hands him mallory's forged KeyPackage as if
    // it were one of alice's devices.
    const bobKp = await newKeyPackage(bob.who, bob.keys, impl);
    const carolKp = await newKeyPackage(carol.who, carol.keys, impl);
    const forgedKp = await newKeyPackage({ handle: 'alice' as Handle, deviceId: mallory.who.deviceId }, mallory.keys, impl);
    let sb = await createConversationGroup(new Uint8Array(16), bobKp, impl, config);
    const addCarol = await commitChanges(sb, { add: [decodeKeyPackage(carolKp.bytes)] }, impl);
    sb = addCarol.newState;
    const sc = await joinFromWelcome(addCarol.welcome!, carolKp, impl, config);
    const outcome = await commitChanges(sb, { add: [decodeKeyPackage(forgedKp.bytes)] }, impl).then(
      async (add) => {
        // If the committer let it through, the other member must refuse the commit.
        const r = await processIncoming(sc, add.commit, impl).catch((e: unknown) => e);
        return r instanceof Error ? 'refused' : members((r as { newState: Parameters<typeof members>[0] }).newState).map((m) => m.id.handle);
      },
      () => 'refused',
    );
    expect(outcome).toBe('refused');
  });
});
