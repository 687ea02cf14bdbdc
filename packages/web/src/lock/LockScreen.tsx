/**
 * @module lock/LockScreen
 * What a locked app shows: the logo, a passphrase field and nothing else of the user's. An
 * incoming call is said to ring, never by whom. With no passphrase yet and a policy that asks
 * for the lock, the same screen asks the user to choose one before the app opens.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Logo } from '../ui/App.tsx';
import { startRingtone } from '../ui/ringtone.ts';
import type { Session } from '../session/session.ts';
import type { AppLock } from './appLock.ts';
import { durationText } from './lockSettings.ts';
import { MIN_PASSPHRASE_LENGTH, passphraseProblem } from './passphrase.ts';

export function LockScreen({ lock, session }: { lock: AppLock; session: Session }) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const ringing = session.calls?.call?.phase === 'incoming';
  // A locked app still rings, as a locked phone does; who calls shows only once unlocked.
  useEffect(() => {
    if (!ringing) return;
    const ring = startRingtone();
    return () => ring.stop();
  }, [ringing]);
  const { wipeAfter } = lock.settings();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || passphrase === '') return;
    setBusy(true);
    setError('');
    const r = await lock.unlock(passphrase).catch(() => undefined);
    setBusy(false);
    setPassphrase('');
    if (!r) return setError('The passphrase could not be checked. Try again.');
    if (r.ok || r.wiped) return;
    setError(r.left !== undefined ? `Wrong passphrase. ${r.left} ${r.left === 1 ? 'attempt' : 'attempts'} left before this device’s Hardline data is erased.` : 'Wrong passphrase.');
    input.current?.focus();
  };
  return (
    <main class="centered" data-screen="locked">
      <Logo />
      <form class="card" onSubmit={submit} aria-busy={busy}>
        <h1>Hardline is locked</h1>
        {ringing && <p class="banner" role="alert" data-lock-ringing>Incoming call: unlock to answer.</p>}
        <label>
          Passphrase
          <input ref={input} type="password" name="unlock" autocomplete="current-password" value={passphrase} onInput={(e) => setPassphrase(e.currentTarget.value)} disabled={busy} aria-describedby="lock-error lock-hint" />
        </label>
        {error && <p id="lock-error" class="error" role="alert" data-lock-error>{error}</p>}
        <button class="primary" type="submit" disabled={busy || passphrase === ''}>{busy ? 'Checking…' : 'Unlock'}</button>
        <p id="lock-hint" class="muted">
          {wipeAfter > 0 ? `Your organisation erases this device’s Hardline data after ${wipeAfter} wrong passphrases in a row.` : 'Messages and calls still arrive while Hardline is locked.'}
        </p>
      </form>
    </main>
  );
}

/** The first time a lock is in force: choose the passphrase (also used from the settings). */
export function ChoosePassphrase({ lock, onDone, onCancel }: { lock: AppLock; onDone?: () => void; onCancel?: () => void }) {
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const problem = passphraseProblem(first, second);
    if (problem) return setError(problem);
    setBusy(true);
    try {
      await lock.setPassphrase(first);
      onDone?.();
    } catch {
      setError('The passphrase could not be saved on this device. Try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-busy={busy} data-choose-passphrase>
      {onCancel ? <h3>Choose a passphrase</h3> : <h1>Choose a passphrase</h1>}
      <p>Hardline will lock after {durationText(lock.settings().seconds || 300)} without use, and each time it opens. This passphrase unlocks it. It is kept only on this device; nobody can recover it for you.</p>
      <label>
        New passphrase (at least {MIN_PASSPHRASE_LENGTH} characters)
        <input type="password" name="new-passphrase" autocomplete="new-password" value={first} onInput={(e) => setFirst(e.currentTarget.value)} disabled={busy} />
      </label>
      <label>
        Repeat it
        <input type="password" name="repeat-passphrase" autocomplete="new-password" value={second} onInput={(e) => setSecond(e.currentTarget.value)} disabled={busy} />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        {onCancel && <button type="button" class="secondary" onClick={onCancel}>Cancel</button>}
        <button class="primary" type="submit" disabled={busy}>{busy ? 'Saving…' : 'Set passphrase'}</button>
      </div>
    </form>
  );
}

/** The policy asks for a lock and this device has no passphrase yet: nothing else shows until it has one. */
export function LockSetup({ lock }: { lock: AppLock }) {
  return (
    <main class="centered" data-screen="lock-setup">
      <Logo />
      <p class="muted">Your organisation’s security policy locks Hardline after {durationText(lock.settings().seconds)} without use.</p>
      <ChoosePassphrase lock={lock} />
    </main>
  );
}
