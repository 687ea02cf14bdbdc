/**
 * @module wakePolicy
 * How the relay times a browser's wake-ups, per the privacy level its device declares when it
 * registers a target (the same names as the client's send-scheduler levels, privacyLevel.ts).
 * A message's wake-up waits a random while and joins any wake-up already due for that browser;
 * a call's goes at once (the post asked for it: `?wake=now`, docs/protocol.md §6); cover
 * wake-ups come at a Poisson rate. Why these numbers: bench/metadata "The push provider" in
 * BENCHMARKS.md weighs precision against wake-ups a day and the battery proxy.
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
};

export const WAKE_POLICIES: Readonly<Record<WakeLevel, WakePolicy>> = {
  // As before levels: each post wakes at once, coalesced only while one is on its way.
  off: { level: 'off', coalesceMs: 0, maxDelayMs: 0, coverPerDay: 0 },
  balanced: { level: 'balanced', coalesceMs: 60_000, maxDelayMs: 20_000, coverPerDay: 8 },
  strict: { level: 'strict', coalesceMs: 300_000, maxDelayMs: 120_000, coverPerDay: 96 },
};

/** A registration that declares no level keeps the behaviour from before levels: `off`. */
export function parseWakeLevel(v: unknown): WakeLevel {
  if (v === undefined) return 'off';
  const level = WakeLevels.find((l) => l === v);
  if (!level) throw new ValidationError(`level must be one of ${WakeLevels.join(', ')}`);
  return level;
}
