/**
 * What a commit or an envelope does to bob's device when a member, or the network under the
 * directory, is against him. Removed from the group, the device leaves the conversation (it stops
 * reading its mailbox); a commit that adds a device whose person bob has not pinned yet is
 * applied after one directory refresh; an envelope that fails for another reason (a member's
 * junk) costs no directory fetch; and a failure that is not the envelope's fault (the directory
 * could not be reached) is not taken for a bad envelope: it is not dropped, so it comes again.
 * Real MLS group; envelopeReceiver.ts on bob's side.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PayloadKind } from '@hardline/protocol';
import { seatBob } from './support/receiverSeat.ts';

describe('membership commits', () => {
  it('a commit removing this device leaves the conversation', async () => {
    const t = await seatBob();
    await t.deliver(await t.alice.removeBob());
    expect(t.conv.left).toBe(true);
  });

  it('a commit that moves this device to a new mailbox asks for one more drain', async () => {
    const t = await seatBob({ adopt: () => true });
    expect(t.receiver.joinedUnsubscribed).toBe(false);
    await t.deliver(await t.alice.commit());
    expect(t.calls.adopt).toBe(1);
    expect(t.receiver.joinedUnsubscribed).toBe(true);
  });

  it('a commit adding a device of someone bob has not pinned yet applies after one directory refresh', async () => {
    const t = await seatBob();
    const adding = await t.alice.commit({ add: [await t.alice.newDevice('carol', 3)] });
    // Alice has met carol, bob has not: her identity key comes to him with the directory.
    const carolKey = t.org.pins.get('carol')!;
    t.org.pins.delete('carol');
    t.onRefresh(async () => void t.org.pins.set('carol', carolKey));

    await t.deliver(adding);
    expect(t.calls.refreshDirectory).toBe(1);
    expect(t.bobEpoch()).toBe(2n);
  });
});

describe('envelopes that do not go through', () => {
  it("a member's junk under the seal secret is dropped without a directory fetch", async () => {
    const t = await seatBob();
    expect(await t.deliver(await t.sealToBob(PayloadKind.MLS, randomBytes(200)))).toBe(true);
    expect(t.calls.refreshDirectory).toBe(0);
    expect(t.bobEpoch()).toBe(1n);
  });

  it('the directory out of reach while a commit needs it: the envelope is not dropped as bad, it fails the round', async () => {
    const t = await seatBob();
    const adding = await t.alice.commit({ add: [await t.alice.newDevice('carol', 3)] });
    t.org.pins.delete('carol');
    const down = new TypeError('fetch failed');
    t.onRefresh(async () => {
      throw down;
    });

    await expect(t.deliver(adding)).rejects.toBe(down);
    expect(t.bobEpoch()).toBe(1n);
  });
});
