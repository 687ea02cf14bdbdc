/**
 * @module signature
 * Ed25519 proof of possession for enrolment and sessions (spec §6), with node:crypto.
 */
import { createPublicKey, verify } from 'node:crypto';

/** DER SubjectPublicKeyInfo header for a raw 32-byte Ed25519 key. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function enrolMessage(nonce: string, code: string, handle: string, signaturePublicKey: string): string {
  return `hardline/v1/enrol\n${nonce}\n${code}\n${handle}\n${signaturePublicKey}`;
}

export function sessionMessage(nonce: string, deviceId: string): string {
  return `hardline/v1/session\n${nonce}\n${deviceId}`;
}

export function verifyEd25519(publicKey: Uint8Array, message: string, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(message, 'utf8'), key, signature);
  } catch {
    // A 32-byte string that is not a curve point: not a valid key, so not a valid signature.
    return false;
  }
}
