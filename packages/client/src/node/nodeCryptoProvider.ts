/**
 * @module node/nodeCryptoProvider
 * A ts-mls CryptoProvider for Node that swaps in node:crypto where the default (WebCrypto)
 * path is slow: Node 20's WebCrypto re-imports the Ed25519 private key on every signature
 * (~25% of CPU per message), and digest/HMAC go through promises per call. KeyObjects are
 * cached per key. KEM/HPKE and the AEAD stay on the default implementation.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { Ciphersuite, CiphersuiteImpl, CryptoProvider } from 'ts-mls';
import { defaultCryptoProvider } from 'ts-mls';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

const privateCache = new Map<string, KeyObject>();
const publicCache = new Map<string, KeyObject>();

function cached(cache: Map<string, KeyObject>, key: Uint8Array, make: () => KeyObject): KeyObject {
  const id = Buffer.from(key).toString('base64');
  let k = cache.get(id);
  if (!k) {
    k = make();
    if (cache.size > 1024) cache.clear();
    cache.set(id, k);
  }
  return k;
}

export function ed25519PrivateKey(signKey: Uint8Array): KeyObject {
  return cached(privateCache, signKey, () =>
    createPrivateKey({
      key: signKey.length === 32 ? Buffer.concat([PKCS8_ED25519, signKey]) : Buffer.from(signKey),
      format: 'der',
      type: 'pkcs8',
    }),
  );
}

function ed25519PublicKey(pub: Uint8Array): KeyObject {
  return cached(publicCache, pub, () => createPublicKey({ key: Buffer.concat([SPKI_ED25519, pub]), format: 'der', type: 'spki' }));
}

const hashName = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;

export const nodeCryptoProvider: CryptoProvider = {
  async getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
    const base = await defaultCryptoProvider.getCiphersuiteImpl(cs);
    const h = hashName[cs.hash];
    const hash: CiphersuiteImpl['hash'] = {
      async digest(data) {
        return new Uint8Array(createHash(h).update(data).digest());
      },
      async mac(key, data) {
        return new Uint8Array(createHmac(h, key).update(data).digest());
      },
      async verifyMac(key, mac, data) {
        const expected = createHmac(h, key).update(data).digest();
        return expected.length === mac.length && timingSafeEqual(expected, mac);
      },
    };
    if (cs.signature !== 'Ed25519') return { ...base, hash };
    const signature: CiphersuiteImpl['signature'] = {
      async sign(signKey, message) {
        return new Uint8Array(sign(null, message, ed25519PrivateKey(signKey)));
      },
      async verify(publicKey, message, sig) {
        if (publicKey.length !== 32) return false;
        try {
          return verify(null, message, ed25519PublicKey(publicKey), sig);
        } catch {
          return false;
        }
      },
      async keygen() {
        const { publicKey, privateKey } = generateKeyPairSync('ed25519');
        const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
        const priv = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519.length);
        return { publicKey: new Uint8Array(pub), signKey: new Uint8Array(priv) };
      },
    };
    return { ...base, hash, signature };
  },
};
