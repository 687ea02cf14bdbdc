/**
 * @module session/awaitedInvite
 * The hop while a device waits for its awaited entry in the org's verified chain (client
 * orgPolicy.ts `AwaitedEntry`: its own invite, or for a linked device the chain head its linking
 * device handed over). A relay already taken over when the device enrols can serve it the
 * chain cut short, before the policy that names the ingress hop, and announce a hop of its own
 * (or none): the page would pin that and send its first cover posts, claims and TURN purchases
 * through it. The invite was signed into the chain before the relay made its code, so a chain
 * that holds it holds every policy signed before it. Until the engine has verified such a chain,
 * the hop is unknown: anonymous actions are held (pendingHop.ts), then go through the signed hop,
 * or, if the team signed none, the one the relay announces, each after its own random delay.
 * A relay that keeps withholding keeps the device from sending anything anonymous: a denial of
 * service it had anyway, and no address given away.
 */
import { splitInviteCode } from '@hardline/protocol';
import type { IngressChoice } from './announcedIngress.ts';

export const UNKNOWN_HOP: IngressChoice = { url: undefined, from: 'unknown' };

/**
 * A code that names the org key has an entry to await in the chain: an invite its own order, a
 * link code the head the linking device hands over in its sealed answer (client deviceLinking.ts;
 * until that answer, the engine awaits the answer itself). A code naming no key awaits nothing.
 */
export function awaitsInvite(code: string): boolean {
  return splitInviteCode(code).orgFingerprint !== undefined;
}

/** The hop's look-up while `waiting()`: unknown, without asking anyone; then `decide()`. */
export function afterInvite(waiting: () => boolean, decide: () => Promise<IngressChoice>): () => Promise<IngressChoice> {
  return async () => (waiting() ? UNKNOWN_HOP : decide());
}
