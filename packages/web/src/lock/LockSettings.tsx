/**
 * @module lock/LockSettings
 * The app lock and notification settings, under Devices: the user's own lock timeout (the org
 * policy's stays in force when stricter), "Lock now", changing the passphrase, and whether the
 * policy turned message previews off.
 */
import { useState } from 'preact/hooks';
import type { Session } from '../session/session.ts';
import { lockOf } from './appLock.ts';
import { ChoosePassphrase } from './LockScreen.tsx';
import { durationText } from './lockSettings.ts';
import { previewsAllowed } from './previews.ts';
import { closedNotificationText } from './closedNotifications.ts';

const CHOICES = [0, 60, 300, 900, 3600];

export function LockSettings({ session }: { session: Session }) {
  const lock = lockOf(session);
  const [choosing, setChoosing] = useState<number | undefined>(undefined);
  if (!lock) return null;
  const s = lock.settings();
  const own = lock.ownSeconds();
  const pick = async (seconds: number) => {
    if (seconds > 0 && !lock.hasPassphrase()) return setChoosing(seconds);
    await lock.setOwnSeconds(seconds);
  };
  return (
    <section class="card inset lock-settings" aria-labelledby="lock-settings-h" data-lock-settings>
      <h2 id="lock-settings-h">App lock</h2>
      <p data-lock-in-force>
        {s.seconds > 0 ? `Locks after ${durationText(s.seconds)} without use, and each time Hardline opens.` : 'Off: Hardline stays open on this device.'}
        {s.required && ' Your organisation’s security policy requires it.'}
        {s.wipeAfter > 0 && ` After ${s.wipeAfter} wrong passphrases in a row, this device’s Hardline data is erased.`}
      </p>
      <label>
        Lock after
        <select value={String(own)} onChange={(e) => void pick(Number(e.currentTarget.value))} data-lock-own>
          {CHOICES.map((c) => (
            <option value={String(c)} disabled={s.required && c === 0}>{c === 0 ? (s.required ? 'Organisation’s setting' : 'Never') : durationText(c)}</option>
          ))}
        </select>
      </label>
      {choosing !== undefined && (
        <ChoosePassphrase
          lock={lock}
          onCancel={() => setChoosing(undefined)}
          onDone={() => {
            void lock.setOwnSeconds(choosing);
            setChoosing(undefined);
          }}
        />
      )}
      <div class="actions">
        {lock.hasPassphrase() && s.seconds > 0 && <button class="secondary" onClick={() => lock.lockNow()} data-lock-now>Lock now</button>}
        {lock.hasPassphrase() && choosing === undefined && <button class="secondary" onClick={() => setChoosing(own)}>Change passphrase</button>}
      </div>
      <h2>Notifications</h2>
      <p data-previews>{previewsAllowed(session.client.orgPolicy().capabilities) ? 'Notifications name who wrote or calls, never the message text.' : 'Your organisation’s security policy turned previews off: notifications say only “New message” or “Incoming call”, never who.'}</p>
      <p data-closed-notifications>{closedNotificationText(session.client.privacyLevel())}</p>
    </section>
  );
}
