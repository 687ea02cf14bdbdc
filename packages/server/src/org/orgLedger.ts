/**
 * @module org/orgLedger
 * What the relay keeps for the security team: the signed orders as they came (it checks them
 * against the org key, but clients do not take its word), each device's applied policy version
 * and last-seen day, and per-day event counts. Async like RelayStore, so PostgreSQL can stand in.
 */
import type { DeviceId, SignedOrder, UserId } from '@hardline/protocol';

export const OrgEvents = {
  ENROLMENT: 'enrolment',
  REENROLMENT: 're-enrolment',
  FAILED_ENROLMENT: 'failed-enrolment',
  REVOCATION: 'revocation',
  FAILED_UNLOCK: 'failed-unlock',
} as const;
export type OrgEvent = (typeof OrgEvents)[keyof typeof OrgEvents];

export type OrgDeviceRecord = {
  readonly deviceId: DeviceId; readonly enrolledDay?: number; readonly lastSeenDay?: number; readonly policyVersion: number;
  /** What the device calls itself (devices/deviceLabel.ts), once it reported it. */
  readonly name?: string; readonly platform?: string;
};

export type OrgLedger = {
  /** The chain's last order ({seq 0, GENESIS_PREV} before any). */
  head(): Promise<{ seq: number; hash: string }>;
  /** Appends if `order.seq` is head + 1; false when another order took that place first. */
  append(order: SignedOrder, hash: string): Promise<boolean>;
  orders(afterSeq: number, limit: number): Promise<SignedOrder[]>;
  latest(kind: SignedOrder['kind']): Promise<SignedOrder | undefined>;
  /** The newest revocation order naming this device. */
  revocationOf(deviceId: DeviceId): Promise<SignedOrder | undefined>;
  /** Uses up the newest unused, unexpired link approval for `handle`; false if there is none. */
  useLinkApproval(handle: string, now: number): Promise<boolean>;
  /** Link codes made for this user and not yet used or expired: devices that may still join. */
  pendingLinkCodes(userId: UserId, now: number): Promise<number>;
  deviceSeen(deviceId: DeviceId, day: number, policyVersion?: number): Promise<void>;
  deviceEnrolled(deviceId: DeviceId, day: number): Promise<void>;
  devices(): Promise<OrgDeviceRecord[]>;
  setDeviceLabel(deviceId: DeviceId, label: { name: string; platform: string }): Promise<void>;
  /** Adds `by` (default 1) to the day's count of `event`. */
  count(event: OrgEvent, day: number, by?: number): Promise<void>;
  counts(fromDay: number): Promise<Record<string, number>>;
};
