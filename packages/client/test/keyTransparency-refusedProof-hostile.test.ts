/**
 * @module keyTransparency-refusedProof-hostile.test
 * A relay that forked its log for one person (a split view) can never prove the two branches
 * consistent, since no proof exists. An answer that never arrives (a proxy's 5xx page, a cut
 * answer, or the relay's own JSON 503: all UNAVAILABLE in RelayApi.request) records nothing, so
 * that a broken link is not taken for a lying relay. Found by the attacker review: the relay
 * could then give exactly that answer to every consistency request that would join its two
 * branches, and only to those, and keep the fork off the record for ever. Now the waiting pair
 * is kept and tried again (client withheldProof.ts): a proof withheld for a day, over several
 * tries, is recorded as a forked log; a proof that arrives settles it; a short outage is not
 * a fork.
 */
import { describe, expect, it } from 'vitest';
import { consistencyProof, HardlineError, newLogKey, signTreeHead, subtreesOf, merkleTreeHash, leafHash, type Handle, type SignedTreeHead } from '@hardline/protocol';
import { KeyTransparency, SplitViewError, type TransparencyState } from '../src/keyTransparency.ts';
import type { TransparencyApi } from '../src/transparencyApi.ts';
import { WITHHELD_FOR_MS, WITHHELD_TRIES } from '../src/withheldProof.ts';

const HOUR = 3_600_000;
const BOB = 'bob' as Handle;

/** A relay whose consistency route answers with an outage while `withholding`, and with real proofs otherwise. */
function relay() {
  const log = newLogKey();
  const leaves = Array.from({ length: 64 }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)));
  const head = (treeSize: number): SignedTreeHead => signTreeHead(log.secretKey, { treeSize, rootHash: merkleTreeHash(leaves.slice(0, treeSize)), timestamp: 1_800_000_000_000 + treeSize });
  /** A head of a branch of its own: same size, another root. */
  const forked = (treeSize: number): SignedTreeHead => signTreeHead(log.secretKey, { treeSize, rootHash: new Uint8Array(32).fill(treeSize), timestamp: 1_800_000_000_000 + treeSize });
  const r = { log, head, forked, withholding: true, asked: 0, current: head(10) };
  const api = {
    logKey: async () => log.publicKey,
    head: async () => r.current,
    consistency: async (from: number, to: number) => {
      r.asked++;
      if (r.withholding) throw new HardlineError('UNAVAILABLE', 'relay sent a non-JSON reply (HTTP 502)');
      return consistencyProof(from, to, subtreesOf(leaves.slice(0, to)));
    },
    entries: async () => [],
    inclusions: async () => [],
  } as unknown as TransparencyApi;
  return { r, api };
}

function device(api: TransparencyApi, ours: SignedTreeHead, logKey: string, clock: { now: number }) {
  const state: TransparencyState = { logKey, head: ours };
  const kt = new KeyTransparency(api, () => state, () => ({ handle: 'alice' as Handle, identityKey: undefined }), () => clock.now);
  return { state, kt };
}

