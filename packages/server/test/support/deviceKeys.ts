/**
 * @module deviceKeys
 * A device's Ed25519 key pair for tests, with the raw public key as the relay expects it.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export type DeviceKeys = { readonly publicKeyB64: string; readonly privateKey: KeyObject; sign(message: string): string };

export function newDeviceKeys(): DeviceKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  return {
    publicKeyB64: raw.toString('base64url'),
    privateKey,
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64url'),
  };
}
