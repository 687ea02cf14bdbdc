/**
 * @module trustRules
 * Which devices this client accepts as a person's, and which identity key it holds for them.
 * The relay serves the directory but is not trusted with membership: every rule here is checked
 * on the device, against keys the device pinned itself. A reviewer can check this file whole.
 *
 * 1. Pinning: the first identity key seen for a person is pinned (trust on first use). The
 *    user's own identity key is never learned from the relay: it is made at enrolment or
 *    received in the link handshake.
 * 2. A different identity key later (a re-enrolment, or a relay lying) is not trusted: it is
 *    recorded as `changedTo`, sending to that person is held, and nothing certified by it is
 *    accepted until the user acknowledges the change.
 * 3. A device is the person's only if its certificate verifies under the pinned identity key
 *    and binds exactly that handle, device id and device key. Anything else the directory lists
 *    is reported as unverifiable and never added to a conversation.
 * 4. A device counts as revoked only on a revocation signed by the pinned identity key, or on
 *    the security team's revocation order signed by the pinned org key (orgPolicy.ts checks
 *    those and passes the device ids here). The relay's own flag alone never removes a device:
 *    a relay can deny a device service, but it cannot make correspondents drop (or keep)
 *    devices on its word.
 */
import {
  fromBase64Url,
  parseCertificate,
  parseRevocation,
  verifyCertificate,
  verifyRevocation,
  type DeviceId,
  type Handle,
} from '@hardline/protocol';
import type { DirectoryUser } from './relayApi.ts';

export type Pin = {
  /** The identity key this client trusts for the person (base64url). */
  readonly key: string;
  /** A different key the directory now shows, not acknowledged yet. */
  readonly changedTo?: string;
  /** The user compared safety numbers with this person (for the pinned key). */
  readonly verified?: boolean;
};

export type Pins = Readonly<Record<string, Pin>>;

export type TrustedDevice = { readonly handle: Handle; readonly pub: Uint8Array; readonly revoked: boolean };

/** 'not-in-log': the relay could not prove the key or certificate is in its transparency log (keyTransparency.ts). */
export type Unverifiable = { readonly handle: Handle; readonly deviceId: DeviceId; readonly reason: 'no-identity' | 'bad-certificate' | 'not-in-log' };

export type Verdict = {
  readonly pins: Pins;
  readonly trusted: ReadonlyMap<DeviceId, TrustedDevice>;
  readonly unverifiable: readonly Unverifiable[];
};

/**
 * Applies rules 1-4 to the directory the relay served. `own` is this user's own identity;
 * `orgRevoked`: devices revoked by orders that verified under the pinned org key.
 */
export function judgeDirectory(users: readonly DirectoryUser[], pins: Pins, own: { handle: Handle; identityKey: string | undefined }, orgRevoked: ReadonlySet<DeviceId> = new Set()): Verdict {
  const next: Record<string, Pin> = { ...pins };
  if (own.identityKey) next[own.handle] = { ...next[own.handle], key: own.identityKey, changedTo: undefined } as Pin;
  const trusted = new Map<DeviceId, TrustedDevice>();
  const unverifiable: Unverifiable[] = [];
  for (const u of users) {
    const listed = u.identityKey;
    let pin = next[u.handle];
    if (!pin && listed && u.handle !== own.handle) pin = next[u.handle] = { key: listed };
    else if (pin && listed && listed !== pin.key && u.handle !== own.handle && pin.changedTo !== listed) pin = next[u.handle] = { ...pin, changedTo: listed };
    for (const d of u.devices) {
      const judged = judgeDevice(u, d, pin?.key);
      const verdict = judged === 'trusted' && orgRevoked.has(d.deviceId) ? 'revoked' : judged;
      if (verdict === 'trusted' || verdict === 'revoked') trusted.set(d.deviceId, { handle: u.handle, pub: fromBase64Url(d.signaturePublicKey), revoked: verdict === 'revoked' });
      else if (!d.revoked) unverifiable.push({ handle: u.handle, deviceId: d.deviceId, reason: verdict });
    }
  }
  return { pins: next, trusted, unverifiable };
}

/**
 * Signature checks already made, by everything they depend on: a directory refresh on every sync
 * would otherwise verify every certificate in the organisation again (about 1 ms each in JS).
 */
const verified = new Map<string, boolean>();
const MAX_VERIFIED = 20_000;

function certificateHolds(u: DirectoryUser, d: DirectoryUser['devices'][number], pinned: string): boolean {
  const key = JSON.stringify([pinned, u.handle, d.deviceId, d.signaturePublicKey, d.certificate]);
  const known = verified.get(key);
  if (known !== undefined) return known;
  let ok = false;
  try {
    ok = verifyCertificate(parseCertificate(d.certificate), { identityKey: pinned, handle: u.handle, deviceId: d.deviceId, deviceKey: fromBase64Url(d.signaturePublicKey, 64) });
  } catch {
    ok = false;
  }
  if (verified.size >= MAX_VERIFIED) verified.clear();
  verified.set(key, ok);
  return ok;
}

function judgeDevice(u: DirectoryUser, d: DirectoryUser['devices'][number], pinned: string | undefined): 'trusted' | 'revoked' | Unverifiable['reason'] {
  if (!pinned) return 'no-identity';
  if (!certificateHolds(u, d, pinned)) return 'bad-certificate';
  if (d.revocation === undefined) return 'trusted';
  try {
    return verifyRevocation(parseRevocation(d.revocation), { identityKey: pinned, handle: u.handle, deviceId: d.deviceId }) ? 'revoked' : 'trusted';
  } catch {
    return 'trusted';
  }
}

/** Rule 2: the user saw the new identity key and accepts it; trust moves to it. */
export function acknowledgeChange(pins: Pins, handle: Handle): Pins {
  const pin = pins[handle];
  if (!pin?.changedTo) return pins;
  return { ...pins, [handle]: { key: pin.changedTo } };
}

/** True while sending to `handle` is held (rule 2). */
export function isHeld(pins: Pins, handle: string): boolean {
  return pins[handle]?.changedTo !== undefined;
}
