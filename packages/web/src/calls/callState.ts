/**
 * @module calls/callState
 * The call state machine, pure: `step(call, event, me)` returns the next call and the effects
 * to run (send a signal, open or close media, start a timer, write history). No timers, no
 * WebRTC and no network here, so every transition is a unit test.
 *
 * A ring goes to the conversation, so every device of the callee rings; the first to accept
 * sends `accept` to the conversation, and the callee's other devices stop ringing when they
 * see it (or `answered-elsewhere` from the caller, when two accepted at once).
 *
 * A device that starts ringing tells the caller so with `ringing` (after a short random wait,
 * and only if no other device of the callee has said it first). A caller that hears no
 * `ringing` soon after posting the ring ends the call as `unreachable`: no device of the
 * callee is online, and the relay was never asked (calls/reachability.ts says why and how long).
 */
export type CallPhase = 'outgoing' | 'incoming' | 'connecting' | 'connected' | 'ended';
export type EndReason = 'hangup' | 'remote-hangup' | 'declined' | 'busy' | 'no-answer' | 'unreachable' | 'cancelled' | 'answered-elsewhere' | 'failed';
export type Direction = 'in' | 'out';

export type Call = {
  readonly callId: string;
  readonly conversationId: string;
  /** The other person's handle. */
  readonly peer: string;
  readonly direction: Direction;
  readonly phase: CallPhase;
  /** The caller's device (incoming) or the device that accepted (outgoing). */
  readonly peerDevice?: string;
  readonly ringingSince: number;
  /**
   * Caller: a device of the callee said it rings. Callee: this ring has been acked, by this
   * device or by another of mine, so this device sends no `ringing` of its own.
   */
  readonly ringConfirmed?: boolean;
  readonly connectedAt?: number;
  readonly endedAt?: number;
  readonly endReason?: EndReason;
};

export type HistoryOutcome = 'answered' | 'missed' | 'cancelled' | 'elsewhere';

export type HistoryEntry = {
  readonly callId: string;
  readonly conversationId: string;
  readonly peer: string;
  readonly direction: Direction;
  readonly outcome: HistoryOutcome;
  readonly reason: EndReason;
  /** ISO time the call started ringing. */
  readonly at: string;
  readonly durationSec: number;
};

export type SignalOp = 'ring' | 'ringing' | 'accept' | 'decline' | 'busy' | 'cancel' | 'hangup' | 'offer' | 'answer' | 'ice' | 'answered-elsewhere';

export type IncomingControl = {
  readonly conversationId: string;
  readonly from: string;
  readonly fromDevice: string;
  readonly op: SignalOp;
  readonly callId: string;
  readonly to?: string;
  readonly sdp?: string;
  readonly candidate?: string;
  /** Sender's clock; a ring older than the ring timeout is history, not a ringing phone. */
  readonly sentAt: number;
};

export type CallEvent =
  | { readonly type: 'dial'; readonly callId: string; readonly conversationId: string; readonly peer: string }
  | { readonly type: 'control'; readonly control: IncomingControl }
  | { readonly type: 'accept' }
  | { readonly type: 'decline' }
  | { readonly type: 'hangup' }
  | { readonly type: 'timeout'; readonly callId: string; readonly phase: CallPhase; readonly check?: TimerCheck }
  /** A signal of this call has been posted to the relay. */
  | { readonly type: 'sent'; readonly callId: string; readonly op: SignalOp }
  | { readonly type: 'media'; readonly state: 'connected' | 'failed' };

export type Effect =
  | { readonly kind: 'send'; readonly conversationId: string; readonly callId: string; readonly op: SignalOp; readonly to?: string }
  /** Open the microphone and the peer connection; the caller prepares its offer meanwhile. */
  | { readonly kind: 'prepare-media'; readonly role: 'caller' | 'callee' }
  /** Caller: send the prepared offer to the device that accepted. */
  | { readonly kind: 'connect'; readonly to: string }
  | { readonly kind: 'media-signal'; readonly op: 'offer' | 'answer' | 'ice'; readonly sdp?: string; readonly candidate?: string }
  | { readonly kind: 'stop-media' }
  /**
   * A timer for this phase of this call: it fires only if the call is still in that phase.
   * Without `check` it ends the phase; with one it checks something within the phase.
   */
  | { readonly kind: 'timer'; readonly callId: string; readonly phase: CallPhase; readonly ms: number; readonly check?: TimerCheck }
  | { readonly kind: 'record'; readonly entry: HistoryEntry };

/** `reach`: has any callee device said it rings? `ack`: time for this ringing device to say so. */
export type TimerCheck = 'reach' | 'ack';

export type Me = {
  readonly handle: string;
  readonly deviceId: string;
  readonly ringTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** How long after posting the ring a caller waits for a `ringing` from any callee device. */
  readonly reachTimeoutMs: number;
  /** How long a newly ringing device waits before its `ringing` (random, drawn by the caller of step). */
  readonly ackDelayMs: number;
  readonly now: number;
};

