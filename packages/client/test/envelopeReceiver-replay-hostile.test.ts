/**
 * A relay that redelivers what it already delivered, pushes cover into mailboxes this device does
 * not have, and a member who resends a message under an id already shown or sends without end.
 * A redelivered envelope changes nothing and is reported as such (so the round saves nothing for
 * it); cover for a stranger's mailbox is not even remembered; a message id is shown once per
 * sender; a conversation keeps its newest MAX_MESSAGES_PER_CONVERSATION messages. Real MLS group;
 * envelopeReceiver.ts on bob's side.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PayloadKind, type Handle, type MailboxId } from '@hardline/protocol';
import { MAX_MESSAGES_PER_CONVERSATION, type StoredMessage } from '../src/deviceState.ts';
import { seatBob } from './support/receiverSeat.ts';

describe('the relay replays and pads', () => {
  it('an envelope delivered again is dropped: nothing new, and reported unchanged', async () => {
    const t = await seatBob();
    const env = await t.alice.say('once');
    expect(await t.deliver(env)).toBe(true);
    expect(await t.deliver(env)).toBe(false);
    expect(t.texts()).toEqual(['once']);
    expect(t.state.seen).toHaveLength(1);
  });

  it("cover for a mailbox that is not this device's is dropped without a place in the seen list", async () => {
    const t = await seatBob();
    const env = await t.sealToBob(PayloadKind.COVER, new Uint8Array(8));
    const cover = { ...env, mailboxId: randomBytes(16).toString('hex') as MailboxId };
    expect(await t.deliver(cover)).toBe(false);
    expect(t.state.seen).toEqual([]);
  });
});

describe('a member resending and flooding', () => {
  it('a second message under an id alice already used is not shown again', async () => {
    const t = await seatBob();
    await t.deliver(await t.alice.say('first', 'same-id'));
    // A fresh MLS message (MLS alone would not catch it), with the app message id reused.
    await t.deliver(await t.alice.say('resent with other words', 'same-id'));
    expect(t.texts()).toEqual(['first']);
    expect(t.conv.messages.map((m) => m.text)).toEqual(['first']);
  });

  it("a message id another member used first does not hide alice's message: ids are per sender", async () => {
    const t = await seatBob();
    // Carol, a member of the same group, sent first under the id alice's client then chooses
    // (or, knowing it, took it on purpose to make alice's message vanish on bob's device).
    const carols: StoredMessage = { id: 'same-id', from: 'carol' as Handle, text: 'carol first', sentAt: '2026-01-01T00:00:00Z', receivedAt: '2026-01-01T00:00:00Z', shown: true };
    t.conv.messages = [carols];
    await t.deliver(await t.alice.say('alice, same id', 'same-id'));
    expect(t.conv.messages.map((m) => `${m.from}: ${m.text}`)).toEqual(['carol: carol first', 'alice: alice, same id']);
  });

  it('a conversation at its cap drops its oldest message for the new one', async () => {
    const t = await seatBob();
    const old = (i: number): StoredMessage => ({ id: `old-${i}`, from: 'alice' as Handle, text: `old ${i}`, sentAt: '2026-01-01T00:00:00Z', receivedAt: '2026-01-01T00:00:00Z', shown: true });
    t.conv.messages = Array.from({ length: MAX_MESSAGES_PER_CONVERSATION }, (_, i) => old(i));

    await t.deliver(await t.alice.say('newest'));
    expect(t.conv.messages).toHaveLength(MAX_MESSAGES_PER_CONVERSATION);
    expect(t.conv.messages[0]!.id).toBe('old-1');
    expect(t.conv.messages.at(-1)!.text).toBe('newest');
  });
});
