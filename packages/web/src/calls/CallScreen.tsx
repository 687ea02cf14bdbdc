/**
 * @module calls/CallScreen
 * The full-screen call overlay: incoming (accept / decline), outgoing (calling, then ringing
 * once a device of the callee says it rings), in call (timer, mute, hang up, connection
 * quality), and a callee with no device online (leave a message, call again, close). Shown
 * above whatever screen is open.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../session/session.ts';
import { Avatar } from '../ui/components/Icon.tsx';
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
  const call = calls.call;
  if (!call) return null;
  const name = session.displayName(call.peer);
  const unreachable = call.phase === 'ended' && call.endReason === 'unreachable';
  return (
    <div class={`call-screen ${call.phase}`} role="dialog" aria-modal="true" aria-label={`Call with ${name}`} data-call-screen data-call-phase={call.phase} data-call-id={call.callId} data-call-ringing={call.ringConfirmed ? 'yes' : 'no'} data-decrypt-failures={calls.decryptFailures}>
      <div class="call-top">
        <p class="call-e2ee"><CallIcon name="lock" size={14} /> End-to-end encrypted</p>
        <Avatar name={name} size="lg" />
        <h1 class="call-name">{name}</h1>
        <p class="call-status" aria-live="polite">
          <Status calls={calls} call={call} name={name} />
        </p>
        {unreachable && <p class="call-hint">None of their devices is online. Leave a message and they’ll get it when they’re back.</p>}
        {call.phase === 'connected' && <QualityBadge quality={calls.quality} reconnecting={calls.media === 'reconnecting'} />}
        {calls.warning && <p class="call-warning" role="alert">{calls.warning}</p>}
      </div>
      <div class="call-actions">
        {call.phase === 'incoming' ? (
          <>
            <RoundButton kind="decline" label="Decline" icon="hangup" onClick={() => calls.decline()} />
            <RoundButton kind="accept" label="Accept" icon="phone" onClick={() => calls.accept()} />
          </>
        ) : unreachable ? (
          <div class="call-choices" data-call-choices>
            <button class="lead" onClick={() => calls.leaveMessage()}>Leave a message</button>
            <button onClick={() => void calls.callAgain().catch(() => undefined)}>Call again</button>
            <button class="quiet" onClick={() => calls.dismiss()}>Close</button>
          </div>
        ) : call.phase === 'ended' ? null : (
          <>
            <RoundButton kind={calls.muted ? 'toggled' : 'plain'} label={calls.muted ? 'Unmute' : 'Mute'} icon={calls.muted ? 'micOff' : 'mic'} pressed={calls.muted} onClick={() => calls.toggleMute()} disabled={call.phase === 'outgoing'} />
            <RoundButton kind="decline" label="Hang up" icon="hangup" onClick={() => calls.hangup()} />
          </>
        )}
      </div>
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
      return <span class="call-timer" data-call-timer>{calls.media === 'reconnecting' ? 'Reconnecting… ' : ''}{formatCallDuration((Date.now() - (call.connectedAt ?? Date.now())) / 1000)}</span>;
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

function RoundButton({ kind, label, icon, onClick, pressed, disabled }: { kind: 'accept' | 'decline' | 'plain' | 'toggled'; label: string; icon: 'phone' | 'hangup' | 'mic' | 'micOff'; onClick: () => void; pressed?: boolean; disabled?: boolean }) {
  return (
    <div class="round-wrap">
      <button class={`round ${kind}`} aria-label={label} aria-pressed={pressed} onClick={onClick} disabled={disabled}>
        <CallIcon name={icon} size={28} />
      </button>
      <span class="round-label" aria-hidden="true">{label}</span>
    </div>
  );
}
