/**
 * @module keyTransparency-refusedProof-hostile.test
 * A relay that forked its log for one person (a split view) must never prove the two branches
 * consistent, since no proof exists. Since 76a6abd a 5xx page that is not JSON, or an answer cut
 * off mid-way, is UNAVAILABLE, and UNAVAILABLE records nothing: right for a broken link, but the
 * relay can give exactly that answer (or, as before 76a6abd, a JSON `{"error":{"code":
 * "UNAVAILABLE"}}` 503, which RelayApi.request maps to UNAVAILABLE too) to every consistency
 * request that would join the two branches, and only to those, while the head, the inbox and
 * everything else work. onPeerHead then drops each gossiped head and keeps nothing: no count, no
 * pending head, no notice. The fork stays hidden for as long as the relay likes.
 *
 * Expected (fails today): a peer head the relay has refused to join to ours, again and again over
 * days while it answers everything else, ends up on record (a split view, or a distinct
 * "relay will not prove consistency" report the app shows).
 */
import { describe, expect, it } from 'vitest';
import { HardlineError, newLogKey, signTreeHead, type Handle, type SignedTreeHead } from '@hardline/protocol';
import { KeyTransparency, type TransparencyState } from '../src/keyTransparency.ts';
import type { TransparencyApi } from '../src/transparencyApi.ts';

const DAY = 86_400_000;

describe('a relay that answers every cross-branch consistency request with an outage', () => {
  it('cannot keep a fork off the record for ever', async () => {
    const log = newLogKey();
    const head = (treeSize: number, fill: number): SignedTreeHead => signTreeHead(log.secretKey, { treeSize, rootHash: new Uint8Array(32).fill(fill), timestamp: 1_800_000_000_000 + treeSize });
    const ours = head(10, 1);
    const state: TransparencyState = { logKey: log.publicKey, head: ours };
    let refused = 0;
    const api = {
      logKey: async () => log.publicKey,
      head: async () => ours,
      consistency: async () => {
        refused++;
        // What RelayApi.request throws for a proxy's HTML 502, a cut-off answer, or the relay's own JSON 503.
        throw new HardlineError('UNAVAILABLE', 'relay sent a non-JSON reply (HTTP 502)');
      },
      entries: async () => [],
      inclusions: async () => [],
    } as unknown as TransparencyApi;
    let now = 1_800_000_000_000;
    const kt = new KeyTransparency(api, () => state, () => ({ handle: 'alice' as Handle, identityKey: undefined }), () => now);

    // Bob, on the other branch, writes every few hours for a week; each text carries his head.
    for (let i = 0; i < 50; i++) {
      now += DAY / 7;
      await kt.onPeerHead(head(11 + i, 2), 'bob' as Handle, log.publicKey);
    }
    expect(refused).toBe(50);
    // Today: undefined, and nothing else in state says a proof was ever refused.
    expect(kt.splitView()).toBeDefined();
  });
});
