/**
 * identityTrust.ts from the hostile relay's seat, above trustRules.ts: what the engine keeps of
 * a verdict and tells the user. The relay marks a device revoked without a signature (said out
 * loud, never acted on), swaps a person's key (held until acknowledged, and then no longer
 * "verified"), and a user types a safety number that is almost right (no mark). The link
 * handshake's two ends are stand-ins here; what matters is what the engine does after each.
 */
import { describe, expect, it, vi } from 'vitest';
import { certifyDevice, newIdentityKey, randomBytes, safetyNumber, signRevocation, toBase64Url, type DeviceId, type Handle, type IdentityKeyPair } from '@hardline/protocol';
import type { DeviceState } from '../src/deviceState.ts';
import type { DirectoryUser } from '../src/relayApi.ts';
import { IdentityTrust, type IdentityTrustHost } from '../src/identityTrust.ts';

const link = vi.hoisted(() => ({
  answered: { changed: false, certified: [] as string[] },
  collected: undefined as undefined | Record<string, unknown>,
}));
vi.mock('../src/deviceLinking.ts', () => ({
  answerLinkRequests: async () => link.answered,
  collectLinkAnswer: async () => link.collected,
}));

let n = 0;
const devId = () => (++n + 0x1000).toString(16).padStart(32, '0') as DeviceId;
type Device = DirectoryUser['devices'][number];
function device(signer: IdentityKeyPair, handle: string, over: Partial<Device> = {}): Device {
  const deviceId = devId();
  const key = toBase64Url(randomBytes(32));
  return { deviceId, signaturePublicKey: key, revoked: false, certificate: certifyDevice(signer, { handle: handle as Handle, deviceId, deviceKey: key }), ...over };
}
const user = (handle: string, identityKey: string, devices: Device[]): DirectoryUser => ({ userId: `u-${handle}`, handle: handle as Handle, displayName: handle, identityKey, devices }) as DirectoryUser;

function setup(orgRevoked: DeviceId[] = []) {
  const alice = newIdentityKey();
  const state = { handle: 'alice', identity: alice, directory: [] } as unknown as DeviceState;
  const log: string[] = [];
  const host: IdentityTrustHost = {
    state,
    api: {} as never,
    kt: { splitView: () => ({ detectedAt: 'then' }), foreignEntries: () => [{ n: 1 }] } as never,
    keyPackages: { linked: (d: DeviceId) => void log.push(`linked ${d}`) } as never,
    orgRevoked: () => new Set(orgRevoked),
    save: async () => void log.push('save'),
    refreshDirectory: async () => void log.push('refresh'),
    replenishKeyPackages: async () => void log.push('replenish'),
  };
  return { state, log, trust: new IdentityTrust(host), alice };
}

