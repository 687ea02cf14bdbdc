/**
 * @module ui/components/OwnNameBanner
 * The server's key log holds a key under this person's own name that their identity key did
 * not make (client logMonitor.ts). Only they can tell it is false: everyone else's app takes it
 * as an ordinary re-enrolment. So it shows on every tab until the log no longer holds it.
 */
import type { Session } from '../../session/session.ts';
import { Icon } from './Icon.tsx';

export function OwnNameBanner({ session }: { session: Session }) {
  if (session.foreignLogEntries() === 0) return null;
  return (
    <div class="banner warning" role="alert" data-warning="own-name-logged">
      <Icon name="warning" />
      <div>
        <strong>A key under your name that you did not make is on the server.</strong>
        <p>Your contacts may be shown it as yours, and their messages could go to someone else. Tell your security team now.</p>
      </div>
    </div>
  );
}
