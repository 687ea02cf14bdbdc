/**
 * Receipt timing from the relay operator's seat (docs/protocol.md §7). The operator watches
 * posts into Alice's mailbox: a receipt that leaves when Bob's listening round ends (every ~6 s)
 * pairs Alice's and Bob's mailboxes almost as well as one sent on arrival. So nothing may be
 * posted to Alice when Bob's round ends, nor before the receipt's 5–30 s delay has passed.
 *
 * Deterministic: the session's round end and its clock tick are called directly, with Date.now
 * pinned, against a real in-process relay and real engines. Only the browser's sealed storage
 * is replaced by memory.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ContactBookService, type HardlineClient } from '@hardline/client';
import type { ObserverEvent } from '@hardline/server';
import { startTestRelay, type TestRelay } from '../../server/test/support/testRelay.ts';
import { enrol } from '../../../test/support/clients.ts';
import { emptyMeta, MetaStore } from '../src/session/appMeta.ts';
import { RECEIPT_DELAY_MAX_MS, RECEIPT_DELAY_MIN_MS } from '../src/session/receipts.ts';
import { Session } from '../src/session/session.ts';

vi.mock('../src/platform/encryptedKv.ts', () => {
  const kv = new Map<string, unknown>();
  return {
    forgetStateKey: () => undefined,
    sealedGet: async (name: string) => kv.get(name),
    sealedPut: async (name: string, value: unknown) => void kv.set(name, value),
    sealedPutJson: async (name: string, json: string) => void kv.set(name, JSON.parse(json)),
  };
});

/** The private steps of a Session that the listening loop and the 1 s ticker call. */
type SessionSteps = { afterRound(): Promise<void>; tick(): Promise<void>; readonly meta: ReturnType<typeof emptyMeta> };

let relay: TestRelay;
let alice: HardlineClient;
let bob: HardlineClient;
const seen: ObserverEvent[] = [];
beforeAll(async () => {
  relay = await startTestRelay({ observer: (e) => seen.push(e) });
  alice = await enrol(relay.url, relay.adminToken, 'alice');
  bob = await enrol(relay.url, relay.adminToken, 'bob');
});
afterAll(() => {
  vi.restoreAllMocks();
  alice?.close();
  bob?.close();
});

async function bobSession(): Promise<SessionSteps> {
  const book = await ContactBookService.open(bob);
  const ctor = Session as unknown as new (...args: unknown[]) => SessionSteps;
  // (client, ingress choice, state store, meta store, book): no hop, no IndexedDB store here.
  return new ctor(bob, { url: undefined, from: 'saved' }, undefined, new MetaStore(emptyMeta()), book);
}

describe('delivery receipts, as the relay sees them', () => {
  it('nothing reaches the sender when the reader’s round ends; the receipt leaves only once due', async () => {
    const session = await bobSession();
    await alice.send('bob', 'hello');
    const aliceMailbox = alice.conversations()[0]!.mailbox.id;
    const postsToAlice = () => seen.filter((e) => e.kind === 'post' && e.mailboxId === aliceMailbox).length;
    await bob.sync(); // the listening round that receives "hello"

    const t0 = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(t0);
    await session.afterRound();
    await session.afterRound(); // and the round after (6 s later in real life)
    expect(postsToAlice()).toBe(0);
    const pending = Object.values(session.meta.pendingReceipts);
    expect(pending).toHaveLength(1);
    const dueAt = pending[0]!.dueAt;
    expect(dueAt - t0).toBeGreaterThanOrEqual(RECEIPT_DELAY_MIN_MS);
    expect(dueAt - t0).toBeLessThan(RECEIPT_DELAY_MAX_MS);

    clock.mockReturnValue(dueAt - 1);
    await session.tick();
    await session.afterRound();
    expect(postsToAlice()).toBe(0);

    clock.mockReturnValue(dueAt);
    await session.tick();
    expect(postsToAlice()).toBe(1);
    clock.mockRestore();

    await alice.sync();
    const receipts = (await alice.takeControls()).filter((c) => c.message.t === 'receipt');
    expect(receipts.map((c) => c.message.t === 'receipt' && c.message.ids)).toEqual([[alice.conversations()[0]!.messages[0]!.id]]);
  });
});
