/**
 * @module org/briefing
 * The morning briefing: counts and device lists for the security team. Built only from what the
 * relay holds about devices and admin events (day precision); it reads no mailbox, envelope or
 * conversation, so it cannot say anything about content or who talks to whom.
 */
import type { DeviceId, Handle } from '@hardline/protocol';
import type { RelayContext } from '../relayContext.ts';
import { dayNumber, DAY_MS } from '../store/day.ts';
import { currentPolicy } from './linkPolicy.ts';
import { OrgEvents } from './orgLedger.ts';
import { refusalCounts } from './refusalCounts.ts';

export type AdminDevice = {
  readonly deviceId: DeviceId;
  readonly handle: Handle;
  readonly revoked: boolean;
  /** The name the user gave the device and its platform, as the device reported them; null until it does. */
  readonly name: string | null;
  readonly platform: string | null;
  /** YYYY-MM-DD, or null when the device enrolled before the relay kept it. */
  readonly enrolledOn: string | null;
  readonly lastSeenOn: string | null;
  readonly policyVersion: number;
  /** The device has not reported applying the current policy. */
  readonly oldPolicy: boolean;
};

export type Briefing = {
  readonly day: string;
  readonly periodDays: number;
  readonly policyVersion: number;
  readonly counts: { readonly enrolments: number; readonly identityKeyChanges: number; readonly failedEnrolments: number; readonly failedUnlocks: number; readonly revocations: number };
  /** Abuse and quota refusals at the relay since it started (memory only), by code. */
  readonly relayRefusals: Readonly<Record<string, number>>;
  readonly devicesOnOldPolicy: readonly Pick<AdminDevice, 'deviceId' | 'handle' | 'policyVersion'>[];
  readonly devicesNotSeen: readonly Pick<AdminDevice, 'deviceId' | 'handle' | 'lastSeenOn'>[];
  readonly notSeenDays: number;
};

const dayText = (day: number | undefined): string | null => (day === undefined ? null : new Date(day * DAY_MS).toISOString().slice(0, 10));

export async function adminDevices(ctx: RelayContext): Promise<AdminDevice[]> {
  const version = (await currentPolicy(ctx))?.version ?? 0;
  const records = new Map((await ctx.store.org.devices()).map((r) => [r.deviceId, r]));
  return (await ctx.store.listDirectory()).flatMap((u) =>
    u.devices.map((d) => {
      const r = records.get(d.deviceId);
      const applied = r?.policyVersion ?? 0;
      return { deviceId: d.deviceId, handle: u.handle, revoked: d.revoked, name: r?.name ?? null, platform: r?.platform ?? null, enrolledOn: dayText(r?.enrolledDay), lastSeenOn: dayText(r?.lastSeenDay), policyVersion: applied, oldPolicy: !d.revoked && applied < version };
    }),
  );
}

export async function briefing(ctx: RelayContext, opts: { periodDays: number; notSeenDays: number }): Promise<Briefing> {
  const today = dayNumber(ctx.now());
  const from = today - opts.periodDays + 1;
  const counts = await ctx.store.org.counts(from);
  const devices = (await adminDevices(ctx)).filter((d) => !d.revoked);
  const notSeenBefore = dayText(today - opts.notSeenDays)!;
  return {
    day: dayText(today)!,
    periodDays: opts.periodDays,
    policyVersion: (await currentPolicy(ctx))?.version ?? 0,
    counts: {
      enrolments: counts[OrgEvents.ENROLMENT] ?? 0,
      identityKeyChanges: counts[OrgEvents.REENROLMENT] ?? 0,
      failedEnrolments: counts[OrgEvents.FAILED_ENROLMENT] ?? 0,
      failedUnlocks: counts[OrgEvents.FAILED_UNLOCK] ?? 0,
      revocations: counts[OrgEvents.REVOCATION] ?? 0,
    },
    relayRefusals: refusalCounts(ctx, 0),
    devicesOnOldPolicy: devices.filter((d) => d.oldPolicy).map((d) => ({ deviceId: d.deviceId, handle: d.handle, policyVersion: d.policyVersion })),
    devicesNotSeen: devices.filter((d) => d.lastSeenOn === null || d.lastSeenOn <= notSeenBefore).map((d) => ({ deviceId: d.deviceId, handle: d.handle, lastSeenOn: d.lastSeenOn })),
    notSeenDays: opts.notSeenDays,
  };
}
