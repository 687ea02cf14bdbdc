/**
 * @module withheldProof
 * A consistency proof the relay keeps not giving. Two heads that no proof joins are a forked
 * log (keyTransparency.ts), but an answer that never arrives is an outage, not a refusal, so a
 * broken link is not taken for a lying relay. That leaves a relay that forked its log free to
 * answer "unavailable" to exactly the proofs that would join its two branches, while its heads
 * and inbox work, and so keep the fork off the record for ever. So the pair of heads waiting
 * for a proof is kept in the device state, tried again at each refresh, and once the relay has
 * withheld it for a day, over several tries, the pair is recorded as a forked log: the two
 * signed heads are the same evidence as for a wrong proof, and an honest relay can clear
 * itself by producing the proof to anyone.
 */
import type { Handle, SignedTreeHead } from '@hardline/protocol';

/** Persisted in the transparency state while a proof is outstanding. */
export type WithheldProof = {
  readonly ours: SignedTreeHead;
  readonly theirs: SignedTreeHead;
  readonly via: 'gossip' | 'relay';
  readonly from?: Handle;
  /** When the relay first failed to give it (ISO time). */
  readonly since: string;
  /** Failed tries since then. */
  readonly refusals: number;
};

/** A day of refusals, and at least this many tries, before a withheld proof counts as a fork. */
export const WITHHELD_FOR_MS = 24 * 3_600_000;
export const WITHHELD_TRIES = 3;

/**
 * One more failed try for the proof joining `ours` and `theirs`. The first pair waiting is kept
 * (a relay must not reset the clock by gossiping ever newer heads); a try for another pair
 * counts against it too, since the relay that withholds one proof is the one answering.
 */
export function noteWithheld(prev: WithheldProof | undefined, pair: Omit<WithheldProof, 'since' | 'refusals'>, now: number): WithheldProof {
  if (!prev) return { ...pair, since: new Date(now).toISOString(), refusals: 1 };
  return { ...prev, refusals: prev.refusals + 1 };
}

/** Whether the relay has withheld the proof long enough, and often enough, to count as a fork. */
export function withheldTooLong(w: WithheldProof, now: number): boolean {
  return w.refusals >= WITHHELD_TRIES && now - Date.parse(w.since) >= WITHHELD_FOR_MS;
}

/** Whether two heads are one: a later proof for `theirs` settles the waiting pair. */
export function sameHead(a: SignedTreeHead, b: SignedTreeHead): boolean {
  return a.treeSize === b.treeSize && a.rootHash === b.rootHash;
}
