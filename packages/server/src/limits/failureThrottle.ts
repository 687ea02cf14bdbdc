/**
 * @module failureThrottle
 * Token buckets for attempts that cost the relay work when they fail: enrolment codes checked
 * (guessing), Privacy Pass tokens verified (a forged token costs one VOPRF evaluation to
 * refuse). One bucket per source address and one for the relay. An attempt takes a token from both before its code is looked at and gets
 * them back if the code was right, so only wrong guesses cost anything, and a burst of
 * concurrent guesses cannot overrun the buckets.
 *
 * An address whose own bucket is full (no failure lately) may always try: a guesser spread
 * over many addresses can empty the relay-wide bucket, but never lock out someone with a right
 * code who has not been guessing. Someone who mistyped waits at most until their own bucket
 * refills (a minute by default). The buckets live in memory only and are never logged.
 */

/**
 * The source of a request that came through the ingress hop: every one of them carries the
 * hop's address, so a per-address bucket would be one bucket for all the hop's users, and a
 * stranger sending ten forged tokens a minute through the hop would lock them all out. Such
 * attempts are held by the relay-wide bucket alone.
 */
export const UNATTRIBUTED_SOURCE = '\u0000unattributed';

/** Past this many tracked addresses, full (idle) buckets are dropped; if still too many, new ones are not tracked. */
const MAX_TRACKED = 50_000;

class Bucket {
  tokens: number;
  at: number;
  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  refill(now: number, perMs: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * perMs);
    this.at = now;
  }

  full(): boolean {
    return this.tokens >= this.capacity;
  }

  /** Milliseconds until `n` tokens are there. */
  waitFor(n: number, perMs: number): number {
    return this.tokens >= n ? 0 : (n - this.tokens) / perMs;
  }
}

export type FailureAttempt = { readonly allowed: true; readonly refund: () => void } | { readonly allowed: false; readonly retryAfterSeconds: number };

export class FailureThrottle {
  readonly #global: Bucket;
  readonly #globalPerMs: number;
  readonly #perSource: number;
  readonly #perSourcePerMs: number;
  readonly #sources = new Map<string, Bucket>();
  readonly #now: () => number;
  #swept: number;

  constructor(limits: { readonly perMinute: number; readonly perMinutePerAddress: number }, now: () => number = Date.now) {
    this.#now = now;
    this.#swept = now();
    this.#global = new Bucket(limits.perMinute, now());
    this.#globalPerMs = limits.perMinute / 60_000;
    this.#perSource = limits.perMinutePerAddress;
    this.#perSourcePerMs = limits.perMinutePerAddress / 60_000;
  }

  /** Would an attempt from `source` be let through now? Takes nothing. */
  check(source: string): FailureAttempt {
    return this.#attempt(source, false);
  }

  /** Takes a token for an attempt about to test a code; `refund` when the code was right. */
  take(source: string): FailureAttempt {
    return this.#attempt(source, true);
  }

  #attempt(source: string, take: boolean): FailureAttempt {
    const now = this.#now();
    if (now - this.#swept >= 60_000) this.#sweep(now);
    this.#global.refill(now, this.#globalPerMs);
    if (source === UNATTRIBUTED_SOURCE) return this.#relayWideOnly(take);
    let bucket = this.#sources.get(source);
    bucket?.refill(now, this.#perSourcePerMs);
    if (bucket && bucket.tokens < 1) return { allowed: false, retryAfterSeconds: seconds(bucket.waitFor(1, this.#perSourcePerMs)) };
    // A new address is clean while there is room to track it; past that only the relay-wide bucket holds it.
    const room = bucket !== undefined || this.#room(now);
    const clean = bucket ? bucket.full() : room;
    if (this.#global.tokens < 1 && !clean) {
      const untilGlobal = this.#global.waitFor(1, this.#globalPerMs);
      return { allowed: false, retryAfterSeconds: seconds(bucket ? Math.min(untilGlobal, bucket.waitFor(bucket.capacity, this.#perSourcePerMs)) : untilGlobal) };
    }
    if (!take) return { allowed: true, refund: () => {} };
    if (!bucket && room) this.#sources.set(source, (bucket = new Bucket(this.#perSource, now)));
    return this.#taken(this.#global.tokens >= 1 ? 1 : 0, bucket);
  }

  #relayWideOnly(take: boolean): FailureAttempt {
    if (this.#global.tokens < 1) return { allowed: false, retryAfterSeconds: seconds(this.#global.waitFor(1, this.#globalPerMs)) };
    if (!take) return { allowed: true, refund: () => {} };
    return this.#taken(1, undefined);
  }

  /** Takes `fromGlobal` from the relay-wide bucket and one from `bucket`; the refund gives them back, once. */
  #taken(fromGlobal: number, bucket: Bucket | undefined): FailureAttempt {
    this.#global.tokens -= fromGlobal;
    if (bucket) bucket.tokens -= 1;
    let refunded = false;
    return {
      allowed: true,
      refund: () => {
        if (refunded) return;
        refunded = true;
        this.#global.tokens = Math.min(this.#global.capacity, this.#global.tokens + fromGlobal);
        if (bucket) bucket.tokens = Math.min(bucket.capacity, bucket.tokens + 1);
      },
    };
  }

  /** Makes room for one more tracked address if it can. */
  #room(now: number): boolean {
    if (this.#sources.size < MAX_TRACKED) return true;
    this.#sweep(now);
    return this.#sources.size < MAX_TRACKED;
  }

  /** Forgets addresses whose bucket has refilled: a full bucket is the same as none. */
  #sweep(now: number): void {
    this.#swept = now;
    for (const [k, b] of this.#sources) {
      b.refill(now, this.#perSourcePerMs);
      if (b.full()) this.#sources.delete(k);
    }
  }

  /** How many addresses are tracked (never which): for tests. */
  trackedSources(): number {
    return this.#sources.size;
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
