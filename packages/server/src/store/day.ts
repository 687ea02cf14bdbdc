/**
 * @module day
 * Day numbers (days since the Unix epoch, UTC). Anything stored next to a mailbox carries at
 * most this resolution, so a seized database cannot line up events by time of day.
 */
export const DAY_MS = 86_400_000;

export function dayNumber(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS);
}
