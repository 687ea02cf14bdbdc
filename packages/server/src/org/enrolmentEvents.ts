/**
 * @module org/enrolmentEvents
 * Enrolment events for the briefing, as day counts: a new device, a re-enrolment (a new
 * identity key for an existing person) and a wrong or used code. The device's enrolment day is
 * kept for the admin device list. Nothing about the source of a failed attempt is kept.
 */
import { HardlineError } from '@hardline/protocol';
import type { RelayContext } from '../relayContext.ts';
import { dayNumber } from '../store/day.ts';
import type { EnrolResult } from '../store/relayStore.ts';
import { OrgEvents } from './orgLedger.ts';

export async function recordEnrolment(ctx: RelayContext, result: EnrolResult): Promise<void> {
  const day = dayNumber(ctx.now());
  await ctx.store.org.deviceEnrolled(result.deviceId, day);
  await ctx.store.org.count(result.revokedDevices.length > 0 ? OrgEvents.REENROLMENT : OrgEvents.ENROLMENT, day);
}

/** Counts a refused code, then rethrows: the caller's reply is unchanged. */
export async function countFailedEnrolment(ctx: RelayContext, e: unknown): Promise<never> {
  if (e instanceof HardlineError && (e.code === 'BAD_CODE' || e.code === 'FORBIDDEN' || e.code === 'CONFLICT')) {
    await ctx.store.org.count(OrgEvents.FAILED_ENROLMENT, dayNumber(ctx.now())).catch(() => undefined);
  }
  throw e;
}