describe('IdentityTrust', () => {
  it('keeps the verdict: trusted devices by handle, active ones, refused ones with why', () => {
    const { state, trust } = setup();
    const bob = newIdentityKey();
    const good = device(bob, 'bob');
    const revoked = device(bob, 'bob');
    revoked.revocation = signRevocation(bob, 'bob' as Handle, revoked.deviceId);
    const planted = device(newIdentityKey(), 'bob');
    trust.judge([user('bob', bob.publicKey, [good, revoked, planted])]);
    expect(state.pins).toEqual({ alice: { key: expect.any(String), changedTo: undefined }, bob: { key: bob.publicKey } });
    expect(trust.handleOf(good.deviceId)).toBe('bob');
    expect(trust.handleOf(revoked.deviceId)).toBe('bob');
    expect(trust.handleOf(planted.deviceId)).toBeUndefined();
    expect(trust.activeDevices('bob')).toEqual([good.deviceId]);
    expect(trust.activeDevices('alice')).toEqual([]);
    expect(trust.unverifiableDevices()).toEqual([{ handle: 'bob', deviceId: planted.deviceId, reason: 'bad-certificate' }]);
    expect(trust.splitView()).toEqual({ detectedAt: 'then' });
    expect(trust.foreignLogEntries()).toEqual([{ n: 1 }]);
  });

  it('before any directory: nothing is reported', () => {
    const { trust } = setup();
    expect(trust.unverifiableDevices()).toEqual([]);
    expect(trust.unsignedRevocations()).toEqual([]);
    expect(trust.activeDevices('bob')).toEqual([]);
  });

  it('a device still waiting for its identity (link not answered) judges without pinning its own user', () => {
    const { state, trust } = setup();
    delete (state as { identity?: unknown }).identity;
    const alice = newIdentityKey();
    const planted = device(alice, 'alice');
    trust.judge([user('alice', alice.publicKey, [planted])]);
    expect(state.pins).toEqual({});
    expect(trust.unverifiableDevices()).toEqual([{ handle: 'alice', deviceId: planted.deviceId, reason: 'no-identity' }]);
  });

  it('a device the relay alone calls revoked is reported and kept; one its owner or the org revoked is not reported', () => {
    const bob = newIdentityKey();
    const flagged = device(bob, 'bob', { revoked: true });
    const signed = device(bob, 'bob', { revoked: true });
    signed.revocation = signRevocation(bob, 'bob' as Handle, signed.deviceId);
    const byOrg = device(bob, 'bob', { revoked: true });
    const plantedFlagged = device(newIdentityKey(), 'bob', { revoked: true });
    const fine = device(bob, 'bob');
    const { trust } = setup([byOrg.deviceId]);
    trust.judge([user('bob', bob.publicKey, [flagged, signed, byOrg, plantedFlagged, fine])]);
    expect(trust.unsignedRevocations()).toEqual([{ handle: 'bob', deviceId: flagged.deviceId }]);
    expect(trust.activeDevices('bob')).toEqual([flagged.deviceId, fine.deviceId]);
  });

  it('devices the log could not prove are relabelled; the last vetting is kept until a new one is given', () => {
    const { trust } = setup();
    const bob = newIdentityKey();
    const planted = device(newIdentityKey(), 'bob');
    const users = [user('bob', bob.publicKey, [planted])];
    trust.judge(users, [{ handle: 'bob' as Handle, deviceId: planted.deviceId, what: 'certificate' }]);
    expect(trust.unverifiableDevices()).toEqual([{ handle: 'bob', deviceId: planted.deviceId, reason: 'not-in-log' }]);
    trust.judge(users);
    expect(trust.unverifiableDevices()[0]!.reason).toBe('not-in-log');
    trust.judge(users, []);
    expect(trust.unverifiableDevices()[0]!.reason).toBe('bad-certificate');
  });

  it('a swapped key is held; acknowledging it (any case) trusts the new devices and saves', async () => {
    const { state, trust, log } = setup();
    const bob = newIdentityKey();
    const relays = newIdentityKey();
    const old = device(bob, 'bob');
    const planted = device(relays, 'bob');
    state.pins = { bob: { key: bob.publicKey, verified: true } };
    state.directory = [user('bob', relays.publicKey, [old, planted])];
    trust.judge(state.directory);
    expect(trust.identityOf('BOB')).toEqual({ key: bob.publicKey, verified: true, changedTo: relays.publicKey });
    expect(trust.activeDevices('bob')).toEqual([old.deviceId]);
    // Carol is verified; acknowledging bob's change must not touch her pin.
    const carol = newIdentityKey();
    state.pins = { ...state.pins, carol: { key: carol.publicKey, verified: true } };
    await trust.acknowledgeIdentity('Bob');
    expect(trust.identityOf('bob')).toEqual({ key: relays.publicKey });
    expect(trust.identityOf('carol')).toEqual({ key: carol.publicKey, verified: true });
    expect(trust.activeDevices('bob')).toEqual([planted.deviceId]);
    expect(log).toEqual(['save']);
  });

  it('safety number: only with both identity keys; marked verified only for the exact digits, never while a key change is pending', async () => {
    const { state, trust, log, alice } = setup();
    const bob = newIdentityKey();
    expect(trust.safetyNumber('bob')).toBeUndefined();
    expect(await trust.verifyIdentity('bob', '0')).toBe(false);
    trust.judge([user('bob', bob.publicKey, [device(bob, 'bob')])]);
    const sn = trust.safetyNumber('BOB')!;
    expect(sn).toEqual(safetyNumber({ handle: 'alice', identityKey: alice.publicKey }, { handle: 'bob', identityKey: bob.publicKey }));
    const digits = sn.groups.join('');
    const almost = digits.slice(0, -1) + String((Number(digits.at(-1)) + 1) % 10);
    expect(await trust.verifyIdentity('bob', almost)).toBe(false);
    expect(await trust.verifyIdentity('bob', digits.slice(1))).toBe(false);
    expect(await trust.verifyIdentity('bob', `${digits}0`)).toBe(false);
    expect(trust.identityOf('bob')?.verified).toBeUndefined();
    expect(log).toEqual([]);
    expect(await trust.verifyIdentity('BOB', sn.groups.join(' \n '))).toBe(true);
    expect(trust.identityOf('bob')).toEqual({ key: bob.publicKey, verified: true });
    expect(log).toEqual(['save']);
    // Without this device's own identity (a link not answered yet): no number.
    const noId = setup();
    delete (noId.state as { identity?: unknown }).identity;
    noId.state.pins = { bob: { key: bob.publicKey } };
    expect(noId.trust.safetyNumber('bob')).toBeUndefined();
    await expect(noId.trust.verifyIdentity('bob', digits)).resolves.toBe(false);
    // A pending change: no mark, even with the old key's digits.
    state.pins = { ...state.pins, bob: { key: bob.publicKey, changedTo: newIdentityKey().publicKey } };
    expect(await trust.verifyIdentity('bob', digits)).toBe(false);
  });

  it('advanceLinks: nothing new does nothing; a certified device is told to the supply; a collected identity is saved, then KeyPackages go up', async () => {
    const { state, trust, log } = setup();
    link.answered = { changed: false, certified: [] };
    link.collected = undefined;
    await trust.advanceLinks();
    expect(log).toEqual([]);
    link.answered = { changed: true, certified: ['d9'] };
    await trust.advanceLinks();
    expect(log).toEqual(['linked d9', 'save', 'refresh']);
    log.length = 0;
    link.answered = { changed: false, certified: [] };
    link.collected = { certificate: { c: 1 } };
    await trust.advanceLinks();
    expect(log).toEqual(['save', 'refresh', 'replenish']);
    expect((state as unknown as { certificate: unknown }).certificate).toEqual({ c: 1 });
  });
});
