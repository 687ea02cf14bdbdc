/**
 * @module mls/deviceCredential
 * A device's MLS credential: a basic credential whose identity is "<handle>/<deviceId>",
 * followed by a newline and the device's certificate (identity/deviceCertificate.ts) as JSON.
 * Binding the handle in the credential lets every member show who sent a message without
 * asking the relay. Carrying the certificate in the leaf lets every member check, with nothing
 * but the identity key it pinned for that person, that the person's own key made this device
 * theirs (certifiedAuthenticationService.ts); the relay's directory has no say in it.
 */
import type { Credential } from 'ts-mls';
import { utf8 } from '../bytes.ts';
import type { DeviceId, Handle } from '../brand.ts';
import { DecodeError } from '../errors.ts';
import { MAX_CERTIFICATE_CHARS, parseCertificate, type DeviceCertificate } from '../identity/deviceCertificate.ts';

export type DeviceIdentity = { readonly handle: Handle; readonly deviceId: DeviceId };

const ID_RE = /^([a-z0-9][a-z0-9._-]{1,31})\/([0-9a-f]{32})$/;
/** "<handle>/<deviceId>" is at most 65 characters; the rest is the certificate. */
const MAX_IDENTITY_BYTES = 128 + MAX_CERTIFICATE_CHARS;

export function deviceCredential(id: DeviceIdentity, certificate?: DeviceCertificate): Credential {
  if (certificate && (certificate.handle !== id.handle || certificate.deviceId !== id.deviceId)) {
    throw new DecodeError('the certificate is for another device than the credential names');
  }
  const text = `${id.handle}/${id.deviceId}` + (certificate ? `\n${JSON.stringify(certificate)}` : '');
  return { credentialType: 'basic', identity: utf8.encode(text) };
}

/** The device a credential names, and the certificate it carries (shape-checked, not verified). */
export function parseCertifiedCredential(c: Credential): { readonly id: DeviceIdentity; readonly certificate?: DeviceCertificate } {
  if (c.credentialType !== 'basic') throw new DecodeError('credential is not a basic credential');
  if (c.identity.length > MAX_IDENTITY_BYTES) throw new DecodeError('credential identity too long');
  const s = utf8.decode(c.identity);
  const cut = s.indexOf('\n');
  const m = ID_RE.exec(cut < 0 ? s : s.slice(0, cut));
  if (!m) throw new DecodeError('credential identity is not handle/deviceId');
  const id = { handle: m[1] as Handle, deviceId: m[2] as DeviceId };
  if (cut < 0) return { id };
  let json: unknown;
  try {
    json = JSON.parse(s.slice(cut + 1));
  } catch (cause) {
    throw new DecodeError('credential certificate is not JSON', { cause });
  }
  const certificate = parseCertificate(json);
  // A certificate for another device would let a leaf borrow someone else's chain.
  if (certificate.handle !== id.handle || certificate.deviceId !== id.deviceId) throw new DecodeError('credential certificate names another device');
  return { id, certificate };
}

export function parseDeviceCredential(c: Credential): DeviceIdentity {
  return parseCertifiedCredential(c).id;
}