describe('a relay that answers every cross-branch consistency request with an outage', () => {
  it('cannot keep a fork off the record for ever: after a day of refusals it is a split view, with both heads', async () => {
    const { r, api } = relay();
    const clock = { now: 1_800_000_000_000 };
    const { kt, state } = device(api, r.head(10), r.log.publicKey, clock);
    // Bob, on the other branch, writes every few hours; each text carries his head.
    for (let i = 0; i < 50 && !kt.splitView(); i++) {
      clock.now += 3 * HOUR;
      await kt.onPeerHead(r.forked(11 + i), BOB, r.log.publicKey);
    }
    const report = kt.splitView();
    expect(report).toMatchObject({ code: 'SPLIT_VIEW', reason: 'forked-log', from: BOB, via: 'gossip' });
    // The first pair kept waiting is the evidence: newer gossip does not reset the clock.
    expect(report!.ours.treeSize).toBe(10);
    expect(report!.theirs).toEqual(r.forked(11));
    expect(report!.proofWithheld!.refusals).toBeGreaterThanOrEqual(3);
    expect(clock.now - Date.parse(report!.proofWithheld!.since)).toBeGreaterThanOrEqual(WITHHELD_FOR_MS);
    expect(r.asked).toBeLessThanOrEqual(10);
    expect(state.withheld).toBeDefined();
  });

  it('the relay refusing at each refresh counts too, and the sync fails once with SPLIT_VIEW', async () => {
    const { r, api } = relay();
    const clock = { now: 1_800_000_000_000 };
    const { kt } = device(api, r.head(10), r.log.publicKey, clock);
    await kt.onPeerHead(r.forked(12), BOB, r.log.publicKey);
    let caught: unknown;
    for (let i = 0; i < 40 && !caught; i++) {
      clock.now += 2 * HOUR;
      await kt.refreshHead().catch((e: unknown) => (caught = e));
    }
    expect(caught).toBeInstanceOf(SplitViewError);
    expect(kt.splitView()).toMatchObject({ reason: 'forked-log', from: BOB, proofWithheld: expect.any(Object) });
  });
});

describe('a relay that withholds the proof exactly as long, and as often, as the rule allows', () => {
  /** Bob's forked head gossiped at each of `times` (ms after the start); what alice's device then holds. */
  async function triedAt(times: number[]) {
    const { r, api } = relay();
    const start = 1_800_000_000_000;
    const clock = { now: start };
    const { kt } = device(api, r.head(10), r.log.publicKey, clock);
    for (const t of times) {
      clock.now = start + t;
      await kt.onPeerHead(r.forked(11), BOB, r.log.publicKey);
    }
    return kt.splitView();
  }

  it('is recorded: the third refusal, exactly a day after the first, makes the fork', async () => {
    expect(WITHHELD_TRIES).toBe(3);
    const report = await triedAt([0, HOUR, WITHHELD_FOR_MS]);
    expect(report).toMatchObject({ reason: 'forked-log', proofWithheld: { since: new Date(1_800_000_000_000).toISOString(), refusals: 3 } });
  });

  it('one millisecond short of the day, or one try short, is not', async () => {
    expect(await triedAt([0, HOUR, WITHHELD_FOR_MS - 1])).toBeUndefined();
    expect(await triedAt([0, WITHHELD_FOR_MS])).toBeUndefined();
  });
});

describe('an honest relay that was down for a while', () => {
  it('is not a fork: the proof that arrives later settles the waiting pair', async () => {
    const { r, api } = relay();
    const clock = { now: 1_800_000_000_000 };
    const { kt, state } = device(api, r.head(10), r.log.publicKey, clock);
    await kt.onPeerHead(r.head(14), BOB, r.log.publicKey);
    clock.now += HOUR;
    await kt.onPeerHead(r.head(15), BOB, r.log.publicKey);
    expect(state.withheld).toMatchObject({ refusals: 2 });
    r.withholding = false;
    clock.now += 2 * WITHHELD_FOR_MS;
    await kt.refreshHead();
    expect(state.withheld).toBeUndefined();
    expect(kt.splitView()).toBeUndefined();
    expect(state.head).toEqual(r.head(14));
  });

  it('a day of outage with too few tries, or many tries within the day, records nothing', async () => {
    const { r, api } = relay();
    const clock = { now: 1_800_000_000_000 };
    const { kt, state } = device(api, r.head(10), r.log.publicKey, clock);
    await kt.onPeerHead(r.head(14), BOB, r.log.publicKey);
    clock.now += 2 * WITHHELD_FOR_MS;
    await kt.onPeerHead(r.head(15), BOB, r.log.publicKey);
    expect(kt.splitView()).toBeUndefined();

    const second = device(api, r.head(10), r.log.publicKey, { now: clock.now });
    for (let i = 0; i < 20; i++) await second.kt.onPeerHead(r.head(14), BOB, r.log.publicKey);
    expect(second.kt.splitView()).toBeUndefined();
    expect(state.withheld?.refusals).toBe(2);
  });
});
