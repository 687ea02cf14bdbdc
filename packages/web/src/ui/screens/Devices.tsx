/**
 * @module ui/screens/Devices
 * Your devices: list, link a new one (QR code or link code), revoke.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DeviceInfo, Session } from '../../session/session.ts';
import { Icon } from '../components/Icon.tsx';
import { QrCode } from '../components/QrCode.tsx';
import { errorText } from '../errorText.ts';

function groupId(id: string): string {
  return id.slice(0, 16).match(/.{4}/g)!.join(' ');
}

export function Devices({ session }: { session: Session }) {
  const [devices, setDevices] = useState<DeviceInfo[] | undefined>();
  const [link, setLink] = useState<{ code: string; url: string } | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const refresh = () => session.devices().then(setDevices, (e) => setError(errorText(e)));
  useEffect(() => void refresh(), []);

  async function newLink() {
    setBusy(true);
    setError('');
    try {
      const code = await session.linkCode();
      setLink({ code, url: `${location.origin}/#enrol=${encodeURIComponent(code)}&handle=${encodeURIComponent(session.me)}` });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(d: DeviceInfo) {
    if (!confirm('Sign this device out? It will erase everything Hardline keeps on it and stop receiving messages.')) return;
    setError('');
    try {
      await session.revokeDevice(d.deviceId);
      await refresh();
    } catch (e) {
      setError(errorText(e));
    }
  }

  const active = (devices ?? []).filter((d) => !d.revoked);
  const revoked = (devices ?? []).filter((d) => d.revoked);
  return (
    <div class="pane wide" data-screen="devices">
      <header class="bar"><h1>Devices</h1></header>
      <div class="scroll">
        <div class="card account">
          <p class="muted">Signed in as</p>
          <p class="account-name">{session.displayName(session.me)} <span class="muted">@{session.me}</span></p>
        </div>
        <section class="section">
          <h2>Your devices</h2>
          {!devices && <p class="muted pad">Loading…</p>}
          <ul class="rows" aria-label="Your devices">
            {active.map((d) => (
              <li key={d.deviceId} class="row static" data-device={d.deviceId}>
                <span class="device-icon"><Icon name="device" /></span>
                <span class="row-main">
                  <span class="row-title">{d.current ? 'This device' : 'Linked device'}</span>
                  <span class="row-sub mono">{groupId(d.deviceId)}</span>
                </span>
                {d.current ? <span class="tag ok">current</span> : <button class="danger secondary" data-revoke={d.deviceId} onClick={() => void revoke(d)}>Sign out</button>}
              </li>
            ))}
          </ul>
          {revoked.length > 0 && <p class="muted pad">{revoked.length} signed-out device{revoked.length === 1 ? '' : 's'}.</p>}
        </section>
        <section class="section">
          <h2>Link a new device</h2>
          {!link && (
            <div class="pad">
              <p class="muted">A linked device gets your contact book and new messages. The code works once, for 24 hours.</p>
              <button class="primary" onClick={() => void newLink()} disabled={busy}>Show link code</button>
            </div>
          )}
          {link && (
            <div class="card link-card" data-link-code={link.code} data-link-url={link.url}>
              <QrCode text={link.url} label="Link code as a QR code" />
              <div>
                <p>On the new device, scan this code with the camera, or open Hardline there and enter:</p>
                <p class="code mono" data-code>{link.code}</p>
                <p class="muted">Handle: @{session.me}</p>
                <button class="link" onClick={() => setLink(undefined)}>Done</button>
              </div>
            </div>
          )}
        </section>
        {error && <p class="error" role="alert">{error}</p>}
        <section class="section">
          <h2>Directory listing</h2>
          <div class="card inset"><ProfileForm session={session} /></div>
        </section>
      </div>
    </div>
  );
}

function ProfileForm({ session }: { session: Session }) {
  const current = session.profile();
  const [phone, setPhone] = useState(current.phone);
  const [email, setEmail] = useState(current.email);
  const [state, setState] = useState<{ kind: 'idle' | 'saved' | 'error'; text?: string }>({ kind: 'idle' });
  async function publish(e: Event) {
    e.preventDefault();
    try {
      await session.publishProfile({ phone, email });
      setState({ kind: 'saved' });
    } catch (err) {
      setState({ kind: 'error', text: errorText(err) });
    }
  }
  return (
    <form class="stack" onSubmit={publish} data-form="profile">
      <p class="muted small">Publish a number or email so colleagues who have you in their phone's contacts find you. Leave empty to stay unlisted.</p>
      <div class="two">
        <label>Phone<input name="phone" type="tel" value={phone} placeholder="+31 6 1234 5678" onInput={(e) => setPhone(e.currentTarget.value)} /></label>
        <label>Email<input name="email" type="email" value={email} placeholder="you@example.org" onInput={(e) => setEmail(e.currentTarget.value)} /></label>
      </div>
      <div class="row-buttons">
        <button class="secondary" type="submit">Publish</button>
        {state.kind === 'saved' && <span class="on-hardline" role="status">Published</span>}
      </div>
      {state.kind === 'error' && <p class="error" role="alert">{state.text}</p>}
    </form>
  );
}
