/**
 * @module ui/screens/SafetyNumberView
 * The safety number for one person, as digits and as a QR code, to compare in person: by
 * reading the digits, or by scanning the other person's code with the camera (QrScanner).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../../session/session.ts';
import type { SafetyNumber } from '@hardline/protocol';
import { Avatar, Icon } from '../components/Icon.tsx';
import { QrCode } from '../components/QrCode.tsx';
import { QrScanner } from '../components/QrScanner.tsx';
import type { Navigate, Route } from '../Shell.tsx';

export function SafetyNumberView({ session, handle, go, back }: { session: Session; handle: string; go: Navigate; back: Route }) {
  const [number, setNumber] = useState<SafetyNumber | undefined>();
  const [scanning, setScanning] = useState(false);
  const [scanResult, setScanResult] = useState<'match' | 'mismatch' | 'foreign' | undefined>();
  const version = session.version;
  useEffect(() => void session.safetyNumber(handle).then(setNumber), [handle, version]);
  // When the scanner closes, the control that opened it comes back: focus returns there, not to the page.
  const scanButton = useRef<HTMLButtonElement>(null);
  const wasScanning = useRef(false);
  useEffect(() => {
    if (wasScanning.current && !scanning) scanButton.current?.focus();
    wasScanning.current = scanning;
  }, [scanning]);
  const name = session.displayName(handle);
  const changed = session.keysChanged(handle);
  const scanned = async (text: string): Promise<void> => {
    setScanning(false);
    if (!number) return;
    if (text !== number.qrPayload) {
      // Both sides derive the same digits, so the other person's code carries exactly ours.
      setScanResult(text.startsWith('hardline-safety:') ? 'mismatch' : 'foreign');
      return;
    }
    setScanResult('match');
    if (changed) await session.acceptKeys(handle);
    await session.markVerified(handle, number.groups.join(''));
  };
  return (
    <div class="pane" data-screen="safety" data-handle={handle}>
      <header class="bar">
        <button class="icon-button back" aria-label="Back" onClick={() => go(back)}><Icon name="back" /></button>
        <h1 class="grow">Safety number</h1>
      </header>
      <div class="scroll safety">
        {changed && (
          <div class="banner warning" role="alert" data-warning="key-change" data-handle={handle}>
            <Icon name="warning" />
            <div>
              <strong>{name}’s safety number has changed.</strong>
              <p>Compare the new number with {name} in person. If it matches, mark it as checked.</p>
            </div>
          </div>
        )}
        <div class="with">
          <Avatar name={session.displayName(session.me)} size="sm" /> You and <Avatar name={name} size="sm" /> {name}
        </div>
        <p class="lead">Compare these numbers with {name}’s screen, in person or over a call you trust. If they match, nobody is in the middle.</p>
        {number ? (
          <>
            <div class="digits mono" data-safety-number={number.groups.join(' ')}>
              {number.groups.map((g, i) => <span key={i}>{g}</span>)}
            </div>
            <QrCode text={number.qrPayload} label={`Safety number QR code for ${name}`} />
            {scanning ? (
              <QrScanner onResult={(t) => void scanned(t)} onCancel={() => setScanning(false)} />
            ) : (
              <button class="secondary" data-action="scan-safety" ref={scanButton} onClick={() => (setScanResult(undefined), setScanning(true))}>Scan {name}’s code</button>
            )}
            {scanResult === 'match' && <p class="tag ok" role="status" data-scan="match">The code matches. {name} is marked as verified.</p>}
            {scanResult === 'mismatch' && (
              <p class="banner warning" role="alert" data-scan="mismatch">
                The code you scanned does not match. It may be {name}’s code for someone else, or someone may be interfering. Do not mark {name} as verified; compare again in person.
              </p>
            )}
            {scanResult === 'foreign' && <p class="banner warning" role="alert" data-scan="foreign">That is not a Hardline safety number code.</p>}
          </>
        ) : (
          <p class="muted">{session.user(handle) ? 'Computing…' : `${name} is not in your organisation’s directory.`}</p>
        )}
        <p class="fineprint">Derived from your identity key and {name}’s. Linking or removing a device changes nothing; it changes only if one of you is enrolled again, or someone is interfering.</p>
        {changed && <button class="primary" onClick={() => void session.acceptKeys(handle)}>I have compared the new number</button>}
        {!changed && number && (session.verified(handle) ? (
          <p class="tag ok" data-verified={handle}>Verified: you compared this number with {name}.</p>
        ) : (
          <button class="secondary" data-action="mark-verified" onClick={() => void session.markVerified(handle, number.groups.join(''))}>The numbers match: mark {name} as verified</button>
        ))}
      </div>
    </div>
  );
}
