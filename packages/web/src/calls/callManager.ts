/**
 * @module calls/callManager
 * Runs the call state machine against the real world: signalling through the engine's
 * `sendControl` (MLS application messages in the normal mailboxes), media through
 * MediaSession, keys from the conversation's MLS epoch, timers, and the local call log.
 */
import type { HardlineClient, ReceivedControl } from '@hardline/client';
import { CallHistory } from './callHistory.ts';
import { isActive, step, type Call, type CallEvent, type Effect, type IncomingControl, type Me, type SignalOp } from './callState.ts';
import { mediaKeys, type MediaKeys } from './mediaKeys.ts';
import { MediaSession, type MediaState, type Signal } from './mediaSession.ts';
import { openChatWith } from './openChat.ts';
import type { Quality } from './quality.ts';
import { ackDelay, REACH_TIMEOUT_MS } from './reachability.ts';
import { answerRequested, watchAnswerRequests } from './answerFromNotification.ts';

export const RING_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 20_000;
const QUALITY_EVERY_MS = 2_000;
/** How long the "call ended" screen stays. */
const ENDED_SCREEN_MS = 2_500;
/** A new epoch's send key waits this long, so the other side has seen the commit first. */
const SEND_KEY_DELAY_MS = 500;

export type TestHooks = {
  /** This device's receive keys are wrong: it hears silence and counts decrypt failures. */
  wrongKey?: boolean;
  /** No SFrame transform at all (only for the test that shows what the relay would see). */
  noSframe?: boolean;
  ringTimeoutMs?: number;
  reachTimeoutMs?: number;
  /** A fixed wait before this device's `ringing` ack (a slow callee), instead of a random one. */
  ackDelayMs?: number;
  /** Accept every incoming call at once (benchmarks). */
  autoAccept?: boolean;
  /**
   * Overrides for the microphone's processing. Noise suppression takes a steady test tone for
   * noise and fades it (RMS 0.18 -> 0.04 within about 3 s), so tests that listen later turn it off.
   */
  audioConstraints?: MediaTrackConstraints;
};

export function testHooks(): TestHooks | undefined {
  return (globalThis as { __hardlineTest?: TestHooks }).__hardlineTest;
}

export type CallHost = {
  readonly client: HardlineClient;
  /** Runs an engine operation under the app's engine lock. */
  exclusive<T>(fn: (c: HardlineClient) => Promise<T>, opts?: { urgent?: boolean }): Promise<T>;
  /** Called whenever the engine's state may have changed (new epoch among others). */
  subscribe(cb: () => void): () => void;
};

export class CallManager {
  call: Call | undefined;
  muted = false;
  media: MediaState | undefined;
  quality: Quality | undefined;
  decryptFailures = 0;
  /** Shown on the call screen when media may take a direct path. */
  warning = '';
  /** Date.now() when the current call was dialled or accepted here. */
  startedAt = 0;
  /** Date.now() of each step of the current call's setup, for the setup-time benchmark. */
  marks: Record<string, number> = {};
  private session: MediaSession | undefined;
  private opening: Promise<MediaSession | undefined> | undefined;
  private peerDevice: string | undefined;
  private readonly outbox: Signal[] = [];
  private sends: Promise<void> = Promise.resolve();
  private keys: MediaKeys | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private poller: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;
  private keyCheck = false;
  /** Call ids this page has opened media for (never twice: see openMedia). */
  private readonly mediaCallIds = new Set<string>();

  private constructor(
    private readonly host: CallHost,
    readonly history: CallHistory,
  ) {
    // Tests and benchmarks reach the manager, and the media layer alone, through these.
    if (testHooks()) Object.assign(globalThis, { __hardlineCalls: this, __hardlineCallModules: { MediaSession, mediaKeys } });
    // TURN tokens now, one set of anonymous credentials a while later (turnCredentialCache.ts):
    // a call then opens media without a round trip, and no fetch that names this device.
    host.client.relay().turn.start();
    // Accept on a call notification while the app was open in the background.
    watchAnswerRequests((callId) => {
      if (this.call?.phase === 'incoming' && this.call.callId === callId && answerRequested(callId)) this.accept();
    });
  }

  static async open(host: CallHost): Promise<CallManager> {
    return new CallManager(host, await CallHistory.load());
  }

