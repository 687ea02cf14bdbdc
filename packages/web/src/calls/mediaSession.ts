/**
 * @module calls/mediaSession
 * One call's media: the microphone, the RTCPeerConnection through the organisation's TURN
 * relay, and the SFrame transforms. Signalling leaves through `signal`; the caller of this
 * module carries it (as MLS messages) to the one device that answered.
 */
import type { MediaKeys } from './mediaKeys.ts';
import { gradeQuality, sampleFromStats, type Quality, type QualitySample } from './quality.ts';
import type { FromWorker, ToWorker, WorkerCounters } from './workerProtocol.ts';

export type Signal = { op: 'offer' | 'answer'; sdp: string } | { op: 'ice'; candidate: string };
export type MediaState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export type MediaOptions = {
  readonly iceServers: RTCIceServer[];
  /** The relay said TURN is there: never let media take a direct path. */
  readonly relayOnly: boolean;
  /** Off only for the test that shows what the relay would see without SFrame. */
  readonly sframe: boolean;
  /** Tests: overrides for AUDIO_CONSTRAINTS. */
  readonly audio?: MediaTrackConstraints;
  /** The callee is the polite side when both ends restart ICE at once. */
  readonly polite: boolean;
  signal(s: Signal): void;
  state(s: MediaState): void;
  /** A frame came under a KID we have no key for yet (the other side is in a newer epoch). */
  unknownKid?(kid: bigint): void;
};

/** How long to wait for candidates before the SDP leaves anyway (the rest trickle). */
const GATHER_MS = 1_000;
/** How long the previous epoch's receive keys stay after the switch, for frames in flight. */
const RETIRE_AFTER_MS = 5_000;
/** A `disconnected` ICE state this long turns into an ICE restart. */
const DISCONNECTED_GRACE_MS = 2_500;
/**
 * When the path dies for both ends at once (the relay restarted, say), both see it together.
 * The polite side (callee) waits this much longer before restarting, so normally only the
 * caller's restart offer is in flight: crossed restart offers make the callee roll its own
 * back, and in Chromium 156 a receiver whose offer was rolled back can stop handing frames to
 * its SFrame transform (packets keep arriving, the worker sees none: silence).
 */
const POLITE_EXTRA_GRACE_MS = 5_000;

export const AUDIO_CONSTRAINTS: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 };

export class MediaSession {
  readonly pc: RTCPeerConnection;
  readonly remoteStream = new MediaStream();
  private readonly worker: Worker | undefined;
  private readonly audio: HTMLAudioElement;
  private sdpSent = false;
  private readonly pendingCandidates: RTCIceCandidateInit[] = [];
  private disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSample: QualitySample | undefined;
  private closed = false;
  private connectedOnce = false;
  restarts = 0;

