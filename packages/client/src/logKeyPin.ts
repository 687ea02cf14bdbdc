/**
 * @module logKeyPin
 * The key-transparency log key: which one a device pins at first contact, and what another
 * person's log key in a conversation means.
 *
 * Inclusion and consistency hold only within one log. A relay that, from the very first contact,
 * names one log key to alice and another to bob runs two logs, each consistent in itself: every
 * head each of them sees verifies and extends the last, and it can show each of them different
 * keys for anyone. Two defences close that:
 *
 * - At enrolment, an invite may name the log key's fingerprint (protocol org/orgKey.ts), as the
 *   security team's console saw it; the relay's key must match it before the code is spent.
 * - At linking, the existing device sends the log key it pinned with the new device's
 *   certificate, under the link secret the relay never sees; the new device must hold the same.
 * - In conversations, the gossip carries the sender's log key with its tree head. A head that
 *   verifies under the sender's stated key, when that key is not ours, is a split view: proof
 *   that the sender's device and ours were given separate logs (reason 'different-log-key').
 *   A head that does not verify under the key stated with it proves nothing, and is dropped.
 */
import { HardlineError, isLogPublicKey, logKeyFingerprint, verifyTreeHead, type SignedTreeHead } from '@hardline/protocol';

/**
 * At enrolment. With a fingerprint (from the invite), the relay's log key must match it. Without
 * one, the relay's key is pinned on first use, which is as good as the relay was at that moment.
 */
export function pinLogKey(relayLogKey: unknown, fingerprint: string | undefined): string | undefined {
  const key = isLogPublicKey(relayLogKey) ? relayLogKey : undefined;
  if (key === undefined && relayLogKey !== undefined && relayLogKey !== null) {
    throw new HardlineError('CRYPTO', 'the relay names a malformed key-transparency log key: do not enrol here, and tell your security team');
  }
  if (fingerprint !== undefined && (key === undefined || logKeyFingerprint(key) !== fingerprint)) {
    throw new HardlineError('CRYPTO', 'the relay does not serve the key-transparency log key your invite names, so it could show you false keys: do not enrol here, and tell your security team');
  }
  return key;
}

/**
 * New device, at linking: the log key the existing device pinned must be the one the relay named
 * here. A device that pinned none yet (an older state) takes the other device's. Returns what to
 * keep in the transparency state.
 */
export function linkedLogKey(ours: string | undefined, theirs: string | undefined): { logKey?: string } {
  if (theirs === undefined) return ours ? { logKey: ours } : {};
  if (ours !== undefined && ours !== theirs) {
    throw new HardlineError('CRYPTO', 'the relay named this device another key-transparency log key than your other device holds, so it could show you false keys here: do not use this device, and tell your security team');
  }
  return { logKey: theirs };
}

/**
 * A peer's gossiped head, as judged against our own log key: 'same-log' to reconcile as usual,
 * 'different-log-key' when the peer's stated key signed it and is not ours, 'junk' otherwise.
 * A head without a stated key (an older sender) counts as under ours.
 */
export function peerHeadLog(head: SignedTreeHead, theirLogKey: string | undefined, ourLogKey: string): 'same-log' | 'different-log-key' | 'junk' {
  if (theirLogKey === undefined || theirLogKey === ourLogKey) return verifyTreeHead(head, ourLogKey) ? 'same-log' : 'junk';
  return verifyTreeHead(head, theirLogKey) ? 'different-log-key' : 'junk';
}
