/**
 * @module identity/deviceRevocation
 * "<handle> revokes their device <deviceId>", signed by the person's identity key. Clients take a
 * device out of their conversations only on a valid signed revocation: a relay that marks a
 * device revoked without one can deny it service (it holds its connections), but cannot make the
 * person's correspondents drop a device the person did not revoke.
 */
import type { DeviceId, Handle } from '../brand.ts';
import { DecodeError } from '../errors.ts';
import { identitySign, identityVerify, isIdentityPublicKey, type IdentityKeyPair } from './identityKey.ts';

export type DeviceRevocation = {
  readonly v: 1;
  readonly handle: Handle;
  readonly deviceId: DeviceId;
  readonly identityKey: string;
  readonly revokedAt: string;
  readonly signature: string;
};

const LABEL = 'device-revocation';

function signedPart(r: Omit<DeviceRevocation, 'signature'>): string {
  return [r.v, r.handle, r.deviceId, r.identityKey, r.revokedAt].join('\n');
}

export function signRevocation(identity: IdentityKeyPair, handle: Handle, deviceId: DeviceId, now: Date = new Date()): DeviceRevocation {
  const body = { v: 1 as const, handle, deviceId, identityKey: identity.publicKey, revokedAt: now.toISOString() };
  return { ...body, signature: identitySign(identity, LABEL, signedPart(body)) };
}

export function parseRevocation(v: unknown): DeviceRevocation {
  const r = v as Partial<DeviceRevocation> | null;
  const ok =
    r !== null &&
    typeof r === 'object' &&
    r.v === 1 &&
    typeof r.handle === 'string' &&
    /^[a-z0-9][a-z0-9._-]{1,31}$/.test(r.handle) &&
    typeof r.deviceId === 'string' &&
    /^[0-9a-f]{32}$/.test(r.deviceId) &&
    isIdentityPublicKey(r.identityKey) &&
    typeof r.revokedAt === 'string' &&
    r.revokedAt.length <= 40 &&
    typeof r.signature === 'string' &&
    r.signature.length <= 100;
  if (!ok) throw new DecodeError('device revocation has an invalid shape');
  return r as DeviceRevocation;
}

export function verifyRevocation(r: DeviceRevocation, expect: { identityKey: string; handle: string; deviceId: string }): boolean {
  if (r.identityKey !== expect.identityKey || r.handle !== expect.handle || r.deviceId !== expect.deviceId) return false;
  const { signature, ...body } = r;
  return identityVerify(r.identityKey, LABEL, signedPart(body), signature);
}
