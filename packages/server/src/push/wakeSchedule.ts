/**
 * @module wakeSchedule
 * When each browser's wake-ups go, as pure bookkeeping over a clock the caller supplies: the
 * relay's sender (wakeUps.ts) runs it on real time, the metadata bench (bench/metadata/
 * pushPolicy.ts) on simulated time, so the push provider the bench measures sees exactly the
 * timing the relay produces.
 *
 * A message's wake-up is due at a uniform random delay within the level's bound, and no sooner
 * than the coalescing window after the browser's last wake-up; any number of posts before it
 * goes share it (the worker reads its whole inbox on waking). A call's goes at once and takes
 * the place of one still due. Cover wake-ups come at exponential gaps (a Poisson process), and
 * one that goes while a message's is due carries it.
 */
import type { WakePolicy } from './wakePolicy.ts';

type BrowserTiming = { lastSentAt: number; dueAt: number | undefined };

/** Past this many browsers, those with nothing due and their window over are forgotten. */
const PRUNE_AT = 50_000;

export class WakeSchedule {
  readonly #browsers = new Map<string, BrowserTiming>();

  constructor(private readonly random: () => number = Math.random) {}

  /**
   * A post for browser `key` at `now`: when its wake-up goes (`now` for a call), or undefined
   * when a wake-up already due for that browser covers it.
   */
  due(key: string, policy: WakePolicy, urgent: boolean, now: number): number | undefined {
    const b = this.#browser(key, now, policy);
    if (urgent) return now;
    if (b.dueAt !== undefined) return undefined;
    b.dueAt = Math.max(now + this.random() * policy.maxDelayMs, b.lastSentAt + policy.coalesceMs);
    return b.dueAt;
  }

  /** Whether the wake-up due at `at` is still owed (none went to that browser since). */
  stillDue(key: string, at: number): boolean {
    return this.#browsers.get(key)?.dueAt === at;
  }

  /** When the browser's message wake-up is due, if one is. */
  dueAt(key: string): number | undefined {
    return this.#browsers.get(key)?.dueAt;
  }

  /** A wake-up of any kind went to the browser at `now`: it covers the one due. */
  sent(key: string, now: number): void {
    const b = this.#browsers.get(key);
    if (b) {
      b.lastSentAt = now;
      b.dueAt = undefined;
    } else {
      this.#browsers.set(key, { lastSentAt: now, dueAt: undefined });
    }
  }

  forget(key: string): void {
    this.#browsers.delete(key);
  }

  /** The gap to the next cover wake-up, or undefined at a level without cover. */
  coverGap(policy: WakePolicy): number | undefined {
    if (policy.coverPerDay <= 0) return undefined;
    return (-Math.log(1 - this.random()) * 86_400_000) / policy.coverPerDay;
  }

  #browser(key: string, now: number, policy: WakePolicy): BrowserTiming {
    let b = this.#browsers.get(key);
    if (!b) {
      if (this.#browsers.size >= PRUNE_AT) this.#prune(now, policy);
      b = { lastSentAt: -Infinity, dueAt: undefined };
      this.#browsers.set(key, b);
    }
    return b;
  }

  #prune(now: number, policy: WakePolicy): void {
    // The longest window any level has: a browser past it is as good as never woken.
    const longest = Math.max(policy.coalesceMs, 300_000);
    for (const [k, b] of this.#browsers) if (b.dueAt === undefined && now - b.lastSentAt > longest) this.#browsers.delete(k);
  }
}
