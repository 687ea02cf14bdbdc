/**
 * Delivery receipts are never due at arrival: they wait 5–30 s, batched per conversation.
 * Received receipts and timers (typed controls) are applied to the app's state.
 */
import { describe, expect, it } from 'vitest';
import { emptyMeta } from '../src/session/appMeta.ts';
import { absorb, due, RECEIPT_DELAY_MAX_MS, RECEIPT_DELAY_MIN_MS } from '../src/session/receipts.ts';
import { control, conv, msg, receipt, timer } from './fixtures.ts';

const NOW = 1_800_000_000_000;

describe('receipts', () => {
  it('queues one batch per conversation, due 5–30 s after the first arrival, never at once', () => {
    for (let i = 0; i < 50; i++) {
      const meta = emptyMeta();
      const c = conv('direct', ['alice', 'bob'], [msg('bob', 'one'), msg('bob', 'two'), msg('alice', 'mine')]);
      absorb([c], 'alice', meta, NOW);
      const p = meta.pendingReceipts[c.id]!;
      expect(p.ids).toEqual([c.messages[0]!.id, c.messages[1]!.id]);
      expect(p.dueAt - NOW).toBeGreaterThanOrEqual(RECEIPT_DELAY_MIN_MS);
      expect(p.dueAt - NOW).toBeLessThan(RECEIPT_DELAY_MAX_MS);
      expect(due(meta, NOW)).toEqual([]);
      expect(due(meta, p.dueAt)).toEqual([c.id]);
    }
  });

  it('a later arrival joins the waiting batch instead of starting a new timer', () => {
    const meta = emptyMeta();
    const c = conv('direct', ['alice', 'bob'], [msg('bob', 'one')]);
    absorb([c], 'alice', meta, NOW);
    const first = meta.pendingReceipts[c.id]!.dueAt;
    c.messages.push(msg('bob', 'two'));
    absorb([c], 'alice', meta, NOW + 3000);
    expect(meta.pendingReceipts[c.id]!.dueAt).toBe(first);
    expect(meta.pendingReceipts[c.id]!.ids).toHaveLength(2);
    // Absorbing again queues nothing twice.
    absorb([c], 'alice', meta, NOW + 4000);
    expect(meta.pendingReceipts[c.id]!.ids).toHaveLength(2);
  });

  it('a receipt from another user marks delivered; one from our own other device cancels ours', () => {
    const meta = emptyMeta();
    const mine = msg('alice', 'hello');
    const theirs = msg('bob', 'hi');
    const c = conv('direct', ['alice', 'bob'], [mine, theirs]);
    c.controls = [control('bob', receipt([mine.id]))];
    absorb([c], 'alice', meta, NOW);
    expect(meta.delivered[mine.id]).toBe(true);
    expect(meta.pendingReceipts[c.id]!.ids).toEqual([theirs.id]);

    c.controls.push(control('alice', receipt([theirs.id])));
    absorb([c], 'alice', meta, NOW);
    expect(meta.pendingReceipts[c.id]).toBeUndefined();
    expect(meta.delivered[theirs.id]).toBeUndefined();
  });

  it('applies the newest timer, once, and ignores the self conversation', () => {
    const meta = emptyMeta();
    const c = conv('direct', ['alice', 'bob'], []);
    c.controls = [control('bob', timer(3600, '2026-11-28T10:00:00.000Z')), control('alice', timer(300, '2026-11-28T10:01:00.000Z'))];
    const self = conv('self', ['alice'], [msg('alice', 'x')]);
    absorb([c, self], 'alice', meta, NOW);
    absorb([c, self], 'alice', meta, NOW);
    expect(meta.pendingReceipts).toEqual({});
    expect(meta.disappear['d:bob']?.seconds).toBe(300);
    expect(meta.notices.map((n) => n.seconds)).toEqual([3600, 300]);
  });
});
