/**
 * @module sframe/mls-keys
 * SFrame keys from an MLS group, as RFC 9605 §5.2 specifies, so a call needs no key exchange
 * of its own: every member derives every sender's key from the current epoch.
 *
 *   sframe_epoch_secret = MLS-Exporter("SFrame 1.0 Secret", "", AEAD.Nh)
 *   base_key(sender)    = HKDF-Expand(sframe_epoch_secret, encode_big_endian(sender_index, 8), AEAD.Nh)
 *   KID                 = context_id << (S + E) | sender_index << E | epoch mod 2^E
 *
 * With E = 8 epoch bits and S = 16 index bits. A new epoch (someone joined, left or was
 * removed) means new keys, so a removed device cannot decrypt what follows.
 */
import { expand } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ValidationError } from '../errors.ts';

export const SFRAME_MLS_EXPORTER_LABEL = 'SFrame 1.0 Secret';
export const KID_EPOCH_BITS = 8n;
export const KID_INDEX_BITS = 16n;

export function mlsSenderKid(epoch: bigint, senderIndex: number, contextId = 0n): bigint {
  if (!Number.isInteger(senderIndex) || senderIndex < 0 || senderIndex >= 1 << Number(KID_INDEX_BITS)) {
    throw new ValidationError(`sender index ${senderIndex} does not fit ${KID_INDEX_BITS} bits`);
  }
  return (contextId << (KID_INDEX_BITS + KID_EPOCH_BITS)) | (BigInt(senderIndex) << KID_EPOCH_BITS) | (epoch & ((1n << KID_EPOCH_BITS) - 1n));
}

export function parseMlsKid(kid: bigint): { epochLow: bigint; senderIndex: number; contextId: bigint } {
  return {
    epochLow: kid & ((1n << KID_EPOCH_BITS) - 1n),
    senderIndex: Number((kid >> KID_EPOCH_BITS) & ((1n << KID_INDEX_BITS) - 1n)),
    contextId: kid >> (KID_INDEX_BITS + KID_EPOCH_BITS),
  };
}

/** `hash` is the SFrame suite's hash: SHA-256 for suites 1-4, SHA-512 for suite 5. */
export function mlsSenderBaseKey(epochSecret: Uint8Array, senderIndex: number, hash: 'SHA-256' | 'SHA-512' = 'SHA-256'): Uint8Array {
  const info = new Uint8Array(8);
  new DataView(info.buffer).setBigUint64(0, BigInt(senderIndex));
  const h = hash === 'SHA-256' ? sha256 : sha512;
  return expand(h, epochSecret, info, h.outputLen);
}
