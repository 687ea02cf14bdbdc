/**
 * trustRules.ts from the hostile relay's seat: it serves the directory, so it lists keys,
 * devices, certificates and revoked flags of its choosing. Each case is one lie; the verdict
 * must trust exactly the devices the pinned identity keys certified, and remove a device only on
 * a revocation its owner (or the org) signed.
 */
import { describe, expect, it } from 'vitest';
import { certifyDevice, newIdentityKey, randomBytes, signRevocation, toBase64Url, type DeviceId, type Handle, type IdentityKeyPair } from '@hardline/protocol';
import type { DirectoryUser } from '../src/relayApi.ts';
import { acknowledgeChange, isHeld, judgeDirectory, type Pins } from '../src/trustRules.ts';

let n = 0;
const devId = () => (++n).toString(16).padStart(32, '0') as DeviceId;
type Device = DirectoryUser['devices'][number];

/** A device certified by `signer` for (handle, id, key) unless a field is overridden. */
function device(signer: IdentityKeyPair, handle: string, over: { certHandle?: string; certId?: DeviceId; certKey?: string } = {}): Device {
  const deviceId = devId();
  const key = toBase64Url(randomBytes(32));
  const certificate = certifyDevice(signer, { handle: (over.certHandle ?? handle) as Handle, deviceId: over.certId ?? deviceId, deviceKey: over.certKey ?? key });
  return { deviceId, signaturePublicKey: key, revoked: false, certificate };
}

const user = (handle: string, identityKey: string | undefined, devices: Device[]): DirectoryUser =>
  ({ userId: `u-${handle}`, handle: handle as Handle, displayName: handle, ...(identityKey ? { identityKey } : {}), devices }) as DirectoryUser;

const me = { handle: 'alice' as Handle, identityKey: undefined as string | undefined };

