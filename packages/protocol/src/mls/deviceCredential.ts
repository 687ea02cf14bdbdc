/**
 * @module mls/deviceCredential
 * A device's MLS credential: a basic credential whose identity is "<handle>/<deviceId>".
 * Binding the handle in the credential lets every member show who sent a message without
 * asking the relay, and the AuthenticationService checks the pair against the directory.
 */
import type { Credential } from 'ts-mls';
import { utf8 } from '../bytes.ts';
import type { DeviceId, Handle } from '../brand.ts';
import { DecodeError } from '../errors.ts';

export type DeviceIdentity = { readonly handle: Handle; readonly deviceId: DeviceId };

export function deviceCredential(id: DeviceIdentity): Credential {
  return { credentialType: 'basic', identity: utf8.encode(`${id.handle}/${id.deviceId}`) };
}

export function parseDeviceCredential(c: Credential): DeviceIdentity {
  if (c.credentialType !== 'basic') throw new DecodeError('credential is not a basic credential');
  if (c.identity.length > 128) throw new DecodeError('credential identity too long');
  const s = utf8.decode(c.identity);
  const m = /^([a-z0-9][a-z0-9._-]{1,31})\/([0-9a-f]{32})$/.exec(s);
  if (!m) throw new DecodeError('credential identity is not handle/deviceId');
  return { handle: m[1] as Handle, deviceId: m[2] as DeviceId };
}
