/**
 * @module calls/workerProtocol
 * Messages between the page and the SFrame worker. Keys cross as raw bytes once per epoch; the
 * worker imports them into WebCrypto as non-extractable keys.
 */
import type { SFrameKeyEntry } from './mediaKeys.ts';

export type TransformSide = 'send' | 'receive';

export type ToWorker =
  /**
   * Adds receive keys, switches to `send` when given, and drops the `retire` KIDs' receive keys
   * after `retireAfterMs`. A new epoch comes as two of these: its receive keys at once, its send
   * key a moment later (so the other side has its receive key before our first frame under it).
   */
  | { readonly type: 'keys'; readonly send?: SFrameKeyEntry; readonly receive: readonly SFrameKeyEntry[]; readonly retire: readonly bigint[]; readonly retireAfterMs: number }
  | { readonly type: 'stats'; readonly reset?: boolean }
  /** Tests: copies of the next `count` incoming frames as they arrived (SFrame ciphertext). */
  | { readonly type: 'capture'; readonly count: number }
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
  /** The KID outgoing frames are encrypted under now (undefined before the first key). */
  sendKid: bigint | undefined;
  /** The KID of the last frame that decrypted. */
  lastReceiveKid: bigint | undefined;
};

export type FromWorker =
  | { readonly type: 'stats'; readonly counters: WorkerCounters; readonly encryptUs: number[]; readonly decryptUs: number[]; readonly isolated: boolean }
  /**
   * A frame came under a KID this worker has no key for (once per KID): usually the other side
   * moved to a new epoch first, so the page should look for it now rather than at its next round.
   */
  | { readonly type: 'unknown-kid'; readonly kid: bigint }
  | { readonly type: 'captured'; readonly frames: Uint8Array[] }
  | { readonly type: 'bench'; readonly encryptUs: number[]; readonly decryptUs: number[]; readonly batchEncryptUs: number; readonly batchDecryptUs: number; readonly isolated: boolean };