describe('judgeDirectory against a lying relay', () => {
  it('pins the first key seen and trusts only devices it certified, for exactly their handle, id and key', () => {
    const bob = newIdentityKey();
    const good = device(bob, 'bob');
    const otherHandle = device(bob, 'bob', { certHandle: 'carol' });
    const otherId = device(bob, 'bob', { certId: devId() });
    const otherKey = device(bob, 'bob', { certKey: toBase64Url(randomBytes(32)) });
    const junk = { ...device(bob, 'bob'), certificate: { nonsense: true } };
    const v = judgeDirectory([user('bob', bob.publicKey, [good, otherHandle, otherId, otherKey, junk])], {}, me);
    expect(v.pins).toEqual({ bob: { key: bob.publicKey } });
    expect([...v.trusted.keys()]).toEqual([good.deviceId]);
    expect(v.trusted.get(good.deviceId)).toEqual({ handle: 'bob', pub: new Uint8Array(Buffer.from(good.signaturePublicKey, 'base64url')), revoked: false });
    expect(v.unverifiable).toEqual([otherHandle, otherId, otherKey, junk].map((d) => ({ handle: 'bob', deviceId: d.deviceId, reason: 'bad-certificate' })));
  });

  it('a user listed with no identity key is pinned to nothing; its devices are unverifiable (no-identity)', () => {
    const bob = newIdentityKey();
    const d = device(bob, 'bob');
    const v = judgeDirectory([user('bob', undefined, [d])], {}, me);
    expect(v.pins).toEqual({});
    expect(v.trusted.size).toBe(0);
    expect(v.unverifiable).toEqual([{ handle: 'bob', deviceId: d.deviceId, reason: 'no-identity' }]);
  });

  it('a new key for a pinned person is held as changedTo; devices it certifies are refused until acknowledged', () => {
    const bob = newIdentityKey();
    const relays = newIdentityKey();
    const old = device(bob, 'bob');
    const planted = device(relays, 'bob');
    const pins: Pins = { bob: { key: bob.publicKey, verified: true } };
    const v = judgeDirectory([user('bob', relays.publicKey, [old, planted])], pins, me);
    expect(v.pins.bob).toEqual({ key: bob.publicKey, verified: true, changedTo: relays.publicKey });
    expect(pins.bob!.changedTo).toBeUndefined(); // the caller's pins are not written through
    expect([...v.trusted.keys()]).toEqual([old.deviceId]);
    expect(v.unverifiable).toEqual([{ handle: 'bob', deviceId: planted.deviceId, reason: 'bad-certificate' }]);
    expect(isHeld(v.pins, 'bob')).toBe(true);
    expect(isHeld(v.pins, 'carol')).toBe(false);
    // Served again: the same change is kept as it was.
    const again = judgeDirectory([user('bob', relays.publicKey, [old, planted])], v.pins, me);
    expect(again.pins.bob).toEqual(v.pins.bob);

    // The user acknowledges: trust moves, the verified mark does not follow the new key.
    const acked = acknowledgeChange(v.pins, 'bob' as Handle);
    expect(acked.bob).toEqual({ key: relays.publicKey });
    const after = judgeDirectory([user('bob', relays.publicKey, [old, planted])], acked, me);
    expect([...after.trusted.keys()]).toEqual([planted.deviceId]);
    expect(isHeld(after.pins, 'bob')).toBe(false);
    // Nothing to acknowledge: the very same pins come back.
    expect(acknowledgeChange(acked, 'bob' as Handle)).toBe(acked);
    expect(acknowledgeChange(acked, 'nobody' as Handle)).toBe(acked);
  });

  it('the relay listing the same key again changes no pin', () => {
    const bob = newIdentityKey();
    const d = device(bob, 'bob');
    const pins: Pins = { bob: { key: bob.publicKey, verified: true } };
    const v = judgeDirectory([user('bob', bob.publicKey, [d])], pins, me);
    expect(v.pins.bob).toEqual({ key: bob.publicKey, verified: true });
    expect(isHeld(v.pins, 'bob')).toBe(false);
  });

  it("the user's own key is never learned from the relay, and a relay's key for them is no change", () => {
    const alice = newIdentityKey();
    const relays = newIdentityKey();
    const mine = device(alice, 'alice');
    const planted = device(relays, 'alice');
    // Before this device has its identity (a link not answered yet): nothing is pinned for alice.
    const before = judgeDirectory([user('alice', relays.publicKey, [mine, planted])], {}, me);
    expect(before.pins).toEqual({});
    expect(before.trusted.size).toBe(0);
    // With it: alice's own key, never changedTo, even over a stale pin.
    const stale: Pins = { alice: { key: relays.publicKey, changedTo: relays.publicKey } };
    const v = judgeDirectory([user('alice', relays.publicKey, [mine, planted])], stale, { handle: 'alice' as Handle, identityKey: alice.publicKey });
    expect(v.pins.alice?.key).toBe(alice.publicKey);
    expect(v.pins.alice?.changedTo).toBeUndefined();
    expect(isHeld(v.pins, 'alice')).toBe(false);
    expect([...v.trusted.keys()]).toEqual([mine.deviceId]);
  });

  it('a device is revoked only by a revocation its owner signed (or the org), never by the relay’s flag', () => {
    const bob = newIdentityKey();
    const relays = newIdentityKey();
    const signed = device(bob, 'bob');
    signed.revocation = signRevocation(bob, 'bob' as Handle, signed.deviceId);
    const flagged = { ...device(bob, 'bob'), revoked: true };
    const forged = device(bob, 'bob');
    forged.revocation = signRevocation(relays, 'bob' as Handle, forged.deviceId);
    const forOther = device(bob, 'bob');
    forOther.revocation = signRevocation(bob, 'bob' as Handle, signed.deviceId); // another device's revocation
    const junk = device(bob, 'bob');
    junk.revocation = 'revoked!';
    const byOrg = device(bob, 'bob');
    const v = judgeDirectory([user('bob', bob.publicKey, [signed, flagged, forged, forOther, junk, byOrg])], {}, me, new Set([byOrg.deviceId]));
    const revoked = (d: Device) => v.trusted.get(d.deviceId)?.revoked;
    expect(revoked(signed)).toBe(true);
    expect(revoked(byOrg)).toBe(true);
    for (const d of [flagged, forged, forOther, junk]) expect(revoked(d)).toBe(false);
    expect(v.unverifiable).toEqual([]);
  });

  it('an org order names only certified devices: an uncertified one stays unverifiable, not revoked-and-trusted', () => {
    const bob = newIdentityKey();
    const planted = device(newIdentityKey(), 'bob');
    const v = judgeDirectory([user('bob', bob.publicKey, [planted])], {}, me, new Set([planted.deviceId]));
    expect(v.trusted.has(planted.deviceId)).toBe(false);
    expect(v.unverifiable).toEqual([{ handle: 'bob', deviceId: planted.deviceId, reason: 'bad-certificate' }]);
  });

  it('an uncertified device the relay itself marks revoked is not reported at all', () => {
    const bob = newIdentityKey();
    const gone = { ...device(newIdentityKey(), 'bob'), revoked: true };
    const v = judgeDirectory([user('bob', bob.publicKey, [gone])], {}, me);
    expect(v.trusted.size).toBe(0);
    expect(v.unverifiable).toEqual([]);
  });

  it('a verdict remembered for one device is not reused for a look-alike entry (the signature cache)', () => {
    const bob = newIdentityKey();
    const carol = newIdentityKey();
    const d = device(bob, 'bob');
    expect(judgeDirectory([user('bob', bob.publicKey, [d])], {}, me).trusted.has(d.deviceId)).toBe(true);
    // The same device entry, now listed under carol (pinned to her own key): not hers.
    const asCarol = judgeDirectory([user('carol', carol.publicKey, [d])], {}, me);
    expect(asCarol.trusted.has(d.deviceId)).toBe(false);
    // Under bob again but the relay swapped in another device key: refused.
    const swapped = { ...d, signaturePublicKey: toBase64Url(randomBytes(32)) };
    expect(judgeDirectory([user('bob', bob.publicKey, [swapped])], {}, me).trusted.has(d.deviceId)).toBe(false);
    // Under bob pinned to another key: refused; and the good one still trusted after all that.
    expect(judgeDirectory([user('bob', carol.publicKey, [d])], {}, me).trusted.has(d.deviceId)).toBe(false);
    expect(judgeDirectory([user('bob', bob.publicKey, [d])], {}, me).trusted.has(d.deviceId)).toBe(true);
    // And a bad verdict does not stick to the good certificate either.
    const bad = { ...d, certificate: certifyDevice(carol, { handle: 'bob' as Handle, deviceId: d.deviceId, deviceKey: d.signaturePublicKey }) };
    expect(judgeDirectory([user('bob', bob.publicKey, [bad])], {}, me).trusted.has(d.deviceId)).toBe(false);
    expect(judgeDirectory([user('bob', bob.publicKey, [d])], {}, me).trusted.has(d.deviceId)).toBe(true);
  });
});
