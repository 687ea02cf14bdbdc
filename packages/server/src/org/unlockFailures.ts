/**
 * @module org/unlockFailures
 * Wrong app-lock passphrases, reported by devices (web lock/unlockReport.ts) for the morning
 * briefing, kept as a per-day count like failed enrolments: no device, no time of day, nothing
 * typed. A modified client can only inflate the count, and only by so much a day: each device
 * adds at most MAX_PER_DEVICE_DAY (held in memory, per day).
 */
import { ValidationError, type DeviceId } from '@hardline/protocol';
import type { RelayContext } from '../relayContext.ts';
import { dayNumber } from '../store/day.ts';
import { OrgEvents } from './orgLedger.ts';

export const MAX_PER_REPORT = 100;
export const MAX_PER_DEVICE_DAY = 100;

const seen = new WeakMap<RelayContext, { day: number; byDevice: Map<DeviceId, number> }>();

export function parseUnlockReport(body: unknown): number {
  const n = (body as { count?: unknown } | null)?.count;
  if (!Number.isSafeInteger(n) || (n as number) < 1 || (n as number) > MAX_PER_REPORT) throw new ValidationError(`count must be a whole number 1-${MAX_PER_REPORT}`);
  return n as number;
}

export async function recordFailedUnlocks(ctx: RelayContext, deviceId: DeviceId, count: number): Promise<void> {
  const day = dayNumber(ctx.now());
  let today = seen.get(ctx);
  if (!today || today.day !== day) seen.set(ctx, (today = { day, byDevice: new Map() }));
  const before = today.byDevice.get(deviceId) ?? 0;
  const added = Math.min(count, MAX_PER_DEVICE_DAY - before);
  if (added <= 0) return;
  today.byDevice.set(deviceId, before + added);
  await ctx.store.org.count(OrgEvents.FAILED_UNLOCK, day, added);
}
