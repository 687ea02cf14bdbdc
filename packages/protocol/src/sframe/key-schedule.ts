/**
 * @module sframe/key-schedule
 * Derivation of sframe_key and sframe_salt from a base_key (RFC 9605 §4.4.2):
 *   sframe_secret = HKDF-Extract("", base_key)
 *   sframe_key    = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret key "  || KID || suite, Nk)
 *   sframe_salt   = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret salt " || KID || suite, Nn)
 * with KID as 8 bytes and the suite id as 2 bytes, both big-endian.
 * Runs once per key, not per frame, so the synchronous noble HKDF is fine here and lets the
 * intermediate values be checked against the RFC's vectors.
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ValidationError } from '../errors.ts';
import { UINT64_MAX, concatBytes, uintToBytes } from './bytes.ts';
import type { CipherSuiteParams } from './cipher-suite.ts';

const KEY_LABEL = new TextEncoder().encode('SFrame 1.0 Secret key ');
const SALT_LABEL = new TextEncoder().encode('SFrame 1.0 Secret salt ');

export type SFrameKeyMaterial = {
  readonly secret: Uint8Array;
  readonly keyLabel: Uint8Array;
  readonly saltLabel: Uint8Array;
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
};

export function deriveKeyMaterial(suite: CipherSuiteParams, kid: bigint, baseKey: Uint8Array): SFrameKeyMaterial {
  if (kid < 0n || kid > UINT64_MAX) throw new ValidationError('SFrame KID must be a 64-bit unsigned integer');
  if (baseKey.length === 0) throw new ValidationError('SFrame base_key is empty');
  const hash = suite.hash === 'SHA-256' ? sha256 : sha512;
  const context = concatBytes(uintToBytes(kid, 8), uintToBytes(BigInt(suite.id), 2));
  const keyLabel = concatBytes(KEY_LABEL, context);
  const saltLabel = concatBytes(SALT_LABEL, context);
  // The RFC's empty salt: noble then uses HashLen zero bytes, which HMAC treats the same.
  const secret = extract(hash, baseKey);
  const key = expand(hash, secret, keyLabel, suite.nk);
  const salt = expand(hash, secret, saltLabel, suite.nn);
  return { secret, keyLabel, saltLabel, key, salt };
}
