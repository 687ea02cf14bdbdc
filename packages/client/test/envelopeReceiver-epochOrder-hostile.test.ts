/**
 * A relay that reorders a conversation's envelopes (mailboxes are drained in no set order, and a
 * hostile one can choose the worst order): a message for an epoch this device has not reached is
 * kept until the commits leading there arrive, then shown, in order, once; a message for a later
 * epoch stays kept while only some of those commits are in; and a member flooding kept messages
 * for a far epoch fills at most 10,000 places. Real MLS group; envelopeReceiver.ts on bob's side.
 */
import { describe, expect, it } from 'vitest';
import { seatBob } from './support/receiverSeat.ts';

describe('envelopes for a later epoch, reordered by the relay', () => {
  it('a message that overtook its commit is kept, then shown once the commit arrives', async () => {
    const t = await seatBob();
    const commit = await t.alice.commit();
    const message = await t.alice.say('after the commit');

    expect(await t.deliver(message)).toBe(true);
    expect(t.texts()).toEqual([]);
    expect(t.conv.pending.map((p) => p.epoch)).toEqual(['2']);

    await t.deliver(commit);
    expect(t.bobEpoch()).toBe(2n);
    expect(t.texts()).toEqual(['after the commit']);
    expect(t.conv.pending).toEqual([]);
  });

  it('everything delivered in reverse: each kept message goes once the epoch it needs is reached', async () => {
    const t = await seatBob();
    const c1 = await t.alice.commit();
    const m2 = await t.alice.say('in epoch 2');
    const c2 = await t.alice.commit();
    const m3 = await t.alice.say('in epoch 3');

    for (const env of [m3, c2, m2]) await t.deliver(env);
    expect(t.texts()).toEqual([]);
    expect(t.conv.pending.map((p) => p.epoch)).toEqual(['3', '2', '2']);

    // The first commit unlocks epoch 2 (a message and the next commit), which unlocks epoch 3.
    await t.deliver(c1);
    expect(t.bobEpoch()).toBe(3n);
    expect(t.texts()).toEqual(['in epoch 2', 'in epoch 3']);
    expect(t.conv.pending).toEqual([]);
  });

  it('a message two epochs ahead stays kept, once, while only the first commit is in', async () => {
    const t = await seatBob();
    const c1 = await t.alice.commit();
    const c2 = await t.alice.commit();
    const m3 = await t.alice.say('in epoch 3');

    await t.deliver(m3);
    await t.deliver(c1);
    expect(t.bobEpoch()).toBe(2n);
    expect(t.texts()).toEqual([]);
    expect(t.conv.pending.map((p) => p.epoch)).toEqual(['3']);

    await t.deliver(c2);
    expect(t.texts()).toEqual(['in epoch 3']);
    expect(t.conv.pending).toEqual([]);
  });
});

describe('a member flooding messages for a far epoch', () => {
  it('at most 10,000 are kept; the rest are dropped', async () => {
    const t = await seatBob();
    await t.alice.commit();
    // One real message for epoch 2, sent again and again under fresh envelope ids (each is a new
    // envelope to the relay and to the seen set).
    const flood = await t.alice.say('flood');
    // The first 9,999 as if already kept from earlier rounds: sealing them all would only slow the test.
    const kept = { epoch: '2', bytes: 'AA' };
    t.conv.pending = Array.from({ length: 9_999 }, () => kept);

    await t.deliver(await t.sealAgain(flood));
    expect(t.conv.pending).toHaveLength(10_000);
    expect(t.conv.pending.at(-1)).not.toEqual(kept);
    await t.deliver(await t.sealAgain(flood));
    expect(t.conv.pending).toHaveLength(10_000);
  });
});
