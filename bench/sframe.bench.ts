/**
 * @module bench/sframe
 * Per-frame cost of SFrame for an Opus-sized (160-byte) audio frame, through the same
 * SFrameContext a call uses: median and p99 microseconds for encrypt and for decrypt (including
 * the replay-window step). Run: node --import tsx bench/sframe.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { CipherSuites, SFrameContext, cipherSuite, type CipherSuiteId } from '../packages/protocol/src/sframe/index.ts';

export type Row = {
  readonly suite: string;
  readonly op: 'encrypt' | 'decrypt';
  readonly frames: number;
  readonly frameBytes: number;
  readonly medianUs: number;
  readonly p99Us: number;
};

export type SframeBenchOptions = {
  readonly suite?: CipherSuiteId;
  readonly frames?: number;
  readonly frameBytes?: number;
  readonly warmup?: number;
};

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function summarise(suite: string, op: Row['op'], samples: Float64Array, frameBytes: number): Row {
  const sorted = samples.slice().sort();
  const us = (ms: number) => Math.round(ms * 1000 * 100) / 100;
  return { suite, op, frames: samples.length, frameBytes, medianUs: us(percentile(sorted, 0.5)), p99Us: us(percentile(sorted, 0.99)) };
}

export async function runSframeBench(options: SframeBenchOptions = {}): Promise<Row[]> {
  const suite = options.suite ?? CipherSuites.AES_128_GCM_SHA256_128;
  const frames = options.frames ?? 20_000;
  const frameBytes = options.frameBytes ?? 160;
  const warmup = options.warmup ?? 1_000;
  const name = cipherSuite(suite).name;

  const baseKey = crypto.getRandomValues(new Uint8Array(16));
  const sender = new SFrameContext({ suite });
  const receiver = new SFrameContext({ suite });
  await sender.addSendKey(1n, baseKey);
  await receiver.addReceiveKey(1n, baseKey);
  const frame = crypto.getRandomValues(new Uint8Array(frameBytes));

  // Warm the JIT and WebCrypto's thread pool before anything is timed.
  for (let i = 0; i < warmup; i++) await receiver.decrypt(await sender.encrypt(frame));

  // Frames are awaited one at a time, as a media pipeline handles them.
  const encryptTimes = new Float64Array(frames);
  const sealed: Uint8Array[] = new Array(frames);
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    sealed[i] = await sender.encrypt(frame);
    encryptTimes[i] = performance.now() - t0;
  }
  const decryptTimes = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    await receiver.decrypt(sealed[i]!);
    decryptTimes[i] = performance.now() - t0;
  }
  return [summarise(name, 'encrypt', encryptTimes, frameBytes), summarise(name, 'decrypt', decryptTimes, frameBytes)];
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const rows = await runSframeBench();
  console.table(rows);
}
