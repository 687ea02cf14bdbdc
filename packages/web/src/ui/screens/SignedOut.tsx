/**
 * @module ui/screens/SignedOut
 * What a revoked device shows. Its local data is already gone when this renders.
 */
import { Logo } from '../App.tsx';

export function SignedOut({ onRestart }: { onRestart: () => void }) {
  return (
    <main class="centered" data-screen="signed-out">
      <Logo />
      <div class="card">
        <h1>This device has been signed out</h1>
        <p>It was removed from your account on another of your devices. Everything Hardline kept here (keys, messages and contacts) has been erased from this browser.</p>
        <p class="muted">If you did not expect this, tell your security team.</p>
        <button class="primary" onClick={onRestart}>Set up this device again</button>
      </div>
    </main>
  );
}
