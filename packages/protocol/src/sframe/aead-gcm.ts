/**
 * @module sframe/aead-gcm
 * AES-GCM with a 128-bit tag (suites AES_128_GCM_SHA256_128 and AES_256_GCM_SHA512_128),
 * run by WebCrypto so that the browser's or OpenSSL's hardware AES does the work.
 */
import { CryptoError, ValidationError } from '../errors.ts';
import type { CipherSuiteParams } from './cipher-suite.ts';
import type { SFrameAead } from './aead.ts';
import { bufferSource, subtle } from './webcrypto.ts';

export async function importGcm(suite: CipherSuiteParams, key: Uint8Array): Promise<SFrameAead> {
  if (key.length !== suite.nk) throw new ValidationError(`${suite.name} key must be ${suite.nk} bytes`);
  const s = subtle();
  // Not extractable: once imported, the raw key cannot be read back out of this process's JS.
  const cryptoKey = await s.importKey('raw', bufferSource(key), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  const tagLength = suite.nt * 8;
  return {
    suite,
    async seal(nonce, aad, plaintext) {
      const params = { name: 'AES-GCM', iv: bufferSource(nonce), additionalData: bufferSource(aad), tagLength };
      return new Uint8Array(await s.encrypt(params, cryptoKey, bufferSource(plaintext)));
    },
    async open(nonce, aad, ciphertext) {
      if (ciphertext.length < suite.nt) throw new CryptoError('SFrame ciphertext is shorter than its tag');
      const params = { name: 'AES-GCM', iv: bufferSource(nonce), additionalData: bufferSource(aad), tagLength };
      try {
        return new Uint8Array(await s.decrypt(params, cryptoKey, bufferSource(ciphertext)));
      } catch (cause) {
        // WebCrypto reports a bad tag as a bare OperationError; give callers the stable code.
        throw new CryptoError('SFrame authentication failed', { cause });
      }
    },
  };
}
