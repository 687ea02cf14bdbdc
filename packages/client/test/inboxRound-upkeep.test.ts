/**
 * What a sync round does around the drain: it first lets queued posts go, and a post that must
 * wait (relay down, a full mailbox) does not stop receiving, while any other failure fails the
 * round before it connects; after the drain, a former mailbox retired now gets one more drain,
 * which hands its messages and controls to the caller's listeners like the first; and a relay
 * that cannot be reached to retire a mailbox costs no extra drain. The inbox is a stand-in
 * (support/standInInbox.ts); inboxRound.ts is what is under test.
 */
import { describe, expect, it, vi } from 'vitest';
import { HardlineError } from '@hardline/protocol';
import type { ReceivedMessage } from '../src/envelopeReceiver.ts';
import { envelope, roundSeat, StandInInbox } from './support/standInInbox.ts';

const kicking = (e: unknown) => ({ scheduler: { kick: () => Promise.reject(e) } });

describe('queued posts before receiving', () => {
  it.each([
    ['the relay out of reach', new HardlineError('UNAVAILABLE', 'relay unreachable')],
    ["the recipient's mailbox full", new HardlineError('MAILBOX_FULL', 'mailbox full')],
  ])('%s: the posts wait, and the round receives', async (_what, error) => {
    const inbox = new StandInInbox();
    const first = envelope();
    inbox.script = () => ({ envelopes: [first] });
    const t = roundSeat(inbox, kicking(error));
    expect((await t.round.sync()).map((m) => m.text)).toEqual([first.envelopeId]);
  });

  it.each([
    ['refused for good', new HardlineError('VALIDATION', 'relay refused envelope: VALIDATION')],
    ['a bug', new TypeError('undefined is not a function')],
  ])('%s: the round fails before it connects', async (_what, error) => {
    const inbox = new StandInInbox();
    const t = roundSeat(inbox, kicking(error));
    await expect(t.round.sync()).rejects.toBe(error);
    expect(inbox.connections).toHaveLength(0);
  });
});

describe('a former mailbox retired after the drain', () => {
  it('retired now: one more drain, whose messages and controls reach the same listeners', async () => {
    const inbox = new StandInInbox();
    const [first, late] = [envelope(), envelope()];
    inbox.script = (n) => ({ envelopes: [[first], [late]][n] ?? [] });
    const retireDue = vi.fn<() => Promise<boolean>>().mockResolvedValueOnce(true).mockResolvedValue(false);
    const t = roundSeat(inbox, { rotation: { subscriptions: () => [], retireDue } as never });
    const shown: ReceivedMessage[] = [];
    const onControl = () => undefined;

    const received = await t.round.sync({ onMessage: (m) => shown.push(m), onControl });
    expect(inbox.connections).toHaveLength(2);
    expect(received.map((m) => m.text)).toEqual([first.envelopeId, late.envelopeId]);
    expect(shown.map((m) => m.text)).toEqual([first.envelopeId, late.envelopeId]);
    expect(t.processed).toEqual([
      { id: first.envelopeId, onControl },
      { id: late.envelopeId, onControl },
    ]);
  });

  it('none retired: no second drain', async () => {
    const inbox = new StandInInbox();
    const t = roundSeat(inbox);
    await t.round.sync();
    expect(inbox.connections).toHaveLength(1);
  });

  it('the relay out of reach for the retirement: no second drain, and the round ends well', async () => {
    const inbox = new StandInInbox();
    const retireDue = vi.fn<() => Promise<boolean>>().mockRejectedValueOnce(new TypeError('fetch failed')).mockResolvedValue(false);
    const t = roundSeat(inbox, { rotation: { subscriptions: () => [], retireDue } as never });
    await t.round.sync();
    expect(inbox.connections).toHaveLength(1);
  });
});
