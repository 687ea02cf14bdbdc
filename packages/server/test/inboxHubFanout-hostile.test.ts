/**
 * @module inboxHubFanout-hostile.test
 * One mailbox read by several open inboxes at once (server/src/ws/inboxHub.ts): two devices of
 * a user that share a mailbox, or one device that reconnects before its old socket is gone. A
 * reader that subscribes later, or again, must not take the mailbox's envelopes away from the
 * readers already there: each gets every envelope posted while it is open.
 */
import { describe, expect, it } from 'vitest';
import type { MailboxId } from '@hardline/protocol';
import { ManualClock } from '../../../test/support/manualClock.ts';
import type { InboxConnection } from '../src/ws/inboxConnection.ts';
import { InboxHub } from '../src/ws/inboxHub.ts';
import { PUSH_ROUND_POLICIES } from '../src/ws/pushRoundPolicy.ts';
import { PushRounds } from '../src/ws/pushRounds.ts';

const A = 'aa'.repeat(16) as MailboxId;

/** A stand-in inbox that records what the hub offers it. */
const reader = () => {
  const offers: number[] = [];
  const conn = { offer: (_m: MailboxId, seq: number) => offers.push(seq) } as unknown as InboxConnection;
  return { conn, offers };
};

describe('a mailbox with several readers', () => {
  it('a second reader, and a reader subscribing again, leave the first one its envelopes', () => {
    const h = new InboxHub(new PushRounds(PUSH_ROUND_POLICIES.off, { clock: new ManualClock(), random: () => 0 }));
    const first = reader();
    const second = reader();
    h.subscribe(first.conn, A);
    h.envelopeStored(A, 1, new Uint8Array(1));
    h.subscribe(second.conn, A);
    h.envelopeStored(A, 2, new Uint8Array(1));
    h.subscribe(second.conn, A);
    h.envelopeStored(A, 3, new Uint8Array(1));
    expect(first.offers).toEqual([1, 2, 3]);
    expect(second.offers).toEqual([2, 3]);
  });
});
