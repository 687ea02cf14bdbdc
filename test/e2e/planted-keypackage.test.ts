/**
 * Issue 9 and 10 from the hostile relay's side: the relay answers alice's claim for bob's device
 * with a KeyPackage of its own (bob's device id in the credential, the relay's key in the leaf,
 * a certificate under an identity key the relay made). Alice's client checks the certificate in
 * the credential against the key it pinned for bob: the planted package gets no Welcome, the new
 * conversation is not jammed, and bob is added from his real (last-resort) package instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice } from '../../packages/server/test/support/enrolDevice.ts';
import { claimAllKeyPackages } from '../support/anonymousAttacker.ts';
import { readTexts } from '../support/clients.ts';
import { startPair, type Pair } from '../support/pair.ts';
import { plantKeyPackage } from '../support/plantedKeyPackage.ts';
import { tokenPurse } from '../support/privacyPassTokens.ts';

let pair: Pair;

beforeAll(async () => {
  // Alice retries a claim that found nothing usable at once, so the test need not wait a minute.
  pair = await startPair('relay-planted-kp', { alice: { client: { claimRetryMs: 0 } } });
}, 60_000);

afterAll(() => pair?.close());

describe('a KeyPackage the relay planted in bob\'s pool', () => {
  it('gets no Welcome, and the conversation goes on with bob\'s real device', async () => {
    const { relay, alice, bob } = pair;
    const pay = tokenPurse(relay.url, (await enrolDevice(relay.url, relay.adminToken, 'mallory')).token, 32);
    // Bob's normal packages are gone, so the planted one is the next a claim gets.
    expect(await claimAllKeyPackages(relay.url, bob.deviceId, 1_000, pay)).toBeGreaterThan(0);
    const planted = await plantKeyPackage(relay, { handle: 'bob', deviceId: bob.deviceId });

    await alice.groupCreate('after-plant', ['bob']);
    await alice.send('after-plant', 'only bob reads this');
    expect(await readTexts(bob)).toEqual(['only bob reads this']);
    expect(await relay.store.listEnvelopes(planted.welcomeMailbox, 0, 100)).toEqual([]);
  }, 120_000);
});
