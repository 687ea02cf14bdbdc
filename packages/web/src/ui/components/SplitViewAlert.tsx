/**
 * @module ui/components/SplitViewAlert
 * The relay showed this device and someone else different key logs (a split view, caught
 * when a message carried the other person's view: client keyTransparency.ts). The relay is
 * lying to someone, so no key it serves can be trusted on its word. Blocking until the
 * person has read it, because a banner among others is what people learn to ignore; after
 * that a banner stays (SplitViewBanner), since the danger does not go away.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { Session } from '../../session/session.ts';
import { Icon } from './Icon.tsx';

export function SplitViewAlert({ session }: { session: Session }) {
  const split = session.splitView();
  const open = !!split && !session.splitViewDismissed();
  const heading = useRef<HTMLHeadingElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const returnTo = document.activeElement;
    heading.current?.focus();
    // Back where the person was once they have read it, unless something else took the focus.
    return () => {
      const a = document.activeElement;
      if ((!a || a === document.body) && returnTo instanceof HTMLElement) returnTo.focus();
    };
  }, [open, split?.detectedAt]);
  if (!split || !open) return null;
  const from = split.from ? session.displayName(split.from) : undefined;
  return (
    <div class="modal-backdrop" data-alert="split-view" data-reason={split.reason}>
      <div
        class="modal card"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="split-view-title"
        aria-describedby="split-view-text"
        // Blocking for the keyboard too: its one control keeps the focus until it is pressed.
        onKeyDown={(e) => {
          if (e.key !== 'Tab') return;
          e.preventDefault();
          button.current?.focus();
        }}
      >
        <h2 id="split-view-title" tabIndex={-1} ref={heading}>
          The server may be showing people false keys
        </h2>
        <div id="split-view-text">
          <p>
            {from ? <>A message from <bdi>{from}</bdi> showed</> : <>Hardline found</>} that the server gave you and others different
            lists of keys. An honest server never does that: someone controlling it may be trying to read messages.
          </p>
          {split.reason === 'different-log-key' && <p>The server has kept a separate key log for one of you since that device joined.</p>}
          <p>
            <strong>Tell your security team now.</strong> Before you trust anyone’s key, compare safety numbers with them in person.
          </p>
        </div>
        <div class="actions">
          <button class="primary" ref={button} onClick={() => session.dismissSplitView()}>I understand</button>
        </div>
      </div>
    </div>
  );
}

/** What stays on screen after the alert is closed. */
export function SplitViewBanner({ session }: { session: Session }) {
  if (!session.splitView() || !session.splitViewDismissed()) return null;
  return (
    <div class="banner warning" role="status" data-warning="split-view">
      <Icon name="warning" />
      <p>The server showed you and others different keys. Tell your security team, and compare safety numbers in person before trusting any key.</p>
    </div>
  );
}
