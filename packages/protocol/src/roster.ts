/**
 * @module roster
 * Who is in a conversation and where to post to each of their devices. It only ever travels
 * inside MLS-derived encryption (Welcome/Commit bundles), so the relay never learns which
 * mailboxes form a conversation.
 */
import { fromHex } from './bytes.ts';
import type { DeviceId, Handle, MailboxId } from './brand.ts';
import { DecodeError, TooLargeError } from './errors.ts';

export const MAX_ROSTER_BYTES = 256 * 1024;
export const MAX_SEAL_SECRETS = 3;

export type RosterDevice = {
  readonly deviceId: DeviceId;
  readonly handle: Handle;
  readonly mailboxId: MailboxId;
  /** hex, 32 bytes */
  readonly sendCap: string;
};

export type Roster = {
  readonly v: 1;
  /** `self`: only the user's own devices, carrying per-user secrets such as the contact book key. */
  readonly kind: 'direct' | 'group' | 'self';
  readonly name: string;
  readonly members: readonly Handle[];
  readonly devices: readonly RosterDevice[];
  /** hex, 32 bytes each, newest first. Rotated on every removal. */
  readonly sealSecrets: readonly string[];
  /**
   * The disappearing-messages timer. It is part of the conversation's state (not a one-off
   * message), so a linked device or a late joiner gets it with the Welcome.
   */
  readonly timer?: RosterTimer;
};

export type RosterTimer = {
  /** 0 turns the timer off. */
  readonly seconds: number;
  /** Who set it: must be the committer of the commit that changed it. */
  readonly by: Handle;
  /** ISO time it was set. */
  readonly at: string;
  /** Unique per change, so a notice shows once. */
  readonly id: string;
};

export const MAX_TIMER_SECONDS = 365 * 86_400;

const HEX32 = /^[0-9a-f]{64}$/;
const HEX16 = /^[0-9a-f]{32}$/;
const HANDLE = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export function encodeRoster(r: Roster): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(r));
}

export function decodeRoster(bytes: Uint8Array): Roster {
  if (bytes.length > MAX_ROSTER_BYTES) throw new TooLargeError('roster', bytes.length, MAX_ROSTER_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new DecodeError('roster is not JSON', { cause });
  }
  const r = raw as Partial<Roster> | null;
  const ok =
    r !== null &&
    typeof r === 'object' &&
    r.v === 1 &&
    (r.kind === 'direct' || r.kind === 'group' || (r.kind === 'self' && Array.isArray(r.members) && r.members.length === 1)) &&
    typeof r.name === 'string' &&
    r.name.length <= 128 &&
    Array.isArray(r.members) &&
    r.members.every((h) => typeof h === 'string' && HANDLE.test(h)) &&
    Array.isArray(r.devices) &&
    r.devices.every(
      (d) =>
        d !== null &&
        typeof d === 'object' &&
        HEX16.test(String(d.deviceId)) &&
        HANDLE.test(String(d.handle)) &&
        HEX16.test(String(d.mailboxId)) &&
        HEX32.test(String(d.sendCap)),
    ) &&
    Array.isArray(r.sealSecrets) &&
    r.sealSecrets.length >= 1 &&
    r.sealSecrets.length <= MAX_SEAL_SECRETS &&
    r.sealSecrets.every((s) => typeof s === 'string' && HEX32.test(s)) &&
    (r.timer === undefined || isRosterTimer(r.timer));
  if (!ok) throw new DecodeError('roster has an invalid shape');
  return r as Roster;
}

function isRosterTimer(t: unknown): t is RosterTimer {
  const x = t as Partial<RosterTimer> | null;
  return (
    x !== null &&
    typeof x === 'object' &&
    Number.isSafeInteger(x.seconds) &&
    x.seconds! >= 0 &&
    x.seconds! <= MAX_TIMER_SECONDS &&
    typeof x.by === 'string' &&
    HANDLE.test(x.by) &&
    typeof x.at === 'string' &&
    x.at.length <= 40 &&
    !Number.isNaN(Date.parse(x.at)) &&
    typeof x.id === 'string' &&
    /^[0-9a-f]{16,32}$/.test(x.id)
  );
}

export function sendCapBytes(d: RosterDevice): Uint8Array {
  return fromHex(d.sendCap, 32);
}