export type Step = { readonly call: Call | undefined; readonly effects: readonly Effect[] };

export function isActive(call: Call | undefined): call is Call {
  return !!call && call.phase !== 'ended';
}

function entry(call: Call, outcome: HistoryOutcome, reason: EndReason, now: number): HistoryEntry {
  const durationSec = call.connectedAt === undefined ? 0 : Math.max(0, Math.round((now - call.connectedAt) / 1000));
  return { callId: call.callId, conversationId: call.conversationId, peer: call.peer, direction: call.direction, outcome, reason, at: new Date(call.ringingSince).toISOString(), durationSec };
}

/** Ends the call: stops media if any was opened, and writes its history line. */
function end(call: Call, reason: EndReason, me: Me, extra: Effect[] = []): Step {
  const answered = call.connectedAt !== undefined;
  const outcome: HistoryOutcome = answered
    ? 'answered'
    : reason === 'answered-elsewhere'
      ? 'elsewhere'
      : call.direction === 'out' && (reason === 'cancelled' || reason === 'hangup' || reason === 'failed')
        ? 'cancelled'
        : 'missed';
  const mediaOpen = call.direction === 'out' || call.phase === 'connecting' || call.phase === 'connected';
  return {
    call: { ...call, phase: 'ended', endedAt: me.now, endReason: reason },
    effects: [...extra, ...(mediaOpen ? [{ kind: 'stop-media' } as const] : []), { kind: 'record', entry: entry(call, outcome, reason, me.now) }],
  };
}

const same = (call: Call | undefined): Step => ({ call, effects: [] });

export function step(call: Call | undefined, ev: CallEvent, me: Me): Step {
  switch (ev.type) {
    case 'dial': {
      if (isActive(call)) return same(call);
      const next: Call = { callId: ev.callId, conversationId: ev.conversationId, peer: ev.peer, direction: 'out', phase: 'outgoing', ringingSince: me.now };
      return {
        call: next,
        effects: [
          { kind: 'send', conversationId: ev.conversationId, callId: ev.callId, op: 'ring' },
          { kind: 'prepare-media', role: 'caller' },
          { kind: 'timer', callId: ev.callId, phase: 'outgoing', ms: me.ringTimeoutMs },
        ],
      };
    }
    case 'accept': {
      if (call?.phase !== 'incoming') return same(call);
      return {
        call: { ...call, phase: 'connecting' },
        effects: [
          { kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'accept' },
          { kind: 'prepare-media', role: 'callee' },
          { kind: 'timer', callId: call.callId, phase: 'connecting', ms: me.connectTimeoutMs },
        ],
      };
    }
    case 'decline':
      if (call?.phase !== 'incoming') return same(call);
      return end(call, 'declined', me, [{ kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'decline' }]);
    case 'hangup': {
      if (!isActive(call)) return same(call);
      if (call.phase === 'incoming') return step(call, { type: 'decline' }, me);
      if (call.phase === 'outgoing') return end(call, 'cancelled', me, [{ kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'cancel' }]);
      return end(call, 'hangup', me, [{ kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'hangup', ...(call.peerDevice ? { to: call.peerDevice } : {}) }]);
    }
    case 'sent':
      // The reach window opens when the ring has left this device, not at the tap.
      if (ev.op !== 'ring' || call?.phase !== 'outgoing' || call.callId !== ev.callId) return same(call);
      return { call, effects: [{ kind: 'timer', callId: call.callId, phase: 'outgoing', ms: me.reachTimeoutMs, check: 'reach' }] };
    case 'timeout': {
      if (!isActive(call) || call.callId !== ev.callId || call.phase !== ev.phase) return same(call);
      if (ev.check !== undefined) return onCheck(call, ev.check, me);
      if (call.phase === 'outgoing') return end(call, 'no-answer', me, [{ kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'cancel' }]);
      if (call.phase === 'incoming') return end(call, 'no-answer', me);
      if (call.phase === 'connecting') return end(call, 'failed', me, [{ kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'hangup', ...(call.peerDevice ? { to: call.peerDevice } : {}) }]);
      return same(call);
    }
    case 'media': {
      if (!isActive(call)) return same(call);
      if (ev.state === 'connected') return call.phase === 'connecting' ? { call: { ...call, phase: 'connected', connectedAt: me.now }, effects: [] } : same(call);
      return end(call, 'failed', me, [{ kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'hangup', ...(call.peerDevice ? { to: call.peerDevice } : {}) }]);
    }
    case 'control':
      return onControl(call, ev.control, me);
  }
}

function onCheck(call: Call, check: TimerCheck, me: Me): Step {
  if (call.ringConfirmed) return same(call);
  // No device of the callee rang: the same cancel a no-answer sends, only sooner, so a device
  // that comes online a moment later does not ring for a caller who has given up.
  if (check === 'reach' && call.direction === 'out') return end(call, 'unreachable', me, [{ kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'cancel' }]);
  if (check === 'ack' && call.direction === 'in') {
    return { call: { ...call, ringConfirmed: true }, effects: [{ kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'ringing' }] };
  }
  return same(call);
}

