/**
 * @module dailyRhythm
 * When people use their phones: quiet at night, a morning and an afternoon peak, an evening
 * tail. Each user gets a personal shift of up to an hour either way, so not everyone wakes at once.
 */
import type { Random } from './random.ts';

/** Relative activity per hour of the day, 00:00 to 23:00. */
const HOURLY = [0.1, 0.05, 0.03, 0.03, 0.05, 0.15, 0.4, 0.8, 1.1, 1.3, 1.3, 1.2, 1.1, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 1.0, 1.0, 0.9, 0.6, 0.3] as const;

export const DAY_SECONDS = 86_400;

/** A second of the given day, drawn by the rhythm and shifted by the user's offset (seconds). */
export function rhythmicTime(day: number, shiftSeconds: number, rng: Random): number {
  const hour = rng.weighted(HOURLY);
  const t = day * DAY_SECONDS + hour * 3600 + rng.next() * 3600 + shiftSeconds;
  return Math.max(0, t);
}
