/**
 * @module ui/components/HopChangeNotice
 * The relay announces another ingress hop, or none, than the one this device pinned
 * (session/pinnedHop.ts). A relay taken over would do exactly this to see posters' addresses,
 * and so might a security team that really moved the hop: only the person can tell them apart,
 * by asking. So the app says so in words, keeps to the pinned hop, and offers the two choices.
 *
 * The full notice cannot be closed: it goes only when the person makes a choice (keep the pinned
 * hop, or accept the change after a second, spelled-out confirmation), so it is read rather than
 * waved away. Kept, it shrinks to a line that stays while the change stands, since actions may
 * be failing meanwhile (the page's CSP comes from the relay and may refuse the pinned hop).
 */
import { useState } from 'preact/hooks';
import type { HopChange } from '../../session/pinnedHop.ts';
import type { Session } from '../../session/session.ts';
import { errorText } from '../errorText.ts';
import { Icon } from './Icon.tsx';

const host = (url: string) => new URL(url).host;

/** One sentence on what the relay did: "changed your privacy hop from X to Y" or "stopped naming one". */
export function hopChangeText(change: HopChange): string {
  return change.to
    ? `The server changed your privacy hop from ${host(change.from)} to ${host(change.to)}.`
    : `The server stopped naming a privacy hop. Yours is ${host(change.from)}.`;
}

/** What holds until the person chooses, and why the pinned hop may not be reachable meanwhile. */
export function hopChangeMeaning(change: HopChange): string {
  return (
    `Hardline keeps sending through ${host(change.from)}: someone who took over the server could make this change to see which network address your messages come from. ` +
    `Ask your security team whether they moved the hop. Until you accept the change, messages, new conversations and call set-ups go only through ${host(change.from)}; ` +
    'the server also decides which addresses this page may contact, so if the page can no longer reach that hop, they wait on this device instead of going another way.'
  );
}

/** Accept, behind a confirmation that says what accepting means. */
export function AcceptHopChange({ session, change }: { session: Session; change: HopChange }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const accept = () => session.acceptHopChange().catch((e: unknown) => setError(errorText(e)));
  if (!confirming) {
    return (
      <button class="link" data-action="review-hop-change" onClick={() => setConfirming(true)}>
        {change.to ? `Use ${host(change.to)} instead…` : 'Stop using a privacy hop…'}
      </button>
    );
  }
  return (
    <div role="group" aria-label="Accept the server’s change" data-confirm="hop-change">
      <p>
        {change.to
          ? `Only if your security team confirmed it: from now on, send through ${host(change.to)}, which will see this device’s network address.`
          : 'Only if your security team confirmed it: from now on, send straight to the server, which will see this device’s network address.'}
      </p>
      <div class="banner-actions">
        <button class="secondary" data-action="accept-hop-change" onClick={() => void accept()}>
          {change.to ? `Yes, use ${host(change.to)}` : 'Yes, stop using a hop'}
        </button>
        <button class="link" onClick={() => setConfirming(false)}>Cancel</button>
      </div>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

/** The shell's notice, on every tab while the change stands. */
export function HopChangeBanner({ session }: { session: Session }) {
  const change = session.hopChange;
  if (!change) return null;
  if (session.hopChangeKept()) {
    return (
      <div class="banner warning" role="status" data-warning="hop-change" data-kept="true">
        <Icon name="warning" />
        <p>{hopChangeText(change)} You kept {host(change.from)}; Devices → Network privacy has the choice again.</p>
      </div>
    );
  }
  return (
    <div class="banner warning" role="alert" data-warning="hop-change">
      <Icon name="warning" />
      <div>
        <strong>{hopChangeText(change)}</strong>
        <p>{hopChangeMeaning(change)}</p>
        <div class="banner-actions">
          <button class="secondary" data-action="keep-hop" onClick={() => session.keepPinnedHop()}>
            Keep {host(change.from)}
          </button>
          <AcceptHopChange session={session} change={change} />
        </div>
      </div>
    </div>
  );
}
