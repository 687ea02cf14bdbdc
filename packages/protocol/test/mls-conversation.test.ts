/**
 * The MLS wrapper: enrolled-only authentication, sender identity, epoch buffering signals,
 * removal, and state immutability.
 */
import { describe, expect, it } from 'vitest';
import type { CiphersuiteName } from 'ts-mls';
import {
  commitChanges,
  createConversationGroup,
  clientConfigWith,
  DEFAULT_SUITE,
  POST_QUANTUM_SUITE,
  encodeState,
  encryptApplication,
  exportSecret,
  joinFromWelcome,
  loadSuite,
  members,
  processIncoming,
  decodeKeyPackage,
} from '../src/index.ts';
import { certifiedOrg } from './support/certifiedDevices.ts';

async function setup(suite: CiphersuiteName = DEFAULT_SUITE) {
  const impl = await loadSuite(suite);
  const org = certifiedOrg(impl);
  return { impl, ...org };
}

describe('conversation group', () => {
  it('sends with sender identity, buffers future epochs, removes a device', async () => {
    const { impl, config, device } = await setup();
    const a = await device('alice', 1);
    const b = await device('bob', 2);
    const c = await device('carol', 3);
    let sa = await createConversationGroup(new Uint8Array(16), a.kp, impl, config);
    const add = await commitChanges(sa, { add: [decodeKeyPackage(b.kp.bytes)] }, impl);
    sa = add.newState;
    let sb = await joinFromWelcome(add.welcome!, b.kp, impl, config);
    expect(await exportSecret(sa, 'x', 32, impl)).toEqual(await exportSecret(sb, 'x', 32, impl));

    const before = encodeState(sa);
    const m1 = await encryptApplication(sa, new TextEncoder().encode('hi'), impl);
    expect(encodeState(sa)).toEqual(before); // the input state is not mutated
    sa = m1.newState;
    const r1 = await processIncoming(sb, m1.message, impl);
    expect(r1.kind).toBe('application');
    if (r1.kind !== 'application') throw new Error();
    expect(r1.sender).toEqual(a.who);
    sb = r1.newState;
    // Replaying the same message is stale, not an error.
    expect((await processIncoming(sb, m1.message, impl)).kind).toBe('stale');

    // Alice adds Carol and talks in the new epoch; Bob gets the message before the commit.
    const add2 = await commitChanges(sa, { add: [decodeKeyPackage(c.kp.bytes)] }, impl);
    sa = add2.newState;
    const m2 = await encryptApplication(sa, new TextEncoder().encode('epoch 2'), impl);
    sa = m2.newState;
    expect((await processIncoming(sb, m2.message, impl)).kind).toBe('future');
    const rc = await processIncoming(sb, add2.commit, impl);
    expect(rc.kind).toBe('commit');
    sb = (rc as { newState: typeof sb }).newState;
    expect((await processIncoming(sb, m2.message, impl)).kind).toBe('application');

    // Remove Bob: he learns it from the commit, and cannot read the next epoch.
    const bobLeaf = members(sa).find((m) => m.id.deviceId === b.who.deviceId)!.leafIndex;
    const rm = await commitChanges(sa, { removeLeaves: [bobLeaf] }, impl);
    sa = rm.newState;
    const sbBefore = sb;
    const gone = await processIncoming(sb, rm.commit, impl);
    expect(gone.kind === 'commit' && gone.removedSelf).toBe(true);
    const m3 = await encryptApplication(sa, new TextEncoder().encode('after bob'), impl);
    expect((await processIncoming(sbBefore, m3.message, impl)).kind).toBe('future');
    expect(members(sa).map((m) => m.id.deviceId)).not.toContain(b.who.deviceId);
  });

  it('refuses to join a group that holds a device not certified by its person\'s pinned key', async () => {
    const { impl, config, device, forge } = await setup();
    const rogue = await forge('mallory', 9);
    const b = await device('bob', 2);
    // The rogue creates the group (its own leaf's certificate is under a key nobody pinned).
    let sr = await createConversationGroup(new Uint8Array(16).fill(7), rogue.kp, impl, clientConfigWith({ async validateCredential() { return true; } }));
    const add = await commitChanges(sr, { add: [decodeKeyPackage(b.kp.bytes)] }, impl);
    sr = add.newState;
    await expect(joinFromWelcome(add.welcome!, b.kp, impl, config)).rejects.toMatchObject({ code: 'CRYPTO' });
  });

  it('a device revoked after it was added does not break members catching up', async () => {
    const { impl, config, device } = await setup();
    const a = await device('alice', 1);
    const b = await device('bob', 2);
    let sa = await createConversationGroup(new Uint8Array(16).fill(3), a.kp, impl, config);
    const add = await commitChanges(sa, { add: [decodeKeyPackage(b.kp.bytes)] }, impl);
    sa = add.newState;
    // Revocation is not the AuthenticationService's business: the certificate still verifies.
    await expect(joinFromWelcome(add.welcome!, b.kp, impl, config)).resolves.toBeDefined();
  });

  it('works with the X-Wing post-quantum suite', async () => {
    const { impl, config, device } = await setup(POST_QUANTUM_SUITE);
    const a = await device('alice', 1);
    const b = await device('bob', 2);
    let sa = await createConversationGroup(new Uint8Array(16), a.kp, impl, config);
    const add = await commitChanges(sa, { add: [decodeKeyPackage(b.kp.bytes)] }, impl);
    sa = add.newState;
    const sb = await joinFromWelcome(add.welcome!, b.kp, impl, config);
    const m = await encryptApplication(sa, new TextEncoder().encode('pq'), impl);
    const r = await processIncoming(sb, m.message, impl);
    expect(r.kind === 'application' && new TextDecoder().decode(r.data)).toBe('pq');
  });
});
