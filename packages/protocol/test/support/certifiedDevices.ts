/**
 * @module test/support/certifiedDevices
 * An organisation in memory for MLS tests: each person has an identity key, which this test's
 * "client" pins, and each device's KeyPackage carries a certificate signed by it. `forge` makes a
 * device the way a hostile relay would: a certificate under an identity key the relay made itself.
 */
import type { CiphersuiteImpl } from 'ts-mls';
import {
  certifiedAuthenticationService,
  certifyDevice,
  clientConfigWith,
  newIdentityKey,
  newKeyPackage,
  toBase64Url,
  type DeviceId,
  type Handle,
  type IdentityKeyPair,
} from '../../src/index.ts';

export const deviceIdOf = (n: number) => n.toString(16).padStart(32, '0') as DeviceId;

export function certifiedOrg(impl: CiphersuiteImpl) {
  const identities = new Map<string, IdentityKeyPair>();
  /** What the client under test pinned; a test may drop or change a pin. */
  const pins = new Map<string, string>();
  const as = certifiedAuthenticationService((h) => pins.get(h));
  const identityOf = (handle: string) => {
    let id = identities.get(handle);
    if (!id) {
      id = newIdentityKey();
      identities.set(handle, id);
      pins.set(handle, id.publicKey);
    }
    return id;
  };
  /** A device certified by `signer` (the person's own identity key unless a forger's is given). */
  const device = async (handle: string, n: number, signer: IdentityKeyPair = identityOf(handle)) => {
    identityOf(handle);
    const keys = await impl.signature.keygen();
    const who = { handle: handle as Handle, deviceId: deviceIdOf(n) };
    const certificate = certifyDevice(signer, { ...who, deviceKey: toBase64Url(keys.publicKey) });
    return { who, keys, certificate, kp: await newKeyPackage(who, keys, impl, { certificate }) };
  };
  /** What a hostile relay can make: a device under `handle`, certified by a key of its own. */
  const forge = (handle: string, n: number) => device(handle, n, newIdentityKey());
  return { as, config: clientConfigWith(as), pins, identityOf, device, forge };
}
