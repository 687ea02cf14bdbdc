/**
 * @module ui/components/KeyChangeBanner
 * Shown when a person's identity key differs from the one pinned: they were enrolled again
 * after losing their devices, or someone is interfering. Comparing safety numbers tells which.
 * Messages to them are held until the user accepts the new key (client trustRules.ts).
 */
import type { Session } from '../../session/session.ts';
import { Icon } from './Icon.tsx';

export function KeyChangeBanner({ session, handle, onCompare }: { session: Session; handle: string; onCompare?: () => void }) {
  const name = session.displayName(handle);
  return (
    <div class="banner warning" role="alert" data-warning="key-change" data-handle={handle}>
      <Icon name="warning" />
      <div>
        <strong><bdi>{name}</bdi>’s safety number has changed.</strong>
        <p>Their identity key changed: they may have been enrolled again, or someone may be interfering. Messages to them wait until you accept the new key. Compare safety numbers in person first.</p>
        <div class="banner-actions">
          {onCompare && <button class="secondary" onClick={onCompare}>Compare safety number</button>}
          <button class="link" onClick={() => void session.acceptKeys(handle)}>Accept the new key</button>
        </div>
      </div>
    </div>
  );
}
