/**
 * @module sframe/aead-ctr-hmac
 * The AES-CTR + HMAC AEAD of RFC 9605 §4.5.1, for the AES_128_CTR_HMAC_SHA256_{80,64,32}
 * suites. The key is enc_key (Nka bytes) || auth_key; the tag is HMAC over
 *   len(aad) || len(ct) || Nt (8 bytes each, big-endian) || nonce || aad || ct
 * truncated to Nt bytes, and AES-CTR starts from nonce || 0x00000000.
 */
import { CryptoError, ValidationError } from '../errors.ts';
import { equalBytes, writeUintBE } from './bytes.ts';
import type { CipherSuiteParams } from './cipher-suite.ts';
import type { SFrameAead } from './aead.ts';
import { bufferSource, subtle, type WebCryptoKey } from './webcrypto.ts';

export async function importCtrHmac(suite: CipherSuiteParams, key: Uint8Array): Promise<SFrameAead> {
  if (key.length !== suite.nk) throw new ValidationError(`${suite.name} key must be ${suite.nk} bytes`);
  const s = subtle();
  const encKey = await s.importKey('raw', bufferSource(key.subarray(0, suite.nka)), { name: 'AES-CTR' }, false, [
    'encrypt',
    'decrypt',
  ]);
  const authKey = await s.importKey('raw', bufferSource(key.subarray(suite.nka)), { name: 'HMAC', hash: suite.hash }, false, [
    'sign',
  ]);

  const ctr = (nonce: Uint8Array) => {
    const block = new Uint8Array(16);
    block.set(nonce);
    // Only the last 32 bits count up; frames are bounded far below 2^32 blocks.
    return { name: 'AES-CTR', counter: block, length: 32 };
  };

  const tag = async (nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array) =>
    computeTag(authKey, suite.nt, nonce, aad, ct);

  return {
    suite,
    async seal(nonce, aad, plaintext) {
      const ct = new Uint8Array(await s.encrypt(ctr(nonce), encKey, bufferSource(plaintext)));
      const t = await tag(nonce, aad, ct);
      const out = new Uint8Array(ct.length + t.length);
      out.set(ct);
      out.set(t, ct.length);
      return out;
    },
    async open(nonce, aad, ciphertext) {
      if (ciphertext.length < suite.nt) throw new CryptoError('SFrame ciphertext is shorter than its tag');
      const ct = ciphertext.subarray(0, ciphertext.length - suite.nt);
      const received = ciphertext.subarray(ciphertext.length - suite.nt);
      // Verify before decrypting, so no unauthenticated plaintext ever exists.
      if (!equalBytes(await tag(nonce, aad, ct), received)) throw new CryptoError('SFrame authentication failed');
      return new Uint8Array(await s.decrypt(ctr(nonce), encKey, bufferSource(ct)));
    },
  };
}

async function computeTag(
  authKey: WebCryptoKey,
  nt: number,
  nonce: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
): Promise<Uint8Array> {
  const data = new Uint8Array(24 + nonce.length + aad.length + ct.length);
  writeUintBE(data, 0, BigInt(aad.length), 8);
  writeUintBE(data, 8, BigInt(ct.length), 8);
  writeUintBE(data, 16, BigInt(nt), 8);
  data.set(nonce, 24);
  data.set(aad, 24 + nonce.length);
  data.set(ct, 24 + nonce.length + aad.length);
  const mac = await subtle().sign('HMAC', authKey, data);
  return new Uint8Array(mac, 0, nt);
}
