/**
 * @module ui/screens/Unreadable
 * What a device shows when its saved state cannot be opened at all (its key is gone, or the
 * sealed record is damaged). Never a dead end: try again, or start this browser afresh and get
 * back in by linking it from another device or with a new invite from the security team.
 */
import { useState } from 'preact/hooks';
import { Logo } from '../App.tsx';

export function Unreadable({ detail, onTryAgain, onStartAgain }: { detail: string; onTryAgain: () => void; onStartAgain: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <main class="centered" data-screen="unreadable">
      <Logo />
      <div class="card">
        <h1>This device’s saved data could not be opened</h1>
        <p>{detail}</p>
        <p>Your account is safe. To get back in:</p>
        <ul>
          <li>on another of your devices, open <strong>Devices → Link a device</strong> and use that code here; or</li>
          <li>ask your security team for a new invite for your handle. It signs out the lost device, and your contacts are told that your keys changed.</li>
        </ul>
        <div class="actions">
          <button class="secondary" onClick={onTryAgain}>Try again</button>
          {!confirming && <button class="primary" onClick={() => setConfirming(true)}>Set up this browser again</button>}
        </div>
        {confirming && (
          <div
            class="banner warning"
            role="alert"
            onKeyDown={(e) => {
              if (e.key === 'Escape') setConfirming(false);
            }}
          >
            <div>
              <p>This erases what this browser holds for Hardline (messages that were only here are lost). Your contact book comes back from your other devices.</p>
              <div class="banner-actions">
                <button
                  class="primary"
                  disabled={busy}
                  onClick={() => {
                    setBusy(true);
                    void onStartAgain().finally(() => setBusy(false));
                  }}
                >
                  {busy ? 'Erasing…' : 'Erase and set up again'}
                </button>
                <button class="link" onClick={() => setConfirming(false)}>Cancel</button>
              </div>
            </div>
          </div>
        )}
      </div>
    </main>
  );
}
