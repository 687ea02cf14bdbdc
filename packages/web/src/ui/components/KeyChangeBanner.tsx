/**
 * @module ui/components/KeyChangeBanner
 * Shown when a person's device keys differ from the ones last accepted: they linked or
 * removed a device, or someone is interfering. Comparing safety numbers tells which.
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
        <p>They may have linked or removed a device, or someone may be interfering. Compare safety numbers in person before sharing anything sensitive.</p>
        <div class="banner-actions">
          {onCompare && <button class="secondary" onClick={onCompare}>Compare safety number</button>}
          <button class="link" onClick={() => void session.acceptKeys(handle)}>Dismiss</button>
        </div>
      </div>
    </div>
  );
}
