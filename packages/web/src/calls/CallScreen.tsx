/**
 * @module calls/CallScreen
 * The full-screen call overlay: incoming (accept / decline), outgoing (calling, then ringing
 * once a device of the callee says it rings), in call (timer, mute, hang up, connection
 * quality), and a callee with no device online (leave a message, call again, close). Shown
 * above whatever screen is open, as a modal dialog: focus moves into it (Accept, or Hang up),
 * the app behind is inert, Tab stays inside, Escape declines or hangs up (asking first during
 * a call), and focus goes back where it was when the call screen closes. State changes (not
 * the timer) are announced; an incoming call assertively, with a ringtone.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../session/session.ts';
import { Avatar } from '../ui/components/Icon.tsx';
import { focusElement, tabbables } from '../ui/focus.ts';
import { startRingtone } from '../ui/ringtone.ts';
import type { CallManager } from './callManager.ts';
import { formatCallDuration } from './callLog.ts';
import type { Call, EndReason } from './callState.ts';
import { CallIcon } from './CallIcons.tsx';
import type { Quality } from './quality.ts';
import { useCalls } from './useCalls.ts';
import './calls.css';

export function CallScreen({ session }: { session: Session }) {
  const calls = session.calls;
  useCalls(calls);
  const layer = useRef<HTMLDivElement>(null);
  useModalBackground(layer, calls);
  const call = calls.call;
  const name = call ? session.displayName(call.peer) : '';
  const said = announcement(call, name);
  return (
    <div class="call-layer" ref={layer}>
      {/* Live regions that exist before the call screen does, so its arrival is announced. */}
      <div class="sr-only" aria-live="assertive" data-call-announce="assertive">{said.assertive}</div>
      <div class="sr-only" role="status" data-call-announce="polite">{said.polite}</div>
      {call && <CallDialog key={call.callId} calls={calls} call={call} name={name} />}
    </div>
  );
}

/** What a screen reader is told about the call: state changes only, never the running timer. */
function announcement(call: Call | undefined, name: string): { assertive: string; polite: string } {
  if (!call) return { assertive: '', polite: '' };
  switch (call.phase) {
    case 'incoming':
      return { assertive: `Incoming call from ${name}`, polite: '' };
    case 'outgoing':
      return { assertive: '', polite: call.ringConfirmed ? `Ringing ${name}` : `Calling ${name}` };
    case 'connecting':
      return { assertive: '', polite: 'Connecting' };
    case 'connected':
      return { assertive: '', polite: `Call with ${name} connected` };
    case 'ended':
      return { assertive: '', polite: call.endReason === 'unreachable' ? `${name} isn’t reachable right now` : endText(call.endReason) };
  }
}

/**
 * While a call screen is open, everything beside it is inert: no Tab stop, no click, hidden
 * from assistive technology. Applied from the call manager's own notification, not after a
 * render, so the app is usable again the moment the call screen closes (Leave a message
 * presses the app's controls right after closing it). Focus returns where it was.
 */
function useModalBackground(layer: { current: HTMLDivElement | null }, calls: CallManager): void {
  useLayoutEffect(() => {
    let open = false;
    let returnTo: Element | null = null;
    const apply = () => {
      const el = layer.current;
      const now = !!calls.call;
      if (!el?.parentElement || now === open) return;
      open = now;
      if (open) returnTo = document.activeElement;
      for (const sibling of el.parentElement.children) if (sibling !== el) sibling.toggleAttribute('inert', open);
      if (!open) {
        const back = returnTo;
        returnTo = null;
        // After the render that removes the dialog; only if nothing else took the focus since.
        requestAnimationFrame(() => {
          const a = document.activeElement;
          if ((!a || a === document.body) && back instanceof HTMLElement) back.focus();
        });
      }
    };
    apply();
    return calls.subscribe(apply);
  }, [calls]);
}

