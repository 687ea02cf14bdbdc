/**
 * @module calls/CallButton
 * "Call" on a contact card (a labelled button) or in a chat header (an icon button).
 */
import type { Session } from '../session/session.ts';
import { isActive } from './callState.ts';
import { CallIcon } from './CallIcons.tsx';
import { useCalls } from './useCalls.ts';

export function CallButton({ session, handle, compact = false }: { session: Session; handle: string; compact?: boolean }) {
  useCalls(session.calls);
  const busy = isActive(session.calls.call);
  const start = () => void session.calls.dial(handle).catch(() => undefined);
  // The org policy forbids this person calls: the engine refuses call keys, so offer no button.
  if (!session.client.orgPolicy().capabilities.calls) return null;
  return compact ? (
    <button class="icon-button" aria-label="Call" title="Call" data-call={handle} disabled={busy} onClick={start}>
      <CallIcon name="phone" />
    </button>
  ) : (
    <button class="primary call-button" data-call={handle} disabled={busy} onClick={start}>
      <CallIcon name="phone" /> Call
    </button>
  );
}
