/**
 * @module sframe/context
 * Per-call SFrame state for media: the current send key with its counter, and one receive key
 * plus replay window per KID. Keys are derived and imported into WebCrypto once, when added, so
 * each frame costs one header encode/decode and one AEAD call.
 *
 * The context mutates itself (counters, windows) instead of returning a new state per frame:
 * at 50 audio frames a second per participant, copying maps per frame is waste. Every mutation
 * sits in a method named for it: addSendKey, addReceiveKey, removeReceiveKey, and the counter
 * step in encrypt and window step in decrypt.
 */
import { TooLargeError, UnknownKidError, UsageError, ValidationError } from '../errors.ts';
import { UINT64_MAX } from './bytes.ts';
import { CipherSuites, cipherSuite, type CipherSuiteId } from './cipher-suite.ts';
import { decodeHeader } from './header.ts';
import { encryptFrame, openFrame, MAX_SFRAME_SIZE, type DecryptedFrame } from './frame.ts';
import { DEFAULT_REPLAY_WINDOW, ReplayWindow } from './replay-window.ts';
import { importSFrameKey, type SFrameKey } from './sframe-key.ts';

export type SFrameContextOptions = {
  /** Default AES_128_GCM_SHA256_128, the suite WebRTC stacks implement most widely. */
  readonly suite?: CipherSuiteId;
  /** Counters remembered per KID; default 128. */
  readonly replayWindow?: number;
  /** Largest SFrame ciphertext decrypt accepts; default MAX_SFRAME_SIZE (1 MiB). */
  readonly maxFrameSize?: number;
};

type SendState = { readonly key: SFrameKey; nextCtr: bigint };
type ReceiveState = { readonly key: SFrameKey; readonly window: ReplayWindow };

/** KIDs arrive as bigint from headers; accept numbers from callers for convenience. */
function toKid(kid: bigint | number): bigint {
  const k = typeof kid === 'number' ? (Number.isSafeInteger(kid) ? BigInt(kid) : -1n) : kid;
  if (k < 0n || k > UINT64_MAX) throw new ValidationError('SFrame KID must be a 64-bit unsigned integer');
  return k;
}

export class SFrameContext {
  readonly suite: CipherSuiteId;
  readonly #windowSize: number;
  readonly #maxFrameSize: number;
  #send: SendState | undefined;
  /**
   * Next counter per KID ever used for sending. Survives addSendKey so that re-adding the same
   * base key under the same KID can never repeat a nonce.
   */
  readonly #sendCounters = new Map<bigint, bigint>();
  readonly #receive = new Map<bigint, ReceiveState>();

  constructor(options: SFrameContextOptions = {}) {
    this.suite = options.suite ?? CipherSuites.AES_128_GCM_SHA256_128;
    cipherSuite(this.suite);
    this.#windowSize = options.replayWindow ?? DEFAULT_REPLAY_WINDOW;
    new ReplayWindow(this.#windowSize); // validates the size now rather than at the first key
    this.#maxFrameSize = options.maxFrameSize ?? MAX_SFRAME_SIZE;
    if (!Number.isInteger(this.#maxFrameSize) || this.#maxFrameSize < 1) {
      throw new ValidationError('SFrame maxFrameSize must be a positive integer');
    }
  }

  /** Makes `kid` the key that encrypt uses from now on. */
  async addSendKey(kid: bigint | number, baseKey: Uint8Array): Promise<void> {
    const k = toKid(kid);
    const key = await importSFrameKey(this.suite, k, baseKey);
    this.#send = { key, nextCtr: this.#sendCounters.get(k) ?? 0n };
  }

  /**
   * Adds or replaces the key for frames carrying `kid`. Replacing starts a fresh replay window,
   * since a new key is a new counter space; give each new key a new KID (as MLS epochs do) so
   * frames under the old key are not re-accepted.
   */
  async addReceiveKey(kid: bigint | number, baseKey: Uint8Array): Promise<void> {
    const k = toKid(kid);
    const key = await importSFrameKey(this.suite, k, baseKey);
    this.#receive.set(k, { key, window: new ReplayWindow(this.#windowSize) });
  }

  /** Drops a KID's key and window, e.g. when its epoch ends. Returns whether it was present. */
  removeReceiveKey(kid: bigint | number): boolean {
    return this.#receive.delete(toKid(kid));
  }

  hasReceiveKey(kid: bigint | number): boolean {
    return this.#receive.has(toKid(kid));
  }

  /** Encrypts one frame under the current send key with the next counter. */
  async encrypt(frame: Uint8Array, metadata?: Uint8Array): Promise<Uint8Array> {
    const send = this.#send;
    if (send === undefined) throw new UsageError('SFrame: no send key; call addSendKey first');
    const ctr = send.nextCtr;
    if (ctr > UINT64_MAX) throw new UsageError('SFrame: send counter exhausted; add a new send key');
    // Claimed before the first await, so concurrent encrypt calls never share a nonce.
    send.nextCtr = ctr + 1n;
    this.#sendCounters.set(send.key.kid, send.nextCtr);
    return encryptFrame(send.key, ctr, frame, metadata);
  }

  /**
   * Decrypts one SFrame ciphertext. Throws TooLargeError, DecodeError (bad header or too short),
   * UnknownKidError, ReplayError (counter seen or too old) or CryptoError (authentication).
   */
  async decrypt(sframeCiphertext: Uint8Array, metadata?: Uint8Array): Promise<DecryptedFrame> {
    if (sframeCiphertext.length > this.#maxFrameSize) {
      throw new TooLargeError('SFrame ciphertext', sframeCiphertext.length, this.#maxFrameSize);
    }
    const header = decodeHeader(sframeCiphertext);
    const state = this.#receive.get(header.kid);
    if (state === undefined) throw new UnknownKidError(header.kid);
    // Cheap rejection before the AEAD runs; accept() below repeats it after authentication.
    state.window.check(header.ctr);
    const plaintext = await openFrame(state.key, header, sframeCiphertext, metadata);
    state.window.accept(header.ctr);
    return { kid: header.kid, ctr: header.ctr, plaintext };
  }
}
