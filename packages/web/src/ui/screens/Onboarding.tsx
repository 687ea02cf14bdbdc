/**
 * @module ui/screens/Onboarding
 * Enrolment with a one-time code, typed in or carried by a link (`/#enrol=CODE`, plus
 * `&handle=` when the code links another device of an existing user).
 */
import { useState } from 'preact/hooks';
import { Session } from '../../session/session.ts';
import { MAX_DEVICE_NAME, reportDeviceLabel, thisPlatform } from '../../session/deviceLabel.ts';
import { Logo } from '../App.tsx';
import { enrolErrorText } from '../errorText.ts';

function fromHash(hash = location.hash): { code: string; handle: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return { code: params.get('enrol') ?? '', handle: params.get('handle') ?? '' };
}

/** A pasted enrolment link (what the QR code holds) works as well as the bare code. */
function fromPasted(text: string): { code: string; handle: string } | undefined {
  const i = text.indexOf('#enrol=');
  return i >= 0 ? fromHash(text.slice(i)) : undefined;
}

export function Onboarding({ onEnrolled }: { onEnrolled: (s: Session) => void }) {
  const initial = fromHash();
  const [code, setCode] = useState(initial.code);
  const [handle, setHandle] = useState(initial.handle);
  const [linkedHandle, setLinkedHandle] = useState(initial.handle);
  const linking = linkedHandle !== '';
  const [name, setName] = useState('');
  const [deviceName, setDeviceName] = useState(thisPlatform);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const s = await Session.enrol({ code: code.trim(), handle: handle.trim().toLowerCase(), displayName: name.trim() || handle.trim() });
      reportDeviceLabel(s.client, deviceName);
      history.replaceState(null, '', '/');
      onEnrolled(s);
    } catch (err) {
      setError(enrolErrorText(err));
      setBusy(false);
    }
  }

  return (
    <main class="centered" data-screen="onboarding">
      <Logo />
      <form class="card" onSubmit={submit}>
        <h1>{linking ? 'Link this device' : 'Join your organisation'}</h1>
        <p class="muted">
          {linking
            ? 'This device will join your account. Your contacts and new messages will appear here.'
            : 'Enter the one-time enrolment code your security team gave you, then choose how others will find you.'}
        </p>
        <label>
          Enrolment code
          <input
            name="code"
            value={code}
            onInput={(e) => {
              const pasted = fromPasted(e.currentTarget.value);
              setCode(pasted ? pasted.code : e.currentTarget.value);
              if (pasted?.handle) {
                setHandle(pasted.handle);
                setLinkedHandle(pasted.handle);
              }
            }}
            placeholder="ABCDE-FGHIJ-KLMNO-PQRST or a link"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            required
          />
        </label>
        <label>
          Handle
          <input name="handle" value={handle} onInput={(e) => setHandle(e.currentTarget.value)} placeholder="e.g. alice" autocomplete="username" autocapitalize="none" spellcheck={false} readOnly={linking} required />
        </label>
        {!linking && (
          <label>
            Display name
            <input name="displayName" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="e.g. Alice Martin" maxLength={64} />
          </label>
        )}
        <label>
          Device name
          <input name="deviceName" value={deviceName} onInput={(e) => setDeviceName(e.currentTarget.value)} maxLength={MAX_DEVICE_NAME} autocomplete="off" aria-describedby="device-name-hint" />
        </label>
        <p class="fineprint" id="device-name-hint">Shown to your security team, so they can tell your devices apart.</p>
        {error && <p class="error" role="alert">{error}</p>}
        <button class="primary" type="submit" disabled={busy}>
          {busy ? 'Setting up… (creating keys)' : linking ? 'Link this device' : 'Enrol this device'}
        </button>
        <p class="fineprint">Keys are created in this browser and never leave it.</p>
      </form>
    </main>
  );
}
