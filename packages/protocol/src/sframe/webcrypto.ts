/**
 * @module sframe/webcrypto
 * The WebCrypto handle and its key type, reached through globalThis so the protocol package
 * runs in browsers and in Node 20 without importing `node:crypto` (whose typings are the only
 * place the CryptoKey type is declared when the DOM lib is off).
 */
import { HardlineError, ErrorCodes } from '../errors.ts';

export type Subtle = typeof globalThis.crypto.subtle;
export type WebCryptoKey = Awaited<ReturnType<Subtle['importKey']>>;

export function subtle(): Subtle {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) {
    // Browsers hide crypto.subtle outside secure contexts (plain http).
    throw new HardlineError(ErrorCodes.UNAVAILABLE, 'WebCrypto (crypto.subtle) is not available here');
  }
  return s;
}

function isArrayBufferBacked(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer;
}

/**
 * WebCrypto's typings (and some engines) refuse views over a SharedArrayBuffer. Ordinary views
 * pass through without a copy, which is the per-frame case; shared ones are copied.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return isArrayBufferBacked(bytes) ? bytes : bytes.slice();
}
