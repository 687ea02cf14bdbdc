/**
 * @module inboxBackpressure-hostile.test
 * One inbox connection (server/src/ws/inboxConnection.ts) against a reader that reads slowly or
 * not at all, with a stand-in socket whose unsent bytes the test sets, a stand-in store, and
 * the push rounds on a clock the test moves. What a slow reader must never get from the relay:
 *  - more than `maxSocketSendBuffer` of queued bytes: the pump stops above it and goes on only
 *    once the reader is down to a quarter of it, and a live push to a reader above it waits
 *    for the pump instead of being queued;
 *  - a lost or reordered envelope when a round holds more than fits in memory (the rest is
 *    paged from the store, after what was held);
 *  - cover on top of a drain or into a full buffer (cover must look like a real push's timing,
 *    never add to a backlog);
 *  - a connection left open after its store failed;
 *  - a drain below DRAIN_FLOOR envelopes, or padding that overruns the bound to reach it.
 */
import { describe, expect, it } from 'vitest';
import type { MailboxId } from '@hardline/protocol';
import { DRAIN_FLOOR } from '../src/ws/inboxConnection.ts';
import { PUSH_ROUND_POLICIES } from '../src/ws/pushRoundPolicy.ts';
import { connection, env, settle } from './support/inboxConnectionHarness.ts';
import { waitFor } from './support/waitFor.ts';

const M = 'aa'.repeat(16) as MailboxId;

