/**
 * @module calls/RecentCalls
 * A contact's recent calls on their card, from this device's call log.
 */
import type { Session } from '../session/session.ts';
import { shortTime } from '../ui/format.ts';
import { describeCall } from './callLog.ts';
import { CallIcon } from './CallIcons.tsx';
import { useCalls } from './useCalls.ts';

export function RecentCalls({ session, handle }: { session: Session; handle: string }) {
  useCalls(session.calls);
  const entries = session.calls.history.forPeer(handle).slice(0, 5);
  if (entries.length === 0) return null;
  const name = session.displayName(handle);
  return (
    <section class="recent-calls" aria-label="Recent calls">
      <h2>Recent activity</h2>
      <ul class="rows">
        {entries.map((e) => (
          <li key={e.callId} class={`row static call-entry ${e.outcome}`} data-call-entry={e.callId} data-call-outcome={e.outcome} data-call-direction={e.direction}>
            <span class="call-entry-icon"><CallIcon name={e.outcome === 'missed' ? 'missed' : 'phone'} size={18} /></span>
            <span class="row-main">{describeCall(e, name)}</span>
            <span class="muted call-entry-time">{shortTime(e.at)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