  private constructor(
    private readonly opts: MediaOptions,
    readonly localStream: MediaStream,
  ) {
    this.pc = new RTCPeerConnection({ iceServers: opts.iceServers, iceTransportPolicy: opts.relayOnly ? 'relay' : 'all', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.worker = opts.sframe ? new Worker(new URL('./sframeWorker.ts', import.meta.url), { type: 'module', name: 'sframe' }) : undefined;
    const track = localStream.getAudioTracks()[0];
    if (!track) throw new Error('no microphone track');
    // Sender and receiver transforms are set here, in the same task as addTrack: a receiver
    // transform set later (even in ontrack) is silently skipped, and the decoder would be fed
    // ciphertext (see the webrtc notes). The callee adds its track before applying the offer,
    // so this transceiver is the one the offer's audio section binds to.
    const sender = this.pc.addTrack(track, localStream);
    const transceiver = this.pc.getTransceivers().find((t) => t.sender === sender)!;
    if (this.worker) {
      this.worker.addEventListener('message', (ev: MessageEvent<FromWorker>) => {
        if (ev.data.type === 'unknown-kid') this.opts.unknownKid?.(ev.data.kid);
      });
      sender.transform = new RTCRtpScriptTransform(this.worker, { side: 'send' });
      transceiver.receiver.transform = new RTCRtpScriptTransform(this.worker, { side: 'receive' });
    }
    preferOpus(transceiver);
    this.audio = document.createElement('audio');
    this.audio.autoplay = true;
    this.audio.hidden = true;
    this.audio.dataset.remoteAudio = '';
    document.body.append(this.audio);
    this.pc.ontrack = (ev) => {
      this.remoteStream.addTrack(ev.track);
      this.audio.srcObject = this.remoteStream;
      void this.audio.play().catch(() => undefined);
    };
    this.pc.onicecandidate = (ev) => {
      if (ev.candidate && this.sdpSent) this.opts.signal({ op: 'ice', candidate: JSON.stringify(ev.candidate.toJSON()) });
    };
    this.pc.oniceconnectionstatechange = () => this.onIceState();
    addEventListener('online', this.onNetworkChange);
    connection()?.addEventListener('change', this.onNetworkChange);
  }

  static async open(opts: MediaOptions): Promise<MediaSession> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { ...AUDIO_CONSTRAINTS, ...opts.audio }, video: false });
    return new MediaSession(opts, stream);
  }

  setKeys(keys: MediaKeys, retire: readonly bigint[] = []): void {
    this.post({ type: 'keys', send: keys.send, receive: keys.receive, retire, retireAfterMs: RETIRE_AFTER_MS });
  }

  /** A new epoch's receive keys, ahead of its send key: the other side may switch first. */
  addReceiveKeys(keys: MediaKeys): void {
    this.post({ type: 'keys', receive: keys.receive, retire: [], retireAfterMs: RETIRE_AFTER_MS });
  }

  /** Caller: the first offer, and every ICE restart. */
  async offer(iceRestart = false): Promise<void> {
    // Candidates of a new ICE generation must not overtake the description that announces it:
    // the other side would try them against the old one and drop them. Until this description
    // leaves, they go into it (sendLocalDescription waits for gathering).
    this.sdpSent = false;
    const offer = await this.pc.createOffer({ iceRestart });
    await this.pc.setLocalDescription(offer);
    await this.sendLocalDescription('offer');
  }

  async handleOffer(sdp: string): Promise<void> {
    if (this.pc.signalingState !== 'stable') {
      // Both ends restarted ICE at once: the polite side yields, the other ignores the offer.
      if (!this.opts.polite) return;
      await this.pc.setLocalDescription({ type: 'rollback' });
    }
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    await this.flushCandidates();
    this.sdpSent = false; // as in offer(): the answer carries the first candidates
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.sendLocalDescription('answer');
  }

  async handleAnswer(sdp: string): Promise<void> {
    if (this.pc.signalingState !== 'have-local-offer') return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    await this.flushCandidates();
  }

  async addCandidate(json: string): Promise<void> {
    let init: RTCIceCandidateInit;
    try {
      init = JSON.parse(json) as RTCIceCandidateInit;
    } catch {
      return;
    }
    if (!this.pc.remoteDescription) this.pendingCandidates.push(init);
    else await this.pc.addIceCandidate(init).catch(() => undefined);
  }

  setMuted(muted: boolean): void {
    for (const t of this.localStream.getAudioTracks()) t.enabled = !muted;
  }

  /** Restarts ICE without tearing the call down (network change, failed path). */
  restartIce(): void {
    if (this.closed) return;
    this.restarts++;
    this.opts.state('reconnecting');
    void this.offer(true).catch(() => undefined);
  }

  async quality(): Promise<Quality> {
    const report = await this.pc.getStats();
    const sample = sampleFromStats(report.values() as Iterable<Record<string, unknown>>);
    if (!sample) return { grade: 'unknown', lossPct: 0, jitterMs: 0, rttMs: undefined };
    const q = gradeQuality(this.lastSample, sample);
    this.lastSample = sample;
    return q;
  }

  /** The selected candidate pair's local and remote candidate types ('relay' through TURN). */
  async candidateTypes(): Promise<{ local: string; remote: string } | undefined> {
    const report = await this.pc.getStats();
    const all = [...(report.values() as Iterable<Record<string, unknown>>)];
    const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = all.find((s) => s.id === transport?.selectedCandidatePairId);
    if (!pair) return undefined;
    const local = all.find((s) => s.id === pair.localCandidateId);
    const remote = all.find((s) => s.id === pair.remoteCandidateId);
    return { local: String(local?.candidateType), remote: String(remote?.candidateType) };
  }

  /** The SFrame worker's counters (decrypt failures among them) and timing samples. */
  workerStats(reset = false): Promise<(FromWorker & { type: 'stats' }) | undefined> {
    return this.ask({ type: 'stats', reset }, 'stats');
  }

  /** Tests: the next `count` incoming frames as they arrived, still SFrame ciphertext. */
  captureFrames(count: number): Promise<Uint8Array[] | undefined> {
    return this.ask({ type: 'capture', count }, 'captured').then((m) => m?.frames);
  }

  workerBench(count: number, size: number): Promise<(FromWorker & { type: 'bench' }) | undefined> {
    return this.ask({ type: 'bench', count, size }, 'bench');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    removeEventListener('online', this.onNetworkChange);
    connection()?.removeEventListener('change', this.onNetworkChange);
    for (const t of this.localStream.getTracks()) t.stop();
    this.pc.close();
    this.worker?.terminate();
    this.audio.srcObject = null;
    this.audio.remove();
  }

  private readonly onNetworkChange = () => {
    if (this.connectedOnce) this.restartIce();
  };

  private onIceState(): void {
    const s = this.pc.iceConnectionState;
    clearTimeout(this.disconnectTimer);
    if (s === 'connected' || s === 'completed') {
      this.connectedOnce = true;
      this.opts.state('connected');
    } else if (s === 'disconnected') {
      this.opts.state('reconnecting');
      this.disconnectTimer = setTimeout(() => {
        if (this.pc.iceConnectionState === 'disconnected') this.restartIce();
      }, DISCONNECTED_GRACE_MS + (this.opts.polite ? POLITE_EXTRA_GRACE_MS : 0));
    } else if (s === 'failed') {
      if (this.connectedOnce) this.restartIce();
      else this.opts.state('failed');
    }
  }

  private async sendLocalDescription(op: 'offer' | 'answer'): Promise<void> {
    await gathered(this.pc, GATHER_MS);
    const local = this.pc.localDescription;
    // While we waited for candidates, an ICE-restart glare may have rolled our offer back and
    // answered the other side's instead: that answer has left already, and must not leave
    // again labelled as an offer.
    if (!local?.sdp || local.type !== op || this.closed) return;
    const sdp = local.sdp;
    this.sdpSent = true;
    this.opts.signal({ op, sdp });
  }

  private async flushCandidates(): Promise<void> {
    for (const c of this.pendingCandidates.splice(0)) await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  private ask<K extends FromWorker['type']>(m: ToWorker, type: K): Promise<(FromWorker & { type: K }) | undefined> {
    const w = this.worker;
    if (!w) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onMessage = (ev: MessageEvent<FromWorker>) => {
        if (ev.data.type !== type) return;
        w.removeEventListener('message', onMessage);
        resolve(ev.data as FromWorker & { type: K });
      };
      w.addEventListener('message', onMessage);
      w.postMessage(m);
    });
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }
}

export type { WorkerCounters };

function preferOpus(t: RTCRtpTransceiver): void {
  const codecs = RTCRtpReceiver.getCapabilities?.('audio')?.codecs ?? [];
  const opus = codecs.filter((c) => c.mimeType.toLowerCase() === 'audio/opus');
  if (opus.length === 0) return;
  try {
    t.setCodecPreferences([...opus, ...codecs.filter((c) => c.mimeType.toLowerCase() !== 'audio/opus')]);
  } catch {
    // Older engines without codec preferences negotiate Opus first anyway.
  }
}

function gathered(pc: RTCPeerConnection, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, maxMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

type NetworkInformation = EventTarget;
function connection(): NetworkInformation | undefined {
  return (navigator as Navigator & { connection?: NetworkInformation }).connection;
}
