/**
 * @module inboxRoundHold-hostile.test
 * What one inbox connection (src/ws/inboxConnection.ts) holds for the next push round, against
 * a sender who floods a reader between two rounds and a reader who re-subscribes, reconnects
 * mid-drain or goes away while its backlog is read:
 *  - a held envelope leaves in the round's own synchronous pass (a store read would put it
 *    behind the round's cover frames, which tells an observer it is real), up to exactly 1 MiB;
 *    past that it is paged from the store, so a flood costs the relay a cursor, not memory;
 *  - a call's signal goes at once at balanced and waits at strict;
 *  - every envelope once: none twice after a re-subscribe, none lost when it came in during
 *    the drain;
 *  - cover is a binary frame, as a real push is; a reader gone during a read is sent nothing.
 */
import { describe, expect, it } from 'vitest';
import type { MailboxId } from '@hardline/protocol';
import { connection, env, settle } from './support/inboxConnectionHarness.ts';
import { waitFor } from './support/waitFor.ts';

const M = 'aa'.repeat(16) as MailboxId;

/** A subscribed reader with nothing in its backlog, rounds at `level`. */
async function reader(level: 'balanced' | 'strict', sendBuffer = 400) {
  const c = connection({ sendBuffer, level });
  c.conn.subscribe([M]);
  await waitFor(() => c.ws.drained === 1);
  return c;
}

/** Stores and offers envelope `seq`, as acceptPost does. */
const post = (c: Awaited<ReturnType<typeof reader>>, seq: number, size = 100, urgent = false) => {
  const e = env(seq, size);
  c.store.envelopes.push(e);
  c.conn.offer(M, seq, e.bytes as Uint8Array, urgent);
};

describe('a round boundary', () => {
  it('sends what was held in the same synchronous pass, without a store read, even with the buffer at its bound', async () => {
    const c = await reader('balanced');
    for (let i = 1; i <= 3; i++) post(c, i);
    expect(c.ws.envelopes).toEqual([]);
    // Each push adds its 100 bytes: the third is checked with the buffer exactly at its bound.
    c.ws.bufferedAmount = 200;
    const reads = c.store.reads;
    c.conn.releaseRound(undefined);
    expect(c.ws.envelopes).toEqual([1, 2, 3]);
    expect(c.store.reads).toBe(reads);
  });

  it('holds exactly 1 MiB in memory; the rest of a flood is paged from the store after it', async () => {
    const c = await reader('balanced', 64 << 20);
    // 16 envelopes of 64 KiB are exactly 1 MiB; one byte more does not fit.
    for (let i = 1; i <= 16; i++) post(c, i, 65_536);
    post(c, 17, 1);
    const reads = c.store.reads;
    c.conn.releaseRound(undefined);
    expect(c.ws.envelopes).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    await waitFor(() => c.ws.envelopes.length === 17, 5_000, 'paged from the store');
    expect(c.store.reads).toBeGreaterThan(reads);
    expect(c.ws.envelopes.at(-1)).toBe(17);
  });
});

describe("a call's signal (a post marked now)", () => {
  it('goes at once at balanced, while other posts wait for the round', async () => {
    const c = await reader('balanced');
    post(c, 1);
    expect(c.ws.envelopes).toEqual([]);
    post(c, 2, 100, true);
    expect(c.ws.envelopes).toEqual([1, 2]);
  });

  it('waits for the round at strict', async () => {
    const c = await reader('strict');
    post(c, 1, 100, true);
    expect(c.ws.envelopes).toEqual([]);
    c.conn.releaseRound(undefined);
    expect(c.ws.envelopes).toEqual([1]);
  });
});

describe('every envelope once', () => {
  it('a reader that re-subscribes between a post and its round gets it once', async () => {
    const c = await reader('balanced');
    post(c, 1);
    c.conn.subscribe([M]);
    await waitFor(() => c.ws.drained === 2);
    expect(c.ws.envelopes).toEqual([1]);
    c.conn.releaseRound(undefined);
    await settle();
    expect(c.ws.envelopes).toEqual([1]);
  });

  it('a post that comes in during the drain on subscribe goes at the next round, after the drain', async () => {
    const c = connection({ sendBuffer: 400, level: 'balanced' });
    c.store.envelopes.push(env(1));
    c.store.gated = true;
    c.conn.subscribe([M]);
    // The drain's read has begun, before envelope 2 was stored.
    const e2 = env(2);
    c.store.envelopes.push(e2);
    c.conn.offer(M, 2, e2.bytes as Uint8Array);
    c.store.gated = false;
    c.store.open();
    await waitFor(() => c.ws.drained === 1);
    expect(c.ws.envelopes).toEqual([1]);
    c.conn.releaseRound(undefined);
    await waitFor(() => c.ws.envelopes.length === 2, 5_000, 'sent at the round');
    expect(c.ws.envelopes).toEqual([1, 2]);
  });
});

describe('frames a reader gets', () => {
  it('cover is a binary frame, as a real push is', async () => {
    const c = await reader('balanced');
    post(c, 1, 100, true);
    c.ws.bufferedAmount = 0;
    c.conn.releaseRound(new Uint8Array(100).fill(0xcc));
    expect(c.ws.envelopes).toEqual([1, 0xcc]);
    expect(c.ws.binary.filter((_, i) => typeof c.ws.sent[i] !== 'string')).toEqual([true, true]);
  });

  it('a round that drew no cover sends an idle reader nothing', async () => {
    const c = await reader('balanced');
    c.ws.bufferedAmount = 0;
    const before = c.ws.sent.length;
    c.conn.releaseRound(undefined);
    expect(c.ws.sent).toHaveLength(before);
  });

  it('a reader gone while its backlog is read is sent nothing', async () => {
    const seen: unknown[] = [];
    const c = connection({ sendBuffer: 400, observer: (e) => seen.push(e) });
    c.store.envelopes.push(env(1), env(2));
    c.store.gated = true;
    c.conn.subscribe([M]);
    c.ws.readyState = 3;
    c.store.open();
    await settle();
    expect(c.ws.sent).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('pending mailboxes the hub forgot no longer count against the subscription cap', () => {
    const c = connection({ sendBuffer: 400 });
    c.conn.addPending(M);
    expect(c.conn.subscriptionCount()).toBe(1);
    c.conn.forgetPending(M);
    expect(c.conn.subscriptionCount()).toBe(0);
    expect([...c.conn.pendingMailboxes()]).toEqual([]);
  });
});
