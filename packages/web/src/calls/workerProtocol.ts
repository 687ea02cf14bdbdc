/**
 * @module calls/workerProtocol
 * Messages between the page and the SFrame worker. Keys cross as raw bytes once per epoch; the
 * worker imports them into WebCrypto as non-extractable keys.
 */
import type { SFrameKeyEntry } from './mediaKeys.ts';

export type TransformSide = 'send' | 'receive';

export type ToWorker =
  | { readonly type: 'keys'; readonly send: SFrameKeyEntry; readonly receive: readonly SFrameKeyEntry[]; readonly retire: readonly bigint[]; readonly retireAfterMs: number }
  | { readonly type: 'stats'; readonly reset?: boolean }
  /** Benchmark: `count` back-to-back encrypt+decrypt of a `size`-byte frame, timed in the worker. */
  | { readonly type: 'bench'; readonly count: number; readonly size: number };

export type WorkerCounters = {
  encrypted: number;
  decrypted: number;
  /** Frames dropped because they did not decrypt (wrong key, tampering, replay, unknown KID). */
  decryptFailures: number;
  /** Outgoing frames dropped because no send key was set yet: never sent in the clear. */
  unkeyedDrops: number;
  lastError: string;
};

export type FromWorker =
  | { readonly type: 'stats'; readonly counters: WorkerCounters; readonly encryptUs: number[]; readonly decryptUs: number[]; readonly isolated: boolean }
  | { readonly type: 'bench'; readonly encryptUs: number[]; readonly decryptUs: number[]; readonly batchEncryptUs: number; readonly batchDecryptUs: number; readonly isolated: boolean };
