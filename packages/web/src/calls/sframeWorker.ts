/**
 * @module calls/sframeWorker
 * The RTCRtpScriptTransform worker: SFrame-encrypts every outgoing encoded audio frame and
 * decrypts every incoming one. A frame that fails to decrypt is dropped (the decoder hears a
 * gap, never ciphertext), and an outgoing frame with no key yet is dropped, never sent in the
 * clear. The whole Opus frame is encrypted: the RTP header is not part of the encoded frame.
 */
import { sframe, UnknownKidError } from '@hardline/protocol';
import type { FromWorker, ToWorker, TransformSide, WorkerCounters } from './workerProtocol.ts';

// The root tsconfig has no WebWorker lib; these are the few worker globals this file uses.
type EncodedFrame = { data: ArrayBuffer };
type Transformer = { readonly readable: ReadableStream<EncodedFrame>; readonly writable: WritableStream<EncodedFrame>; readonly options?: { side?: TransformSide } };
type WorkerScope = {
  onrtctransform: ((ev: { transformer: Transformer }) => void) | null;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  postMessage(m: FromWorker): void;
  crossOriginIsolated?: boolean;
};
const scope = self as unknown as WorkerScope;

const MAX_SAMPLES = 5_000;
const ctx = new sframe.SFrameContext();
let keyed = false;
const counters: WorkerCounters = { encrypted: 0, decrypted: 0, decryptFailures: 0, unkeyedDrops: 0, lastError: '', sendKid: undefined, lastReceiveKid: undefined };
/** KIDs already reported as unknown (each once: the page needs one nudge, not fifty a second). */
const reportedKids = new Set<bigint>();
/** Tests: incoming frames still to copy, and the copies. */
let captureLeft = 0;
let captured: Uint8Array[] = [];
let encryptUs: number[] = [];
let decryptUs: number[] = [];

function sample(list: number[], us: number): void {
  if (list.length < MAX_SAMPLES) list.push(us);
}

async function encrypt(frame: EncodedFrame, out: TransformStreamDefaultController<EncodedFrame>): Promise<void> {
  if (!keyed) {
    counters.unkeyedDrops++;
    return;
  }
  const t0 = performance.now();
  const ct = await ctx.encrypt(new Uint8Array(frame.data));
  sample(encryptUs, (performance.now() - t0) * 1000);
  frame.data = ct.buffer.byteLength === ct.byteLength ? (ct.buffer as ArrayBuffer) : ct.slice().buffer;
  counters.encrypted++;
  out.enqueue(frame);
}

async function decrypt(frame: EncodedFrame, out: TransformStreamDefaultController<EncodedFrame>): Promise<void> {
  if (captureLeft > 0) {
    captured.push(new Uint8Array(frame.data.slice(0)));
    if (--captureLeft === 0) {
      scope.postMessage({ type: 'captured', frames: captured });
      captured = [];
    }
  }
  const t0 = performance.now();
  try {
    const { plaintext, kid } = await ctx.decrypt(new Uint8Array(frame.data));
    counters.lastReceiveKid = kid;
    sample(decryptUs, (performance.now() - t0) * 1000);
    frame.data = plaintext.byteLength === plaintext.buffer.byteLength ? (plaintext.buffer as ArrayBuffer) : plaintext.slice().buffer;
    counters.decrypted++;
    out.enqueue(frame);
  } catch (e) {
    counters.decryptFailures++;
    counters.lastError = e instanceof Error ? (('code' in e ? String(e.code) : '') || e.name) : 'error';
    if (e instanceof UnknownKidError && !reportedKids.has(e.kid)) {
      reportedKids.add(e.kid);
      scope.postMessage({ type: 'unknown-kid', kid: e.kid });
    }
  }
}

scope.onrtctransform = (ev) => {
  const t = ev.transformer;
  const step = t.options?.side === 'send' ? encrypt : decrypt;
  void t.readable
    .pipeThrough(new TransformStream<EncodedFrame, EncodedFrame>({ transform: (frame, out) => step(frame, out) }))
    .pipeTo(t.writable)
    .catch(() => undefined);
};

const retireTimers = new Set<ReturnType<typeof setTimeout>>();

async function setKeys(m: Extract<ToWorker, { type: 'keys' }>): Promise<void> {
  for (const r of m.receive) await ctx.addReceiveKey(r.kid, r.key);
  if (m.send) {
    await ctx.addSendKey(m.send.kid, m.send.key);
    counters.sendKid = m.send.kid;
    keyed = true;
  }
  // The previous epoch's keys stay a moment: frames already in flight under them still play.
  if (m.retire.length > 0) {
    const timer = setTimeout(() => {
      retireTimers.delete(timer);
      for (const kid of m.retire) ctx.removeReceiveKey(kid);
    }, m.retireAfterMs);
    retireTimers.add(timer);
  }
}

async function bench(count: number, size: number): Promise<FromWorker> {
  const b = new sframe.SFrameContext();
  const key = crypto.getRandomValues(new Uint8Array(16));
  await b.addSendKey(1, key);
  await b.addReceiveKey(1, key);
  const frame = crypto.getRandomValues(new Uint8Array(size));
  const enc: number[] = [];
  const dec: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const ct = await b.encrypt(frame);
    const t1 = performance.now();
    await b.decrypt(ct);
    const t2 = performance.now();
    enc.push((t1 - t0) * 1000);
    dec.push((t2 - t1) * 1000);
  }
  // Many frames in flight at once: the per-frame cost of the crypto itself, without the wait
  // for each result to come back to this thread.
  const t0 = performance.now();
  const cts = await Promise.all(Array.from({ length: count }, () => b.encrypt(frame)));
  const t1 = performance.now();
  await Promise.all(cts.map((ct) => b.decrypt(ct)));
  const t2 = performance.now();
  return { type: 'bench', encryptUs: enc, decryptUs: dec, batchEncryptUs: ((t1 - t0) * 1000) / count, batchDecryptUs: ((t2 - t1) * 1000) / count, isolated: scope.crossOriginIsolated === true };
}

scope.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'keys') void setKeys(m).catch((e) => (counters.lastError = String(e)));
  else if (m.type === 'stats') {
    scope.postMessage({ type: 'stats', counters: { ...counters }, encryptUs, decryptUs, isolated: scope.crossOriginIsolated === true });
    if (m.reset) {
      encryptUs = [];
      decryptUs = [];
    }
  } else if (m.type === 'capture') {
    captured = [];
    captureLeft = m.count;
  } else if (m.type === 'bench') void bench(m.count, m.size).then((r) => scope.postMessage(r));
};
