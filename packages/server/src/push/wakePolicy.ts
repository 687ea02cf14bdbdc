/**
 * @module wakePolicy
 * How the relay times a browser's wake-ups, per the privacy level its device declares when it
 * registers a target (the same names as the client's send-scheduler levels, privacyLevel.ts).
 * A call's wake-up goes at once (the post asked for it: `?wake=now`, docs/protocol.md §6); cover
 * wake-ups come at a Poisson rate. At `balanced` and `strict` a message gets no wake-up of its
 * own: the browser's next cover wake-up carries it, so no wake-up's time follows a message.
 * A message's own wake-up, even after a random delay, lands near the sender's activity, and the
 * closed app's inbox read on waking shows the relay's link who was just written to: over two
 * weeks that alone let the global observer name 2 of the principal's top 5 partners
 * (BENCHMARKS.md "Closed tabs' wake-ups"). So a browser the relay keeps no cover timer for
 * (past MAX_COVERED, push/wakeUps.ts) gets no wake-up for a message at these levels, not one
 * after the delay below; the delay and window apply only to a level whose messages do not ride
 * cover, and the metadata bench's comparisons.
 */
import { ValidationError } from '@hardline/protocol';

export const WakeLevels = ['off', 'balanced', 'strict'] as const;
export type WakeLevel = (typeof WakeLevels)[number];

export type WakePolicy = {
  readonly level: WakeLevel;
  /** At most one message wake-up per browser per this long: later ones wait for its end. */
  readonly coalesceMs: number;
  /** A message's wake-up waits uniformly in [0, this). Never a call's. */
  readonly maxDelayMs: number;
  /** Cover wake-ups per browser per day (Poisson). */
  readonly coverPerDay: number;
  /**
   * A message's wake-up waits for the browser's next cover wake-up (a mean of a day over
   * coverPerDay): what a closed app's notification waits, the price of wake-up times that say
   * nothing. Needs coverPerDay > 0.
   */
  readonly messagesRideCover: boolean;
};

export const WAKE_POLICIES: Readonly<Record<WakeLevel, WakePolicy>> = {
  // As before levels: each post wakes at once, coalesced only while one is on its way.
  off: { level: 'off', coalesceMs: 0, maxDelayMs: 0, coverPerDay: 0, messagesRideCover: false },
  // 48 a day: a closed app's notification waits 30 min on average (p95 1.5 h), 9.6 min awake a day.
  balanced: { level: 'balanced', coalesceMs: 60_000, maxDelayMs: 20_000, coverPerDay: 48, messagesRideCover: true },
  // 96 a day: 15 min on average (p95 45 min), 19 min awake a day.
  strict: { level: 'strict', coalesceMs: 300_000, maxDelayMs: 120_000, coverPerDay: 96, messagesRideCover: true },
};

/**
 * Whether a post's wake-up is left to the browser's next cover wake-up: a message's (not a
 * call's) at a level that says so, when the browser has a cover timer running.
 */
export function ridesCover(policy: WakePolicy, urgent: boolean, covered: boolean): boolean {
  return !urgent && covered && policy.messagesRideCover && policy.coverPerDay > 0;
}

/** A registration that declares no level keeps the behaviour from before levels: `off`. */
export function parseWakeLevel(v: unknown): WakeLevel {
  if (v === undefined) return 'off';
  const level = WakeLevels.find((l) => l === v);
  if (!level) throw new ValidationError(`level must be one of ${WakeLevels.join(', ')}`);
  return level;
}
