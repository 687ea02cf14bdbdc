/**
 * @module sframe/call-secret
 * Per-call SFrame keys. RFC 9605 §5.2 derives a sender's base_key from the MLS epoch alone, so
 * two calls in one epoch would give a sender the same key and KID; each call starts a fresh
 * SFrame context whose counter starts at 0, and the second call would repeat the first call's
 * (key, nonce) pairs, which lets anyone holding both recordings XOR the plaintexts out.
 *
 * So every call gets its own secret, from the epoch's exporter value and the call id the caller
 * drew at random and sent in the (MLS-protected) ring:
 *
 *   call_secret = HKDF-Expand(sframe_epoch_secret, "Hardline SFrame 1.0 call " || call_id, Nh)
 *   base_key    = HKDF-Expand(call_secret, encode_big_endian(sender_index, 8), Nh)   (§5.2, unchanged)
 *
 * The label is longer than the 8-byte sender index info, so a call secret is never also some
 * sender's base_key. Every member derives the same call secret from the same ring, so a call
 * still needs no key exchange of its own, and the per-sender derivation below it is the RFC's.
 */
import { expand } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { utf8 } from '../bytes.ts';
import { ValidationError } from '../errors.ts';

export const SFRAME_CALL_LABEL = 'Hardline SFrame 1.0 call ';
/**
 * A call id carries the freshness that keeps keys apart, so a short one is refused: 16 hex
 * characters are 64 random bits. The app draws 12 bytes (24 hex characters).
 */
export const MIN_CALL_ID_LENGTH = 16;
export const MAX_CALL_ID_LENGTH = 64;

export function mlsCallSecret(epochSecret: Uint8Array, callId: string, hash: 'SHA-256' | 'SHA-512' = 'SHA-256'): Uint8Array {
  if (typeof callId !== 'string' || callId.length < MIN_CALL_ID_LENGTH || callId.length > MAX_CALL_ID_LENGTH || !/^[0-9a-f]+$/.test(callId)) {
    throw new ValidationError(`call id must be ${MIN_CALL_ID_LENGTH}-${MAX_CALL_ID_LENGTH} lowercase hex characters`);
  }
  if (epochSecret.length === 0) throw new ValidationError('SFrame epoch secret is empty');
  const h = hash === 'SHA-256' ? sha256 : sha512;
  const info = new Uint8Array([...utf8.encode(SFRAME_CALL_LABEL), ...utf8.encode(callId)]);
  return expand(h, epochSecret, info, h.outputLen);
}
