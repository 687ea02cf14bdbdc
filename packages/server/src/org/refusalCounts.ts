/**
 * @module org/refusalCounts
 * How many requests the relay refused for abuse or quota reasons, per day and code, for the
 * morning briefing. Counts only, in memory: no address, device or mailbox is kept with them.
 * Keyed by relay context, so several relays in one process (tests) keep their own.
 */
import { dayNumber } from '../store/day.ts';

export const COUNTED_REFUSALS: ReadonlySet<string> = new Set(['RATE_LIMITED', 'MAILBOX_FULL', 'BLOBS_FULL', 'DISK_FULL', 'TOKEN_BUDGET', 'TOKEN_SPENT', 'TOKEN_INVALID', 'TOO_LARGE']);

const byRelay = new WeakMap<object, Map<string, number>>();

export function countRefusal(ctx: { now: () => number }, code: string): void {
  if (!COUNTED_REFUSALS.has(code)) return;
  let m = byRelay.get(ctx);
  if (!m) byRelay.set(ctx, (m = new Map()));
  const key = `${dayNumber(ctx.now())}:${code}`;
  m.set(key, (m.get(key) ?? 0) + 1);
}

export function refusalCounts(ctx: object, fromDay: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of byRelay.get(ctx) ?? []) {
    const [day, code] = key.split(':') as [string, string];
    if (Number(day) >= fromDay) out[code] = (out[code] ?? 0) + n;
  }
  return out;
}