function onControl(call: Call | undefined, c: IncomingControl, me: Me): Step {
  if (c.fromDevice === me.deviceId) return same(call);
  if (c.to !== undefined && c.to !== me.deviceId) return same(call);
  if (c.op === 'ring') return onRing(call, c, me);
  if (!isActive(call) || call.callId !== c.callId || call.conversationId !== c.conversationId) return same(call);
  const fromPeer = c.from === call.peer;
  const fromMyOtherDevice = c.from === me.handle;
  switch (c.op) {
    case 'ringing':
      // Any one device of the callee is enough; and a device of mine that acked spares me mine.
      if (call.ringConfirmed) return same(call);
      if ((call.direction === 'out' && call.phase === 'outgoing' && fromPeer) || (call.direction === 'in' && call.phase === 'incoming' && fromMyOtherDevice)) {
        return { call: { ...call, ringConfirmed: true }, effects: [] };
      }
      return same(call);
    case 'accept':
      if (call.direction === 'in' && call.phase === 'incoming' && fromMyOtherDevice) return end(call, 'answered-elsewhere', me);
      if (call.direction === 'out' && fromPeer) {
        if (call.phase === 'outgoing') {
          return {
            call: { ...call, phase: 'connecting', peerDevice: c.fromDevice },
            effects: [
              { kind: 'connect', to: c.fromDevice },
              { kind: 'timer', callId: call.callId, phase: 'connecting', ms: me.connectTimeoutMs },
            ],
          };
        }
        // A second device of the callee accepted too: tell it the call went elsewhere.
        if (c.fromDevice !== call.peerDevice) return { call, effects: [{ kind: 'send', conversationId: call.conversationId, callId: call.callId, op: 'answered-elsewhere', to: c.fromDevice }] };
      }
      return same(call);
    case 'answered-elsewhere':
      if (call.direction === 'in' && (call.phase === 'incoming' || call.phase === 'connecting') && (fromPeer || fromMyOtherDevice)) return end(call, 'answered-elsewhere', me);
      return same(call);
    case 'decline':
      if (call.direction === 'out' && call.phase === 'outgoing' && fromPeer) return end(call, 'declined', me);
      if (call.direction === 'in' && call.phase === 'incoming' && fromMyOtherDevice) return end(call, 'declined', me);
      return same(call);
    case 'busy':
      if (call.direction === 'out' && call.phase === 'outgoing' && fromPeer) return end(call, 'busy', me);
      return same(call);
    case 'cancel':
      if (call.direction === 'in' && fromPeer && c.fromDevice === call.peerDevice && (call.phase === 'incoming' || call.phase === 'connecting')) return end(call, 'cancelled', me);
      return same(call);
    case 'hangup':
      if (fromPeer && c.fromDevice === call.peerDevice) return end(call, 'remote-hangup', me);
      return same(call);
    case 'offer':
    case 'answer':
    case 'ice':
      // Media signalling counts only from the one device this call is with, and only to us.
      if (!fromPeer || c.fromDevice !== call.peerDevice || c.to !== me.deviceId) return same(call);
      if (call.phase !== 'connecting' && call.phase !== 'connected') return same(call);
      return { call, effects: [{ kind: 'media-signal', op: c.op, ...(c.sdp !== undefined ? { sdp: c.sdp } : {}), ...(c.candidate !== undefined ? { candidate: c.candidate } : {}) }] };
  }
  return same(call);
}

function onRing(call: Call | undefined, c: IncomingControl, me: Me): Step {
  // My own other device calling someone: not a call to me.
  if (c.from === me.handle) return same(call);
  if (isActive(call) && call.callId === c.callId) return same(call);
  const incoming: Call = { callId: c.callId, conversationId: c.conversationId, peer: c.from, direction: 'in', phase: 'incoming', peerDevice: c.fromDevice, ringingSince: Math.min(c.sentAt, me.now) };
  if (me.now - c.sentAt > me.ringTimeoutMs) {
    // Delivered late (the device was offline): a missed call, not a ringing phone.
    return { call, effects: [{ kind: 'record', entry: entry(incoming, 'missed', 'no-answer', me.now) }] };
  }
  if (isActive(call)) {
    return {
      call,
      effects: [
        { kind: 'send', conversationId: c.conversationId, callId: c.callId, op: 'busy' },
        { kind: 'record', entry: entry(incoming, 'missed', 'busy', me.now) },
      ],
    };
  }
  return {
    call: incoming,
    effects: [
      { kind: 'timer', callId: c.callId, phase: 'incoming', ms: me.ringTimeoutMs },
      { kind: 'timer', callId: c.callId, phase: 'incoming', ms: me.ackDelayMs, check: 'ack' },
    ],
  };
}
