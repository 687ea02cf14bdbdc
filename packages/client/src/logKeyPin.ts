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
 * - In conversations, the gossip carries the sender's log key with its tree head. A head that
 *   verifies under the sender's stated key, when that key is not ours, is a split view: proof
 *   that the sender's device and ours were given separate logs (reason 'different-log-key').
 *   A head that does not verify under the key stated with it proves nothing, and is dropped.
 */
import { HardlineError, logKeyFingerprint, verifyTreeHead, type SignedTreeHead } from '@hardline/protocol';

/**
 * At enrolment. With a fingerprint (from the invite), the relay's log key must match it. Without
 * one, the relay's key is pinned on first use, which is as good as the relay was at that moment.
 */
export function pinLogKey(relayLogKey: unknown, fingerprint: string | undefined): string | undefined {
  const key = typeof relayLogKey === 'string' ? relayLogKey : undefined;
  if (fingerprint === undefined) return key;
  let matches = false;
  try {
    matches = key !== undefined && logKeyFingerprint(key) === fingerprint;
  } catch {
    // A malformed key is no match.
  }
  if (!matches) {
    throw new HardlineError('CRYPTO', 'the relay does not serve the key-transparency log key your invite names, so it could show you false keys: do not enrol here, and tell your security team');
  }
  return key;
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
