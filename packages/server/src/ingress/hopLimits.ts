/**
 * @module hopLimits
 * The hop's abuse bounds, in memory only: a token bucket per client address and a cap on
 * requests in flight. Addresses are held as map keys for the bucket alone, never logged, and
 * forgotten once their bucket is full again.
 *
 * RFC 9458 §6.3 warns that treating clients differently tells the gateway something; a bucket
 * that only a flood empties is the least of that, and without one the hop is anyone's cannon.
 */
export type HopLimits = {
  /** Largest encapsulated request forwarded, in bytes. */
  readonly maxBodyBytes: number;
  /** Requests per minute one client address may make (burst up to the same number). */
  readonly perAddressPerMinute: number;
  /** Requests forwarded at once, all clients together. */
  readonly maxInFlight: number;
  /** How long the target may take to answer. */
  readonly upstreamTimeoutMs: number;
};

export const DEFAULT_HOP_LIMITS: HopLimits = { maxBodyBytes: 3 * 1024 * 1024, perAddressPerMinute: 600, maxInFlight: 256, upstreamTimeoutMs: 30_000 };

type Bucket = { tokens: number; at: number };

export class AddressBuckets {
  readonly #buckets = new Map<string, Bucket>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `address`; false when its bucket is empty. */
  take(address: string): boolean {
    const now = this.now();
    const b = this.#buckets.get(address) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    if (b.tokens < 1) {
      this.#buckets.set(address, b);
      return false;
    }
    b.tokens -= 1;
    this.#buckets.set(address, b);
    if (this.#buckets.size > 10_000) this.#sweep(now);
    return true;
  }

  /** Drops buckets that have refilled: nothing about those addresses is worth keeping. */
  #sweep(now: number): void {
    for (const [address, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 60_000) * this.perMinute >= this.perMinute) this.#buckets.delete(address);
    }
  }
}
