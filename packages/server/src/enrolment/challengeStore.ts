/**
 * @module challengeStore
 * One-time signature challenges (enrolment and session), kept in memory only: a nonce is
 * worthless after five minutes and a restart simply makes clients ask again. The map is
 * bounded so that anonymous callers cannot grow it without limit.
 */
import { randomBytes } from 'node:crypto';

export const CHALLENGE_TTL_MS = 5 * 60_000;
const MAX_OUTSTANDING = 100_000;

type Entry = { readonly expiresAt: number; readonly subject: string };

export class ChallengeStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** `subject` binds the nonce to what it may be used for, e.g. "enrol" or "session:<deviceId>". */
  issue(subject: string): string {
    const now = this.#now();
    if (this.#entries.size >= MAX_OUTSTANDING) this.#sweep(now);
    if (this.#entries.size >= MAX_OUTSTANDING) {
      // Map iteration is insertion order: drop the oldest rather than refuse new clients.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    const nonce = randomBytes(32).toString('base64url');
    this.#entries.set(nonce, { expiresAt: now + CHALLENGE_TTL_MS, subject });
    return nonce;
  }

  /** True once per nonce, when it is live and was issued for this subject. */
  consume(nonce: string, subject: string): boolean {
    const e = this.#entries.get(nonce);
    if (!e) return false;
    this.#entries.delete(nonce);
    return e.subject === subject && e.expiresAt >= this.#now();
  }

  #sweep(now: number): void {
    for (const [k, e] of this.#entries) if (e.expiresAt < now) this.#entries.delete(k);
  }
}
