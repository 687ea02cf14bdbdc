/**
 * @module identity/deviceCertificate
 * A device certificate: "this device key is <handle>'s device <deviceId>", signed by the
 * person's identity key. It travels with the directory entry (the relay stores and serves it,
 * opaque). A client accepts a device as a conversation member only if its certificate verifies
 * under the identity key it pinned for that person (client trustRules.ts).
 */
import { fromBase64Url } from '../bytes.ts';
import type { DeviceId, Handle } from '../brand.ts';
import { DecodeError } from '../errors.ts';
import { identitySign, identityVerify, isIdentityPublicKey, type IdentityKeyPair } from './identityKey.ts';

export type DeviceCertificate = {
  readonly v: 1;
  readonly handle: Handle;
  readonly deviceId: DeviceId;
  /** The device's MLS signature public key, base64url. */
  readonly deviceKey: string;
  /** The identity key that signed it, base64url. */
  readonly identityKey: string;
  /** ISO time. */
  readonly createdAt: string;
  readonly signature: string;
};

export const MAX_CERTIFICATE_CHARS = 1_024;
const LABEL = 'device-certificate';
const HANDLE = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const DEVICE = /^[0-9a-f]{32}$/;

function signedPart(c: Omit<DeviceCertificate, 'signature'>): string {
  return [c.v, c.handle, c.deviceId, c.deviceKey, c.identityKey, c.createdAt].join('\n');
}

export function certifyDevice(identity: IdentityKeyPair, device: { handle: Handle; deviceId: DeviceId; deviceKey: string }, now: Date = new Date()): DeviceCertificate {
  const body = { v: 1 as const, handle: device.handle, deviceId: device.deviceId, deviceKey: device.deviceKey, identityKey: identity.publicKey, createdAt: now.toISOString() };
  return { ...body, signature: identitySign(identity, LABEL, signedPart(body)) };
}

/** Shape only: whether the signature is any good is `verifyCertificate`'s question. */
export function parseCertificate(v: unknown): DeviceCertificate {
  const c = v as Partial<DeviceCertificate> | null;
  const ok =
    c !== null &&
    typeof c === 'object' &&
    c.v === 1 &&
    typeof c.handle === 'string' &&
    HANDLE.test(c.handle) &&
    typeof c.deviceId === 'string' &&
    DEVICE.test(c.deviceId) &&
    typeof c.deviceKey === 'string' &&
    c.deviceKey.length <= 64 &&
    isIdentityPublicKey(c.identityKey) &&
    typeof c.createdAt === 'string' &&
    c.createdAt.length <= 40 &&
    !Number.isNaN(Date.parse(c.createdAt)) &&
    typeof c.signature === 'string' &&
    c.signature.length <= 100;
  if (!ok) throw new DecodeError('device certificate has an invalid shape');
  return c as DeviceCertificate;
}

/**
 * True only when `cert` is signed by `identityKey` and binds exactly this handle, device id and
 * device key. Every field is checked, so a certificate for one device proves nothing of another.
 */
export function verifyCertificate(cert: DeviceCertificate, expect: { identityKey: string; handle: string; deviceId: string; deviceKey: Uint8Array }): boolean {
  if (cert.identityKey !== expect.identityKey || cert.handle !== expect.handle || cert.deviceId !== expect.deviceId) return false;
  let key: Uint8Array;
  try {
    key = fromBase64Url(cert.deviceKey, 64);
  } catch {
    return false;
  }
  if (key.length !== expect.deviceKey.length || !key.every((b, i) => b === expect.deviceKey[i])) return false;
  const { signature, ...body } = cert;
  return identityVerify(cert.identityKey, LABEL, signedPart(body), signature);
}