function CallDialog({ calls, call, name }: { calls: CallManager; call: Call; name: string }) {
  const root = useRef<HTMLDivElement>(null);
  const [confirming, setConfirming] = useState(false);
  const [ringing, setRinging] = useState<'off' | 'starting' | 'on' | 'blocked'>('off');
  const unreachable = call.phase === 'ended' && call.endReason === 'unreachable';
  const active = call.phase === 'connecting' || call.phase === 'connected';
  // A confirmation left open when the other side hangs up has nothing left to confirm.
  const asking = confirming && active;

  // Focus follows the phase: Accept when it rings, Hang up once calling, the first choice
  // for an unreachable callee, the confirmation when Escape asked for one.
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const target = el.querySelector<HTMLElement>('[data-call-focus]') ?? el.querySelector<HTMLElement>('.call-name');
    focusElement(target);
  }, [call.phase, unreachable, asking]);

  useEffect(() => {
    if (call.phase !== 'incoming') return;
    const ring = startRingtone();
    setRinging('starting');
    void ring.playing.then((on) => setRinging((r) => (r === 'off' ? r : on ? 'on' : 'blocked')));
    return () => {
      ring.stop();
      setRinging('off');
    };
  }, [call.phase]);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Tab') return trapTab(e);
    if (e.key !== 'Escape') return;
    e.preventDefault();
    if (asking) return setConfirming(false);
    if (call.phase === 'incoming') calls.decline();
    else if (call.phase === 'outgoing') calls.hangup();
    else if (active) setConfirming(true);
    else calls.dismiss();
  }

  function trapTab(e: KeyboardEvent) {
    const el = root.current;
    if (!el) return;
    const all = tabbables(el);
    if (all.length === 0) return e.preventDefault();
    const i = all.indexOf(document.activeElement as HTMLElement);
    const next = e.shiftKey ? (i <= 0 ? all.length - 1 : i - 1) : i === -1 || i === all.length - 1 ? 0 : i + 1;
    e.preventDefault();
    all[next]!.focus();
  }

  return (
    <div
      ref={root}
      class={`call-screen ${call.phase}`}
      role="dialog"
      aria-modal="true"
      aria-labelledby="call-name"
      aria-describedby="call-status"
      onKeyDown={onKeyDown}
      data-call-screen
      data-call-phase={call.phase}
      data-call-id={call.callId}
      data-call-ringing={call.ringConfirmed ? 'yes' : 'no'}
      data-ringtone={ringing}
      data-decrypt-failures={calls.decryptFailures}
    >
      <div class="call-top">
        <p class="call-e2ee"><CallIcon name="lock" size={14} /> End-to-end encrypted</p>
        <Avatar name={name} size="lg" />
        <h1 class="call-name" id="call-name" title={name}><span class="sr-only">Call with </span>{name}</h1>
        <p class="call-status" id="call-status">
          <Status calls={calls} call={call} name={name} />
        </p>
        {unreachable && <p class="call-hint">None of their devices is online. Leave a message and they’ll get it when they’re back.</p>}
        {call.phase === 'connected' && <QualityBadge quality={calls.quality} reconnecting={calls.media === 'reconnecting'} />}
        {calls.warning && <p class="call-warning" role="alert">{calls.warning}</p>}
      </div>
      {asking ? (
        <div class="call-confirm" role="group" aria-labelledby="call-confirm-q">
          <p id="call-confirm-q">End this call?</p>
          <div class="call-choices">
            <button class="end" data-call-focus onClick={() => calls.hangup()}>End call</button>
            <button onClick={() => setConfirming(false)}>Keep talking</button>
          </div>
        </div>
      ) : (
        <div class="call-actions">
          {call.phase === 'incoming' ? (
            <>
              <RoundButton kind="decline" label="Decline" icon="hangup" onClick={() => calls.decline()} />
              <RoundButton kind="accept" label="Accept" icon="phone" onClick={() => calls.accept()} focus />
            </>
          ) : unreachable ? (
            <div class="call-choices" data-call-choices>
              <button class="lead" data-call-focus onClick={() => calls.leaveMessage()}>Leave a message</button>
              <button onClick={() => void calls.callAgain().catch(() => undefined)}>Call again</button>
              <button class="quiet" onClick={() => calls.dismiss()}>Close</button>
            </div>
          ) : call.phase === 'ended' ? null : (
            <>
              <RoundButton kind={calls.muted ? 'toggled' : 'plain'} label={calls.muted ? 'Unmute' : 'Mute'} icon={calls.muted ? 'micOff' : 'mic'} pressed={calls.muted} onClick={() => calls.toggleMute()} disabled={call.phase === 'outgoing'} />
              <RoundButton kind="decline" label="Hang up" icon="hangup" onClick={() => calls.hangup()} focus />
            </>
          )}
        </div>
      )}
    </div>
  );
}

