/**
 * @module ui/screens/SignedOut
 * What a revoked device shows. Its local data is already gone when this renders.
 */
import { Logo } from '../App.tsx';
import { WIPED_BY_LOCK } from '../../lock/appLock.ts';

export function SignedOut({ onRestart }: { onRestart: () => void }) {
  return (
    <main class="centered" data-screen="signed-out">
      <Logo />
      <div class="card">
        {localStorage.getItem(WIPED_BY_LOCK) === '1' ? (
          <>
            <h1>Hardline’s data on this device was erased</h1>
            <p>The passphrase was entered wrongly too many times, and your organisation’s security policy erases this device’s data then. Keys, messages and contacts are gone from this browser. Your contact book comes back from your other devices once this one is set up again.</p>
          </>
        ) : (
          <>
            <h1>This device has been signed out</h1>
            <p>It was removed from your account on another of your devices. Everything Hardline kept here (keys, messages and contacts) has been erased from this browser.</p>
          </>
        )}
        <p class="muted">If you did not expect this, tell your security team.</p>
        <button class="primary" onClick={onRestart}>Set up this device again</button>
      </div>
    </main>
  );
}
