/**
 * @module ui/components/IngressStatus
 * Says whether this device's anonymous actions go through an ingress hop, and whose: the one
 * thing a person can check about a hop from the app (docs/protocol.md §7 says what each side
 * sees). The hop shown is the one this device pinned (session/pinnedHop.ts): a hop the relay
 * swapped or stopped announcing shows here as a change waiting for the person's choice, with
 * the hop still in use; one not known yet (the relay did not answer at start and nothing was
 * saved, session/pendingHop.ts) as waiting. A hop the security team signed into the org policy
 * says so: the relay cannot change it, so there is never a change to show against it.
 */
import type { Session } from '../../session/session.ts';
import { AcceptHopChange, hopChangeMeaning, hopChangeText } from './HopChangeNotice.tsx';

export function IngressStatus({ session }: { session: Session }) {
  const { url, from, change } = session.ingress;
  return (
    <section class="card inset" aria-labelledby="ingress-status-h" data-ingress-status={from === 'unknown' ? 'waiting' : change ? 'changed' : url ? (from === 'policy' ? 'signed-hop' : 'hop') : 'direct'}>
      <h2 id="ingress-status-h">Network privacy</h2>
      {change ? (
        <>
          <p>
            <strong>{hopChangeText(change)}</strong> In use: <strong data-ingress-origin>{new URL(change.from).host}</strong>.
          </p>
          <p>{hopChangeMeaning(change)}</p>
          <AcceptHopChange session={session} change={change} />
        </>
      ) : from === 'unknown' ? (
        <p role="status">
          Waiting for your organisation’s relay to say whether this device should send through an ingress hop. Until it does, messages, new conversations and call set-ups wait on this device, so they never leave from its network address by mistake; receiving goes on.
        </p>
      ) : url ? (
        <p>
          Messages, new conversations and call set-ups leave through the ingress hop at <strong data-ingress-origin>{new URL(url).host}</strong>, run apart from your organisation’s relay: the relay does not see this device’s network address on them, and the hop sees that address but not what is sent or to whom.
          {from === 'saved' && ' (The relay could not be reached when Hardline opened; this is the hop it named last.)'}
          {from === 'policy' && ' Your security team set this hop in its signed policy, so the relay cannot change it.'}
        </p>
      ) : (
        <p>No ingress hop: your organisation’s relay sees the network address this device sends from. Your messages stay end-to-end encrypted.</p>
      )}
    </section>
  );
}
