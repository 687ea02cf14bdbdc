/**
 * @module keyPackages
 * Real MLS KeyPackages for a test device, signed with the key it enrolled with, as its client
 * would make them: the relay refuses anything else (keypackages/validateKeyPackage.ts).
 */
import { randomBytes } from 'node:crypto';
import { certifyDevice, deviceCredential, DEFAULT_SUITE, lastResortExtension, loadSuite, newIdentityKey, type DeviceId, type Handle } from '@hardline/protocol';
import { defaultCapabilities, defaultLifetime, encodeMlsMessage, generateKeyPackageWithKey } from 'ts-mls';
import type { DeviceKeys } from './deviceKeys.ts';

type Owner = { readonly deviceId: string; readonly handle: string; readonly keys: DeviceKeys };

export type KeyPackageOptions = {
  readonly lastResort?: boolean;
  /** Pads the package with a private-use extension (0xF000) to about this many bytes. */
  readonly size?: number;
  readonly suite?: Parameters<typeof loadSuite>[0];
  /** A modified client's package: no certificate in the credential, or one for another key. */
  readonly certificate?: 'none' | 'other-key';
};

/** ts-mls's default provider takes Ed25519 private keys as PKCS#8 DER. */
export function signatureKeys(keys: DeviceKeys) {
  return { signKey: new Uint8Array(keys.privateKey.export({ format: 'der', type: 'pkcs8' })), publicKey: new Uint8Array(Buffer.from(keys.publicKeyB64, 'base64url')) };
}

export async function newKeyPackages(owner: Owner, n: number, opts: KeyPackageOptions = {}): Promise<Buffer[]> {
  const impl = await loadSuite(opts.suite ?? DEFAULT_SUITE);
  const who = { handle: owner.handle as Handle, deviceId: owner.deviceId as DeviceId };
  // The relay checks that a certificate for the device's key is there, not who signed it.
  const certifiedKey = opts.certificate === 'other-key' ? newIdentityKey().publicKey : Buffer.from(signatureKeys(owner.keys).publicKey).toString('base64url');
  const credential = deviceCredential(who, opts.certificate === 'none' ? undefined : certifyDevice(newIdentityKey(), { ...who, deviceKey: certifiedKey }));
  const extensions = [
    ...(opts.lastResort ? [lastResortExtension] : []),
    // Random, not zeros: a carver looking for 32-byte pieces of a KeyPackage would find zero runs in any file.
    ...(opts.size ? [{ extensionType: 0xf000, extensionData: new Uint8Array(randomBytes(Math.max(0, opts.size - 340))) }] : []),
  ];
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const kp = await generateKeyPackageWithKey(credential, defaultCapabilities(), defaultLifetime, extensions, signatureKeys(owner.keys), impl);
    out.push(Buffer.from(encodeMlsMessage({ keyPackage: kp.publicPackage, wireformat: 'mls_key_package', version: 'mls10' })));
  }
  return out;
}
