/**
 * @module sframe/frame
 * Stateless SFrame encryption and decryption of one frame (RFC 9605 §4.4.3, §4.4.4):
 *   nonce = sframe_salt XOR CTR,  aad = header || metadata,  output = header || AEAD(...)
 * Counter choice and replay checks belong to the caller (see context.ts).
 */
import { DecodeError, TooLargeError, ValidationError } from '../errors.ts';
import { encodeHeader, decodeHeader, type DecodedHeader } from './header.ts';
import { formNonce } from './nonce.ts';
import type { SFrameKey } from './sframe-key.ts';

/** Default bound on one SFrame ciphertext: room for a large video key frame, not for abuse. */
export const MAX_SFRAME_SIZE = 1 << 20;
/** Bound on metadata; it is application data such as an RTP header, so small. */
export const MAX_METADATA_SIZE = 1 << 16;

const EMPTY = new Uint8Array(0);

function buildAad(header: Uint8Array, metadata: Uint8Array): Uint8Array {
  const aad = new Uint8Array(header.length + metadata.length);
  aad.set(header);
  aad.set(metadata, header.length);
  return aad;
}

function checkMetadata(metadata: Uint8Array): void {
  if (metadata.length > MAX_METADATA_SIZE) throw new TooLargeError('SFrame metadata', metadata.length, MAX_METADATA_SIZE);
}

export async function encryptFrame(
  key: SFrameKey,
  ctr: bigint,
  plaintext: Uint8Array,
  metadata: Uint8Array = EMPTY,
): Promise<Uint8Array> {
  checkMetadata(metadata);
  if (plaintext.length > MAX_SFRAME_SIZE) throw new TooLargeError('SFrame plaintext', plaintext.length, MAX_SFRAME_SIZE);
  const header = encodeHeader({ kid: key.kid, ctr });
  const sealed = await key.aead.seal(formNonce(key.salt, ctr), buildAad(header, metadata), plaintext);
  const out = new Uint8Array(header.length + sealed.length);
  out.set(header);
  out.set(sealed, header.length);
  return out;
}

/**
 * Decrypts a frame whose header the caller already decoded (to find `key` by KID). The header
 * bytes are authenticated exactly as received.
 */
export async function openFrame(
  key: SFrameKey,
  header: DecodedHeader,
  frame: Uint8Array,
  metadata: Uint8Array = EMPTY,
): Promise<Uint8Array> {
  checkMetadata(metadata);
  if (header.kid !== key.kid) throw new ValidationError('SFrame header KID does not match the key');
  if (frame.length - header.size < key.suite.nt) throw new DecodeError('SFrame ciphertext is shorter than its tag');
  const aad = buildAad(frame.subarray(0, header.size), metadata);
  return key.aead.open(formNonce(key.salt, header.ctr), aad, frame.subarray(header.size));
}

export type DecryptedFrame = {
  readonly kid: bigint;
  readonly ctr: bigint;
  readonly plaintext: Uint8Array;
};

/** Decodes the header and decrypts in one step, for callers that hold a single key. */
export async function decryptFrame(
  key: SFrameKey,
  frame: Uint8Array,
  metadata: Uint8Array = EMPTY,
  maxSize: number = MAX_SFRAME_SIZE,
): Promise<DecryptedFrame> {
  if (frame.length > maxSize) throw new TooLargeError('SFrame ciphertext', frame.length, maxSize);
  const header = decodeHeader(frame);
  const plaintext = await openFrame(key, header, frame, metadata);
  return { kid: header.kid, ctr: header.ctr, plaintext };
}