  subscribe(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emit(): void {
    for (const cb of this.listeners) cb();
  }

  // ---------- user actions ----------

  async dial(handle: string): Promise<void> {
    if (isActive(this.call)) return;
    this.startedAt = Date.now();
    this.marks = { dial: this.startedAt };
    const peer = handle.toLowerCase();
    // An existing conversation needs no lock to find; only creating one does.
    const existing = this.host.client.conversations().find((c) => !c.left && c.roster.kind === 'direct' && c.roster.members.some((m) => m === peer));
    const conv = existing ?? (await this.host.exclusive((c) => c.directConversation(peer), { urgent: true }));
    this.dispatch({ type: 'dial', callId: randomId(), conversationId: conv.id, peer });
  }

  accept(): void {
    this.startedAt = Date.now();
    this.mark('accept');
    this.dispatch({ type: 'accept' });
  }

  decline(): void {
    this.dispatch({ type: 'decline' });
  }

  hangup(): void {
    this.dispatch({ type: 'hangup' });
  }

  /** Closes a call screen that waits for a choice (an unreachable callee). */
  dismiss(): void {
    if (this.call?.phase !== 'ended') return;
    this.call = undefined;
    this.warning = '';
    this.emit();
  }

  /** "Leave a message": the chat with the person just called, ready to type in. */
  leaveMessage(): void {
    const peer = this.call?.peer;
    this.dismiss();
    if (peer) void openChatWith(peer);
  }

  async callAgain(): Promise<void> {
    const peer = this.call?.peer;
    this.dismiss();
    if (peer) await this.dial(peer);
  }

  toggleMute(): void {
    this.muted = !this.muted;
    this.session?.setMuted(this.muted);
    this.emit();
  }

  /** Every control the engine receives (live, from the sync loop). */
  onControl(rc: ReceivedControl): void {
    const m = rc.message;
    if (m.t !== 'call') return;
    const sentAt = Date.parse(m.sentAt);
    if (m.op === 'ring') this.marks = {};
    this.mark(`got-${m.op}`);
    const control: IncomingControl = {
      conversationId: rc.conversation,
      from: rc.from,
      fromDevice: rc.fromDevice,
      op: m.op,
      callId: m.callId,
      ...(m.to !== undefined ? { to: m.to } : {}),
      ...(m.sdp !== undefined ? { sdp: m.sdp } : {}),
      ...(m.candidate !== undefined ? { candidate: m.candidate } : {}),
      sentAt: Number.isNaN(sentAt) ? Date.now() : sentAt,
    };
    this.dispatch({ type: 'control', control });
    if (this.call?.phase === 'incoming' && this.call.callId === m.callId && (testHooks()?.autoAccept || answerRequested(m.callId))) this.accept();
  }

  /** Tests: the devices in the direct conversation with `handle` (running a round first). */
  async conversationDevices(handle: string): Promise<string[]> {
    return this.host.exclusive(async (c) => {
      const conv = c.conversations().find((x) => !x.left && x.roster.kind === 'direct' && x.roster.members.some((m) => m === handle));
      return conv ? (await c.callKeys(conv.id)).members.map((m) => m.deviceId) : [];
    });
  }

  /**
   * Tests: the SFrame keys this device derives now for its direct conversation with `handle`, for
   * the call with that person it is in or last knew of (keys are per call). Any member that saw
   * the ring can derive them, a device that did not answer included.
   */
  async conversationKeys(handle: string, callId?: string): Promise<MediaKeys | undefined> {
    const id = callId ?? (this.call?.peer === handle ? this.call.callId : this.history.forPeer(handle)[0]?.callId);
    if (id === undefined) return undefined;
    return this.host.exclusive(async (c) => {
      const conv = c.conversations().find((x) => !x.left && x.roster.kind === 'direct' && x.roster.members.some((m) => m === handle));
      return conv ? mediaKeys(await c.callKeys(conv.id), id) : undefined;
    });
  }

  /** The live session's media, for tests and benchmarks. */
  get mediaSession(): MediaSession | undefined {
    return this.session;
  }

  // ---------- the machine ----------

  private me(): Me {
    const h = testHooks();
    return {
      handle: this.host.client.handle,
      deviceId: this.host.client.deviceId,
      ringTimeoutMs: h?.ringTimeoutMs ?? RING_TIMEOUT_MS,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      reachTimeoutMs: h?.reachTimeoutMs ?? REACH_TIMEOUT_MS,
      ackDelayMs: h?.ackDelayMs ?? ackDelay(Math.random()),
      now: Date.now(),
    };
  }

  private dispatch(ev: CallEvent): void {
    const before = this.call;
    const { call, effects } = step(this.call, ev, this.me());
    this.call = call;
    for (const e of effects) this.run(e);
    if (call !== before) {
      if (call?.phase === 'ended' && before?.phase !== 'ended') this.ended(call);
      this.emit();
    }
  }

  private run(e: Effect): void {
    switch (e.kind) {
      case 'send':
        this.send(e.conversationId, e.callId, e.op, e.to === undefined ? {} : { to: e.to });
        return;
      case 'timer': {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.dispatch({ type: 'timeout', callId: e.callId, phase: e.phase, ...(e.check ? { check: e.check } : {}) });
        }, e.ms);
        this.timers.add(t);
        return;
      }
      case 'record':
        if (this.history.add(e.entry)) this.emit();
        return;
      case 'prepare-media':
        this.opening = this.openMedia(e.role).catch((err) => {
          this.warning = `Microphone or network failed: ${err instanceof Error ? err.message : String(err)}`;
          this.dispatch({ type: 'media', state: 'failed' });
          return undefined;
        });
        if (e.role === 'callee') this.peerDevice = this.call?.peerDevice;
        return;
      case 'connect':
        this.peerDevice = e.to;
        this.flushSignals();
        return;
      case 'media-signal':
        void this.opening?.then((s) => (s ? this.applySignal(s, e) : undefined)).catch(() => undefined);
        return;
      case 'stop-media':
        this.stopMedia();
        return;
    }
  }

  private ended(call: Call): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // Unreachable: the screen stays with its choices (leave a message, call again, close).
    if (call.endReason === 'unreachable') return;
    const t = setTimeout(() => {
      if (this.call === call) {
        this.call = undefined;
        this.warning = '';
        this.emit();
      }
    }, ENDED_SCREEN_MS);
    this.timers.add(t);
  }

  // ---------- signalling ----------

  private send(conversationId: string, callId: string, op: SignalOp, extra: { to?: string; sdp?: string; candidate?: string }): void {
    const message = { t: 'call' as const, id: randomId(), callId, op, ...extra, sentAt: new Date().toISOString() };
    this.mark(`queue-${op}`);
    // One at a time and in order: an ICE candidate must not overtake the offer it belongs to.
    this.sends = this.sends
      .then(() => this.host.exclusive((c) => (this.mark(`lock-${op}`), c.sendControl(conversationId, message)), { urgent: true }))
      .then(() => {
        this.mark(`sent-${op}`);
        this.dispatch({ type: 'sent', callId, op });
      })
      .catch(() => undefined);
  }

  private mark(name: string): void {
    this.marks[name] ??= Date.now();
  }

  /** Media signals wait until we know which device answered; then go only to it. */
  private onSignal(s: Signal): void {
    this.outbox.push(s);
    this.flushSignals();
  }

  private flushSignals(): void {
    const call = this.call;
    if (!call || !this.peerDevice || !isActive(call)) return;
    for (const s of this.outbox.splice(0)) {
      this.send(call.conversationId, call.callId, s.op, s.op === 'ice' ? { to: this.peerDevice, candidate: s.candidate } : { to: this.peerDevice, sdp: s.sdp });
    }
  }

  private async applySignal(s: MediaSession, e: Extract<Effect, { kind: 'media-signal' }>): Promise<void> {
    if (e.op === 'offer' && e.sdp) await s.handleOffer(e.sdp);
    else if (e.op === 'answer' && e.sdp) await s.handleAnswer(e.sdp);
    else if (e.op === 'ice' && e.candidate) await s.addCandidate(e.candidate);
  }

  // ---------- media ----------

  private async openMedia(role: 'caller' | 'callee'): Promise<MediaSession | undefined> {
    const call = this.call;
    if (!call) return undefined;
    // Keys are per call id and each call's SFrame worker counts from 0, so media opened twice
    // under one id (a re-sent or replayed ring of a call that already ended here) would repeat
    // (key, nonce) pairs. The caller draws a fresh id for every call; refuse a used one.
    if (this.mediaCallIds.has(call.callId) || this.history.all().some((e) => e.callId === call.callId)) throw new Error('this call id was used before');
    this.mediaCallIds.add(call.callId);
    const hooks = testHooks();
    this.mark('open-media');
    const [turn, material] = await Promise.all([
      this.host.client.relay().turn.take(),
      this.host.client.callKeys(call.conversationId),
    ]);
    this.warning = turn.relayOnly ? '' : 'No TURN relay on this server: the call may connect directly, and the other side could learn your network address.';
    this.mark('turn-keys');
    const session = await MediaSession.open({
      iceServers: turn.iceServers,
      relayOnly: turn.relayOnly,
      sframe: !hooks?.noSframe,
      ...(hooks?.audioConstraints ? { audio: hooks.audioConstraints } : {}),
      polite: role === 'callee',
      signal: (s) => this.onSignal(s),
      state: (st) => this.onMediaState(st),
      // The other side moved to a new epoch first: look for it now, not at the next round.
      unknownKid: () => void this.checkEpoch(),
    });
    if (this.call?.callId !== call.callId || !isActive(this.call)) {
      session.close();
      return undefined;
    }
    this.keys = mediaKeys(material, call.callId, { wrongReceiveKeys: !!hooks?.wrongKey });
    session.setKeys(this.keys);
    session.setMuted(this.muted);
    this.session = session;
    this.unsubscribe = this.host.subscribe(() => void this.checkEpoch());
    this.poller = setInterval(() => void this.poll(), QUALITY_EVERY_MS);
    this.mark('media-open');
    if (role === 'caller') await session.offer();
    this.emit();
    return session;
  }

  private onMediaState(st: MediaState): void {
    this.mark(`media-${st}`);
    this.media = st;
    if (st === 'connected' || st === 'failed') this.dispatch({ type: 'media', state: st });
    this.emit();
  }

  /** The MLS epoch the call's keys come from (tests). */
  get keyEpoch(): bigint | undefined {
    return this.keys?.epoch;
  }

  /**
   * A membership change is a new MLS epoch: switch to its keys, keep the old ones briefly.
   * Runs whenever the engine's state may have changed, when a frame arrives under a KID we
   * have no key for, and on every quality poll (a commit that arrives mid-round does not end
   * the round, so the engine may say nothing about it for seconds).
   */
  private async checkEpoch(): Promise<void> {
    const call = this.call;
    if (this.keyCheck || !this.session || !this.keys || !isActive(call)) return;
    this.keyCheck = true;
    try {
      const material = await this.host.client.callKeys(call.conversationId);
      if (material.epoch === this.keys.epoch || this.session === undefined) return;
      const old = this.keys;
      const next = mediaKeys(material, call.callId, { wrongReceiveKeys: !!testHooks()?.wrongKey });
      this.keys = next;
      const session = this.session;
      // Receive keys at once (the other side may already send under the new epoch); our send
      // key a moment later, so the other side has seen the commit before our first frame under it.
      session.addReceiveKeys(next);
      const t = setTimeout(() => {
        this.timers.delete(t);
        // Epochs switch in order (same delay), and each retires its predecessor's receive keys:
        // a removed device knows those keys, and must not be able to inject frames under them.
        session.setKeys(next, old.receive.map((r) => r.kid));
      }, SEND_KEY_DELAY_MS);
      this.timers.add(t);
      this.emit();
    } catch {
      // The conversation is gone (we were removed): the call ends when the peer hangs up.
    } finally {
      this.keyCheck = false;
    }
  }

  private async poll(): Promise<void> {
    const s = this.session;
    if (!s) return;
    await this.checkEpoch();
    this.quality = await s.quality().catch(() => this.quality);
    const w = await s.workerStats();
    if (w) this.decryptFailures = w.counters.decryptFailures;
    this.emit();
  }

  private stopMedia(): void {
    clearInterval(this.poller);
    this.poller = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const opening = this.opening;
    this.opening = undefined;
    this.session?.close();
    this.session = undefined;
    // Media still opening when the call ended: close it once it is there.
    void opening?.then((s) => s?.close());
    this.outbox.length = 0;
    this.peerDevice = undefined;
    this.keys = undefined;
    this.media = undefined;
    this.quality = undefined;
    this.muted = false;
    this.decryptFailures = 0;
  }
}

function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
