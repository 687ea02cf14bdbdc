/**
 * @module ui/components/IdentityAlert
 * The blocking alert for a person the user had verified whose identity key is now different:
 * a re-enrolment, or someone interfering. Nothing else can be done until the user decides, and
 * sending to that person stays held (client trustRules.ts) until they accept the new key.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { Session } from '../../session/session.ts';

export function IdentityAlert({ session }: { session: Session }) {
  const handle = session.verifiedButChanged()[0];
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [handle]);
  if (!handle) return null;
  const name = session.displayName(handle);
  return (
    <div class="modal-backdrop" data-alert="identity-changed" data-handle={handle}>
      <div class="modal card" role="alertdialog" aria-modal="true" aria-labelledby="identity-alert-title" aria-describedby="identity-alert-text">
        <h2 id="identity-alert-title" tabIndex={-1} ref={heading}>
          <bdi>{name}</bdi>’s identity key has changed
        </h2>
        <p id="identity-alert-text">
          You had verified <bdi>{name}</bdi>. Their key is different now: they may have been enrolled again after losing their
          devices, or someone may be interfering. Messages to them are held. Compare safety numbers with them in person, or over a
          call you trust, before you accept the new key.
        </p>
        <div class="actions">
          <button class="primary" onClick={() => void session.acceptKeys(handle)}>I have compared the new number</button>
        </div>
      </div>
    </div>
  );
}