describe('a slow reader draining a backlog', () => {
  it('gets nothing more once its unsent bytes pass the bound, until it is down to a quarter of it', async () => {
    const { conn, ws, store } = connection({ sendBuffer: 400 });
    for (let i = 1; i <= 12; i++) store.envelopes.push(env(i, 100));
    conn.subscribe([M]);
    await settle();
    // 100, 200, 300, 400 (at the bound: not past it), 500: past it, the pump waits.
    expect(ws.envelopes).toEqual([1, 2, 3, 4, 5]);
    await settle();
    expect(ws.envelopes).toHaveLength(5);
    // Down to 101, one byte above a quarter: still waiting.
    ws.bufferedAmount = 101;
    await settle();
    expect(ws.envelopes).toHaveLength(5);
    // Exactly a quarter: it goes on.
    ws.bufferedAmount = 100;
    await waitFor(() => ws.envelopes.length === 9, 5_000, 'pump resumed');
    await settle();
    expect(ws.envelopes).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ws.drained).toBe(0);
    ws.bufferedAmount = 0;
    await waitFor(() => ws.drained === 1, 5_000, 'drained');
    expect(ws.envelopes).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('a closed reader stops the pump, and is sent no "drained"', async () => {
    const { conn, ws, store } = connection({ sendBuffer: 150 });
    for (let i = 1; i <= 6; i++) store.envelopes.push(env(i, 100));
    conn.subscribe([M]);
    await settle();
    expect(ws.envelopes).toEqual([1, 2]);
    ws.readyState = 3;
    ws.bufferedAmount = 0;
    await settle();
    expect(ws.envelopes).toEqual([1, 2]);
    expect(ws.drained).toBe(0);
  });
});

describe('a live push to a reader above the bound', () => {
  it('waits for the pump instead of being queued on the socket', async () => {
    const { conn, ws, store } = connection({ sendBuffer: 400 });
    conn.subscribe([M]);
    await waitFor(() => ws.drained === 1);
    ws.bufferedAmount = 401;
    for (let i = 1; i <= 3; i++) {
      store.envelopes.push(env(i));
      conn.offer(M, i, env(i).bytes as Uint8Array);
    }
    await settle();
    // The pump checks the buffer after each envelope: one goes, then it waits for the reader.
    expect(ws.envelopes).toEqual([1]);
    ws.bufferedAmount = 0;
    await waitFor(() => ws.envelopes.length === 3, 5_000, 'pushed after the drain');
    expect(ws.envelopes).toEqual([1, 2, 3]);
    // At exactly the bound a live push still goes straight out, without a store read.
    await settle();
    ws.bufferedAmount = 400;
    const reads = store.reads;
    conn.offer(M, 4, env(4).bytes as Uint8Array);
    expect(ws.envelopes).toEqual([1, 2, 3, 4]);
    expect(store.reads).toBe(reads);
  });

  it('an envelope already pushed is not pushed again, nor one for a mailbox it does not read', async () => {
    const { conn, ws } = connection({ sendBuffer: 400 });
    conn.subscribe([M]);
    await waitFor(() => ws.drained === 1);
    conn.offer(M, 5, env(5).bytes as Uint8Array);
    conn.offer(M, 5, env(5).bytes as Uint8Array);
    conn.offer(M, 4, env(4).bytes as Uint8Array);
    conn.offer('bb'.repeat(16) as MailboxId, 9, env(9).bytes as Uint8Array);
    expect(ws.envelopes).toEqual([5]);
  });
});

describe('a round that holds more than fits in memory', () => {
  it('sends everything once and in order: what was held first, the rest paged from the store', async () => {
    const { conn, ws, store, clock, rounds } = connection({ sendBuffer: 64 << 20, level: 'balanced' });
    rounds.join(conn);
    conn.subscribe([M]);
    await waitFor(() => ws.drained === 1);
    // 15 envelopes of 65,569 bytes fit in the 1 MiB held in memory; the 16th does not, and the
    // small 17th would fit again: it must not overtake the 16th.
    const big = 65_569;
    for (let i = 1; i <= 17; i++) {
      const e = env(i, i === 17 ? 1_057 : big);
      store.envelopes.push(e);
      conn.offer(M, i, e.bytes as Uint8Array);
    }
    expect(ws.envelopes).toEqual([]);
    await clock.advance(PUSH_ROUND_POLICIES.balanced.roundMs);
    await waitFor(() => ws.envelopes.length >= 17, 5_000, 'round sent');
    await settle();
    expect(ws.envelopes).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
  });

  it('what a round holds for a reader above the bound goes through the pump, not onto the socket', async () => {
    const { conn, ws, store, clock, rounds } = connection({ sendBuffer: 400, level: 'balanced' });
    rounds.join(conn);
    conn.subscribe([M]);
    await waitFor(() => ws.drained === 1);
    for (let i = 1; i <= 3; i++) {
      store.envelopes.push(env(i));
      conn.offer(M, i, env(i).bytes as Uint8Array);
    }
    ws.bufferedAmount = 401;
    await clock.advance(PUSH_ROUND_POLICIES.balanced.roundMs);
    await settle();
    expect(ws.envelopes).toEqual([1]);
    ws.bufferedAmount = 0;
    await waitFor(() => ws.envelopes.length === 3, 5_000, 'sent after the drain');
    expect(ws.envelopes).toEqual([1, 2, 3]);
  });
});

describe('cover for a reader', () => {
  const cover = new Uint8Array(50).fill(0xcc);

  it('goes only when its buffer is down to a quarter of the bound', async () => {
    const { conn, ws } = connection({ sendBuffer: 400, level: 'balanced' });
    conn.subscribe([M]);
    await waitFor(() => ws.drained === 1);
    ws.bufferedAmount = 101;
    conn.releaseRound(cover);
    expect(ws.envelopes).toEqual([]);
    ws.bufferedAmount = 100;
    conn.releaseRound(cover);
    expect(ws.envelopes).toEqual([0xcc]);
    conn.releaseRound(undefined);
    expect(ws.envelopes).toEqual([0xcc]);
  });

  it('never goes in the middle of a drain', async () => {
    const { conn, ws, store } = connection({ sendBuffer: 400, level: 'balanced' });
    store.stuck = true;
    conn.subscribe([M]);
    await settle();
    conn.releaseRound(cover);
    expect(ws.sent).toEqual([]);
  });

  it('never goes to a closed reader', () => {
    const { conn, ws } = connection({ sendBuffer: 400, level: 'balanced' });
    ws.readyState = 3;
    conn.releaseRound(cover);
    expect(ws.sent).toEqual([]);
  });
});

describe('a store that fails under a reader', () => {
  it('closes the connection 1011 and reports the error', async () => {
    const { conn, ws, store, errors } = connection({ sendBuffer: 400 });
    store.fail = true;
    conn.subscribe([M]);
    await waitFor(() => ws.closed !== undefined, 5_000, 'closed');
    expect(ws.closed).toEqual([1011, 'INTERNAL']);
    expect(errors).toHaveLength(1);
  });
});

describe('a reader that subscribes again', () => {
  it('is not sent what it already has: its cursor stays where it was', async () => {
    const { conn, ws, store } = connection({ sendBuffer: 1 << 20 });
    for (let i = 1; i <= 3; i++) store.envelopes.push(env(i));
    conn.subscribe([M]);
    await waitFor(() => ws.drained === 1);
    conn.subscribe([M]);
    await waitFor(() => ws.drained === 2);
    expect(ws.envelopes).toEqual([1, 2, 3]);
    expect(conn.isSubscribed(M)).toBe(true);
  });

  it('a claimed pending mailbox goes live with its backlog; activating it again sends nothing twice', async () => {
    const { conn, ws, store } = connection({ sendBuffer: 1 << 20 });
    conn.addPending(M);
    expect(conn.isSubscribed(M)).toBe(false);
    expect([...conn.pendingMailboxes()]).toEqual([M]);
    store.envelopes.push(env(1), env(2));
    conn.activate(M);
    await waitFor(() => ws.envelopes.length === 2);
    expect([...conn.pendingMailboxes()]).toEqual([]);
    conn.activate(M);
    await settle();
    expect(ws.envelopes).toEqual([1, 2]);
    // Activation is no subscribe: no "drained" is owed for it.
    expect(ws.drained).toBe(0);
  });

  it('closing sends a close frame only to a socket still open', () => {
    const { conn, ws } = connection({ sendBuffer: 400 });
    conn.close(4003, 'REVOKED');
    expect(ws.closed).toEqual([4003, 'REVOKED']);
    const other = connection({ sendBuffer: 400 });
    other.ws.readyState = 3;
    other.conn.close(4003, 'REVOKED');
    expect(other.ws.closed).toBeUndefined();
  });
});

describe("the drain's floor (DRAIN_FLOOR cover envelopes at least, before \"drained\")", () => {
  it('pads an empty drain and a short one to the floor, and leaves a long one as it is', async () => {
    expect(DRAIN_FLOOR).toBe(4);
    const empty = connection({ sendBuffer: 1 << 20, drainFloor: DRAIN_FLOOR });
    empty.conn.subscribe([M]);
    await waitFor(() => empty.ws.drained === 1);
    expect(empty.ws.wire).toEqual(['cover', 'cover', 'cover', 'cover', 'drained']);
    const short = connection({ sendBuffer: 1 << 20, drainFloor: DRAIN_FLOOR });
    for (let i = 1; i <= 2; i++) short.store.envelopes.push(env(i));
    short.conn.subscribe([M]);
    await waitFor(() => short.ws.drained === 1);
    expect(short.ws.wire).toEqual([1, 2, 'cover', 'cover', 'drained']);
    const long = connection({ sendBuffer: 1 << 20, drainFloor: DRAIN_FLOOR });
    for (let i = 1; i <= 6; i++) long.store.envelopes.push(env(i));
    long.conn.subscribe([M]);
    await waitFor(() => long.ws.drained === 1);
    expect(long.ws.wire).toEqual([1, 2, 3, 4, 5, 6, 'drained']);
  });

  it('counts from the subscribe that owes the drain: live pushes before it do not shorten it, a second subscribe joins it', async () => {
    const { conn, ws, store } = connection({ sendBuffer: 1 << 20, drainFloor: DRAIN_FLOOR });
    conn.subscribe([M]);
    await waitFor(() => ws.drained === 1);
    for (let i = 1; i <= 3; i++) {
      store.envelopes.push(env(i));
      conn.offer(M, i, env(i).bytes as Uint8Array);
    }
    await settle();
    // A later read (a new subscribe) is padded in full, whatever went live before it.
    conn.subscribe([M]);
    await waitFor(() => ws.drained === 2);
    expect(ws.wire).toEqual(['cover', 'cover', 'cover', 'cover', 'drained', 1, 2, 3, 'cover', 'cover', 'cover', 'cover', 'drained']);
    // Two subscribes while the store answers: one drain, one "drained", padded once.
    store.gated = true;
    store.envelopes.push(env(4));
    conn.subscribe([M]);
    conn.subscribe([M]);
    await settle();
    store.gated = false;
    store.open();
    await waitFor(() => ws.drained === 3);
    expect(ws.wire.slice(13)).toEqual([4, 'cover', 'cover', 'cover', 'drained']);
  });

  it('keeps to the bound: cover waits for the reader as the backlog does, and a push meanwhile counts', async () => {
    const { conn, ws, store } = connection({ sendBuffer: 400, drainFloor: DRAIN_FLOOR });
    store.envelopes.push(env(1, 500));
    conn.subscribe([M]);
    await settle();
    // 500 unsent bytes, past the bound: no cover on top of them.
    expect(ws.wire).toEqual([1]);
    ws.bufferedAmount = 0;
    // The cover takes a real push's size (500): past the bound again, the next waits.
    await waitFor(() => ws.wire.length === 2);
    await settle();
    expect(ws.wire).toEqual([1, 'cover']);
    expect(ws.bufferedAmount).toBe(500);
    store.envelopes.push(env(2, 100));
    conn.offer(M, 2, env(2).bytes as Uint8Array);
    ws.bufferedAmount = 0;
    await waitFor(() => ws.drained === 1);
    expect(ws.wire).toEqual([1, 'cover', 2, 'cover', 'drained']);
  });
});