function Status({ calls, call, name }: { calls: CallManager; call: Call; name: string }) {
  const [, setNow] = useState(0);
  useEffect(() => {
    if (call.phase !== 'connected') return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [call.phase]);
  switch (call.phase) {
    case 'incoming':
      return <>Incoming call…</>;
    case 'outgoing':
      // "Ringing" only once a device of theirs says so; until then we only know we called.
      return <>{call.ringConfirmed ? 'Ringing…' : 'Calling…'}</>;
    case 'connecting':
      return <>Connecting…</>;
    case 'connected':
      // role=timer is not live: the time is read when asked for, not every second.
      return <span class="call-timer" role="timer" data-call-timer>{calls.media === 'reconnecting' ? 'Reconnecting… ' : ''}{formatCallDuration((Date.now() - (call.connectedAt ?? Date.now())) / 1000)}</span>;
    case 'ended':
      return <>{call.endReason === 'unreachable' ? `${name} isn’t reachable right now` : endText(call.endReason)}</>;
  }
}

function endText(r: EndReason | undefined): string {
  switch (r) {
    case 'declined':
      return 'Declined';
    case 'busy':
      return 'Busy';
    case 'no-answer':
      return 'No answer';
    case 'cancelled':
      return 'Call cancelled';
    case 'answered-elsewhere':
      return 'Answered on another device';
    case 'failed':
      return 'Call failed';
    default:
      return 'Call ended';
  }
}

function QualityBadge({ quality, reconnecting }: { quality: Quality | undefined; reconnecting: boolean }) {
  const grade = reconnecting ? 'poor' : (quality?.grade ?? 'unknown');
  const bars = grade === 'good' ? 3 : grade === 'fair' ? 2 : grade === 'poor' ? 1 : 0;
  const label = grade === 'unknown' ? 'Measuring…' : grade === 'good' ? 'Good connection' : grade === 'fair' ? 'Fair connection' : 'Poor connection';
  const detail = quality && quality.grade !== 'unknown' ? `loss ${quality.lossPct.toFixed(1)}% · jitter ${Math.round(quality.jitterMs)} ms${quality.rttMs !== undefined ? ` · RTT ${Math.round(quality.rttMs)} ms` : ''}` : '';
  return (
    <div class={`call-quality ${grade}`} data-call-quality={grade} title={detail}>
      <span class="bars" aria-hidden="true">
        {[1, 2, 3].map((i) => <span key={i} class={i <= bars ? 'on' : ''} />)}
      </span>
      <span>{label}</span>
      {detail && <span class="call-quality-detail">{detail}</span>}
    </div>
  );
}

function RoundButton({ kind, label, icon, onClick, pressed, disabled, focus }: { kind: 'accept' | 'decline' | 'plain' | 'toggled'; label: string; icon: 'phone' | 'hangup' | 'mic' | 'micOff'; onClick: () => void; pressed?: boolean; disabled?: boolean; focus?: boolean }) {
  return (
    <div class="round-wrap">
      <button class={`round ${kind}`} aria-label={label} aria-pressed={pressed} onClick={onClick} disabled={disabled} data-call-focus={focus ? '' : undefined}>
        <CallIcon name={icon} size={28} />
      </button>
      <span class="round-label" aria-hidden="true">{label}</span>
    </div>
  );
}
