/**
 * @module locks/epochLocks
 * Epoch commit locks in two steps, so that a device that takes a lock and then has nothing to
 * commit (its claims failed: a member's KeyPackages ran out) can never jam the conversation.
 *
 * - take: a *hold* for a few seconds, kept in memory only (a hold names no one and matters only
 *   while a commit is being built).
 * - confirm: the holder is about to post its commit; the lock becomes permanent in the store
 *   (a week), so no device ever commits a second time in that epoch.
 * - release: the holder built nothing; anyone may take the lock at once.
 * A hold that is neither confirmed nor released lapses after HOLD_MS. Holds are anonymous: the
 * hold id is a random value only the holder knows, so only it can confirm or release.
 */
import { randomBytes } from 'node:crypto';

export const HOLD_MS = 15_000;
/** Bounds memory under a flood of random tokens: 100k holds are about 15 MB. */
export const MAX_HOLDS = 100_000;

type Hold = { readonly id: string; readonly until: number };

export class EpochLocks {
  private readonly holds = new Map<string, Hold>();

  /** A hold id, or undefined when another holder's hold is still running or too many are. */
  take(token: string, now: number): string | undefined {
    const cur = this.holds.get(token);
    if (cur && cur.until > now) return undefined;
    if (!cur && this.holds.size >= MAX_HOLDS) {
      this.prune(now);
      if (this.holds.size >= MAX_HOLDS) return undefined;
    }
    const id = randomBytes(16).toString('hex');
    this.holds.set(token, { id, until: now + HOLD_MS });
    return id;
  }

  /**
   * True when `hold` is the latest hold on `token` (lapsed or not: if nobody took over, a slow
   * holder may still commit). The hold ends either way; the caller then makes the lock permanent.
   */
  finish(token: string, hold: string): boolean {
    const cur = this.holds.get(token);
    if (!cur || cur.id !== hold) return false;
    this.holds.delete(token);
    return true;
  }

  get size(): number {
    return this.holds.size;
  }

  private prune(now: number): void {
    for (const [token, h] of this.holds) if (h.until <= now) this.holds.delete(token);
  }
}
