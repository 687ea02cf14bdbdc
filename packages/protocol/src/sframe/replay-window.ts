/**
 * @module sframe/replay-window
 * Sliding replay window over one KID's counters (RFC 9605 §7.5 leaves the policy to the
 * application). It remembers the highest accepted CTR and which of the `size` counters below it
 * were seen; anything older is rejected because it can no longer be told apart from a replay.
 *
 * Unlike most state in this package the window is changed in place: it runs for every audio
 * frame, and a fresh copy per frame would be the only allocation on that path. The two methods
 * make the change explicit: `check` never changes state, `accept` is the only thing that does.
 */
import { ReplayError, ValidationError } from '../errors.ts';

export const DEFAULT_REPLAY_WINDOW = 128;

export class ReplayWindow {
  readonly size: number;
  readonly #bigSize: bigint;
  /** -1 until the first accept. */
  #highest = -1n;
  /** Bit (ctr mod size) is set when that counter was accepted. */
  readonly #seen: Uint32Array;

  constructor(size: number = DEFAULT_REPLAY_WINDOW) {
    if (!Number.isInteger(size) || size < 32 || size > 1 << 16 || size % 32 !== 0) {
      throw new ValidationError('SFrame replay window must be a multiple of 32 between 32 and 65536');
    }
    this.size = size;
    this.#bigSize = BigInt(size);
    this.#seen = new Uint32Array(size / 32);
  }

  get highest(): bigint | undefined {
    return this.#highest < 0n ? undefined : this.#highest;
  }

  /** Throws ReplayError if `ctr` would be refused; changes nothing. */
  check(ctr: bigint): void {
    if (ctr > this.#highest) return;
    if (this.#highest - ctr >= this.#bigSize) throw new ReplayError('too-old');
    if (this.#isSeen(this.#slot(ctr))) throw new ReplayError('replayed');
  }

  /**
   * Records `ctr` as seen. Call it only after the frame authenticated, or a forger could slide
   * the window forward and get genuine frames refused. It checks again because two decryptions
   * of the same frame can both pass `check` while their AEAD calls are in flight.
   */
  accept(ctr: bigint): void {
    this.check(ctr);
    if (ctr > this.#highest) {
      const advance = ctr - this.#highest;
      if (advance >= this.#bigSize) {
        this.#seen.fill(0);
      } else {
        // Forget the counters that fall out of the window, which share slots with the new ones.
        let slot = this.#slot(this.#highest + 1n);
        for (let i = Number(advance); i > 0; i--) {
          this.#clear(slot);
          slot = slot + 1 === this.size ? 0 : slot + 1;
        }
      }
      this.#highest = ctr;
    }
    this.#set(this.#slot(ctr));
  }

  #slot(ctr: bigint): number {
    return Number(ctr % this.#bigSize);
  }

  #isSeen(slot: number): boolean {
    return (((this.#seen[slot >>> 5] ?? 0) >>> (slot & 31)) & 1) === 1;
  }

  #set(slot: number): void {
    this.#seen[slot >>> 5] = (this.#seen[slot >>> 5] ?? 0) | (1 << (slot & 31));
  }

  #clear(slot: number): void {
    this.#seen[slot >>> 5] = (this.#seen[slot >>> 5] ?? 0) & ~(1 << (slot & 31));
  }
}
