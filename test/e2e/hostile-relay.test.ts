/**
 * Issue 9 from the hostile relay's side, with real engines, a real relay and SQLite: the relay
 * plants a device of its own under bob's name (a link code it minted alone, a certificate under
 * a key of its own), and later swaps bob's identity key. The planted device gets no Welcome and
 * nothing it can read; alice and bob go on talking; alice's client reports the unverifiable
 * device; a swapped identity key holds alice's sends until she accepts it. Linking and revoking
 * one's own devices leave the safety number as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { linkDevice, readTexts } from '../support/clients.ts';
import { plantDevice, swapIdentityKey } from '../support/hostileRelay.ts';
import { startPair, type Pair } from '../support/pair.ts';
import type { TestRelay } from '../support/testRelay.ts';

let pair: Pair;
let relay: TestRelay;
let alice: HardlineClient;
let bob: HardlineClient;

beforeAll(async () => {
  ({ relay, alice, bob } = pair = await startPair('relay-hostile'));
}, 60_000);

afterAll(() => pair?.close());

describe('a relay that plants a device under bob\'s name', () => {
  it('gets no Welcome and nothing it can read, and alice is told about it', async () => {
    const planted = await plantDevice(relay, 'bob');
    pair.opened.push(planted);
    await alice.send('bob', 'after the plant');
    await alice.groupCreate('pair', ['bob']);
    await alice.send('pair', 'in a group');
    expect(await readTexts(bob)).toEqual(['after the plant', 'in a group']);
    expect(await readTexts(planted)).toEqual([]);
    expect(planted.conversations()).toEqual([]);
    expect(alice.unverifiableDevices()).toContainEqual({ handle: 'bob', deviceId: planted.deviceId, reason: 'bad-certificate' });
    // Bob's own devices do not take it in either.
    await bob.send('alice', 'still us');
    expect(await readTexts(alice)).toEqual(['still us']);
    expect(bob.unverifiableDevices().map((d) => d.deviceId)).toContain(planted.deviceId);
  });
});

describe('safety numbers come from identity keys only', () => {
  it('linking and revoking one of bob\'s devices changes no safety number', async () => {
    const before = alice.safetyNumber('bob')!.groups.join('');
    expect(bob.safetyNumber('alice')!.groups.join('')).toBe(before);
    const bob2 = await linkDevice(bob);
    pair.opened.push(bob2);
    await alice.sync();
    expect(alice.safetyNumber('bob')!.groups.join('')).toBe(before);
    // The linked device is certified: alice's next message reaches it.
    await alice.send('bob', 'to both of bob');
    expect(await readTexts(bob2)).toEqual(['to both of bob']);
    await bob.revokeDevice(bob2.deviceId);
    await alice.sync();
    expect(alice.safetyNumber('bob')!.groups.join('')).toBe(before);
    expect(alice.identityOf('bob')?.changedTo).toBeUndefined();
  });

  it('verifies a contact only with the right digits', async () => {
    const digits = bob.safetyNumber('alice')!.groups.join(' ');
    expect(await alice.verifyIdentity('bob', '00000 '.repeat(12))).toBe(false);
    expect(alice.identityOf('bob')?.verified).toBeUndefined();
    expect(await alice.verifyIdentity('bob', digits)).toBe(true);
    expect(alice.identityOf('bob')?.verified).toBe(true);
  });
});

describe('a relay that swaps bob\'s identity key', () => {
  it('holds alice\'s sends until she accepts the change; then what the new key did not certify is refused', async () => {
    await readTexts(bob);
    swapIdentityKey(relay, 'bob');
    await alice.sync();
    // She had verified bob: the app shows a blocking alert for exactly this state.
    expect(alice.identityOf('bob')).toMatchObject({ verified: true, changedTo: expect.any(String) });
    expect(alice.identityOf('bob')?.changedTo).toBeDefined();
    await expect(alice.send('bob', 'held')).rejects.toMatchObject({ code: 'IDENTITY_CHANGED' });
    expect(await readTexts(bob)).toEqual([]);
    // Accepting a key that certified none of bob's devices leaves nobody to send to: queued, not leaked.
    await alice.acknowledgeIdentity('bob');
    expect(alice.identityOf('bob')?.verified).toBeUndefined();
    await expect(alice.send('bob', 'after accepting')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
