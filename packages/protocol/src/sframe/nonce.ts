/**
 * @module sframe/nonce
 * Per-frame nonce (RFC 9605 §4.4.3): sframe_salt XOR CTR, with CTR written big-endian into the
 * last bytes of an Nn-byte string. A CTR is never reused under one key, so nonces never repeat.
 */
import { writeUintBE } from './bytes.ts';

export function formNonce(salt: Uint8Array, ctr: bigint): Uint8Array {
  const nonce = new Uint8Array(salt.length);
  // CTR is at most 8 bytes; Nn is 12 for every suite, so the top bytes stay as the salt's.
  writeUintBE(nonce, salt.length - 8, ctr, 8);
  for (let i = 0; i < nonce.length; i++) nonce[i] = (nonce[i] ?? 0) ^ (salt[i] ?? 0);
  return nonce;
}
