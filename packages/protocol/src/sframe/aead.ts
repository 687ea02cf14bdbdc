/**
 * @module sframe/aead
 * The AEAD interface SFrame encrypts through, and the factory that imports a suite's key once
 * into WebCrypto so that per-frame calls only run the cipher.
 */
import type { CipherSuiteParams } from './cipher-suite.ts';
import { importGcm } from './aead-gcm.ts';
import { importCtrHmac } from './aead-ctr-hmac.ts';

export type SFrameAead = {
  readonly suite: CipherSuiteParams;
  /** Returns ciphertext || tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Takes ciphertext || tag; throws CryptoError when the tag does not verify. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
};

/** `key` is the suite's Nk-byte key; the caller may wipe it once this resolves. */
export function importAead(suite: CipherSuiteParams, key: Uint8Array): Promise<SFrameAead> {
  return suite.aead === 'gcm' ? importGcm(suite, key) : importCtrHmac(suite, key);
}
