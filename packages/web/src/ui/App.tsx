/**
 * @module ui/App
 * Top level: boots the device from IndexedDB, then shows onboarding, the signed-out notice,
 * or the signed-in shell.
 */
import { useEffect, useState } from 'preact/hooks';
import { claimDevice } from '../platform/singleTab.ts';
import { Session } from '../session/session.ts';
import { Onboarding } from './screens/Onboarding.tsx';
import { Shell } from './Shell.tsx';
import { SignedOut } from './screens/SignedOut.tsx';
import { Unreadable } from './screens/Unreadable.tsx';
import { useSession } from './useSession.ts';
import { CallScreen } from '../calls/CallScreen.tsx';
import { IdentityAlert } from './components/IdentityAlert.tsx';
import { SplitViewAlert } from './components/SplitViewAlert.tsx';
import { useAppLock } from '../lock/useAppLock.ts';
import { LockScreen, LockSetup } from '../lock/LockScreen.tsx';
import { WIPED_BY_LOCK } from '../lock/appLock.ts';

type Boot = { kind: 'loading' } | { kind: 'otherTab' } | { kind: 'onboarding' } | { kind: 'signedOut' } | { kind: 'ready'; session: Session } | { kind: 'failed'; message: string };

export function App() {
  const [boot, setBoot] = useState<Boot>({ kind: 'loading' });
  useEffect(() => {
    claimDevice()
      .then(async (mine) => {
        if (!mine) throw new Error('other tab');
        // The app lock began erasing this device: never open it again, finish the erasure.
        if (localStorage.getItem(WIPED_BY_LOCK)) return Session.eraseLocal().then(() => undefined);
        return Session.resume();
      })
      .then((s) => setBoot(s ? (s.erased ? { kind: 'signedOut' } : { kind: 'ready', session: s }) : erasing() ? { kind: 'signedOut' } : { kind: 'onboarding' }))
      .catch((e: unknown) => {
        if (e instanceof Error && e.message === 'other tab') return setBoot({ kind: 'otherTab' });
        // A wipe that a closed tab cut short (its keys went first, so what is left is
        // unreadable): finish it, and say the device is signed out rather than damaged.
        if (erasing()) return void Session.eraseLocal().finally(() => setBoot({ kind: 'signedOut' }));
        console.error('device state could not be opened', e instanceof Error ? e.name : typeof e);
        setBoot({ kind: 'failed', message: failureDetail(e) });
      });
  }, []);
  switch (boot.kind) {
    case 'loading':
      return <main class="splash" aria-busy="true" aria-label="Opening Hardline"><Logo /></main>;
    case 'otherTab':
      return (
        <main class="centered" data-screen="other-tab">
          <Logo />
          <div class="card">
            <h1>Hardline is open in another tab</h1>
            <p class="muted">Use that tab, or close it and reload this one.</p>
          </div>
        </main>
      );
    case 'failed':
      return (
        <Unreadable
          detail={boot.message}
          onTryAgain={() => location.reload()}
          onStartAgain={async () => {
            await Session.eraseLocal();
            setBoot({ kind: 'onboarding' });
          }}
        />
      );
    case 'onboarding':
      return <Onboarding onEnrolled={(session) => setBoot({ kind: 'ready', session })} />;
    case 'signedOut':
      return <SignedOut onRestart={() => { Session.clearSignedOut(); localStorage.removeItem(WIPED_BY_LOCK); setBoot({ kind: 'onboarding' }); }} />;
    case 'ready':
      return <Signed session={boot.session} onSignedOut={() => setBoot({ kind: 'signedOut' })} />;
  }
}

/** This browser's device was signed out or erased by the app lock: whatever is left goes too. */
function erasing(): boolean {
  return Session.wasSignedOut() || localStorage.getItem(WIPED_BY_LOCK) !== null;
}

/** Plain words for why the state would not open; never the error's text, which may hold data. */
function failureDetail(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'OLD_STORAGE_FORMAT') return 'It was saved by an earlier version of Hardline, whose storage could not make disappearing messages really disappear, and this version cannot read it.';
  if (code === 'KEY_GONE') return 'The key that opens it is gone: the browser may have cleared part of this site’s storage.';
  if (code === 'OUTDATED_STATE') return 'It was saved by an earlier version of Hardline, from before identity keys, and cannot be used any more.';
  if (code === 'CORRUPT' || code === 'DECODE') return 'It is damaged: it may have been cut short by a crash or changed outside Hardline.';
  if (e instanceof DOMException && e.name === 'OperationError') return 'Its key no longer opens it: the browser may have cleared part of this site’s storage.';
  return 'The browser did not let Hardline read it.';
}

function Signed({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  useSession(session);
  useEffect(() => {
    // Only once the erasure is done: a reload before it would find the data still there.
    if (session.erased) onSignedOut();
  });
  // While locked (lock/appLock.ts) none of the screens below is rendered: nothing of the
  // contact book, the chats or a caller's name is in the DOM. The session runs on beneath.
  const lock = useAppLock(session);
  if (session.revoked) return <main class="splash" aria-busy="true" aria-label="Erasing this device’s Hardline data"><Logo /></main>;
  if (!lock) return <main class="splash" aria-busy="true" aria-label="Opening Hardline"><Logo /></main>;
  if (lock.view() === 'locked') return <LockScreen lock={lock} session={session} />;
  if (lock.view() === 'setup') return <LockSetup lock={lock} />;
  return (
    <>
      <Shell session={session} />
      <CallScreen session={session} />
      <IdentityAlert session={session} />
      <SplitViewAlert session={session} />
    </>
  );
}

export function Logo() {
  return (
    <div class="logo">
      <img src="/icons/icon.svg" alt="" width="40" height="40" />
      <span>Hardline</span>
    </div>
  );
}
