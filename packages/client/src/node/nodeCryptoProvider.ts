/**
 * @module node/nodeCryptoProvider
 * A ts-mls CryptoProvider for Node that swaps in node:crypto where the default (WebCrypto)
 * path is slow: Node 20's WebCrypto re-imports the Ed25519 private key on every signature
 * (~25% of CPU per message), and digest/HMAC go through promises per call. KeyObjects are
 * cached per key, and the AEAD and HKDF run synchronously on node:crypto. KEM/HPKE stay on the
 * default implementation.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
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
const kdfHash = { 'HKDF-SHA256': 'sha256', 'HKDF-SHA384': 'sha384', 'HKDF-SHA512': 'sha512' } as const;
const kdfSize = { 'HKDF-SHA256': 32, 'HKDF-SHA384': 48, 'HKDF-SHA512': 64 } as const;
const aeadName = { AES128GCM: 'aes-128-gcm', AES256GCM: 'aes-256-gcm', CHACHA20POLY1305: 'chacha20-poly1305' } as const;
const TAG = 16;

/**
 * HKDF (RFC 5869) from node:crypto's HMAC. Node 20 only offers extract+expand in one call,
 * while MLS needs them apart. Checked against the default provider in nodeCryptoProvider.test.ts.
 */
function makeKdf(alg: keyof typeof kdfHash): CiphersuiteImpl['kdf'] {
  const h = kdfHash[alg];
  const size = kdfSize[alg];
  return {
    size,
    async extract(salt, ikm) {
      return new Uint8Array(createHmac(h, salt.length === 0 ? Buffer.alloc(size) : salt).update(ikm).digest());
    },
    async expand(prk, info, len) {
      const n = Math.ceil(len / size);
      if (n > 255) throw new Error('HKDF-Expand length too large');
      const out = Buffer.alloc(n * size);
      let prev: Buffer = Buffer.alloc(0);
      for (let i = 0; i < n; i++) {
        prev = createHmac(h, prk).update(prev).update(info).update(Buffer.of(i + 1)).digest();
        prev.copy(out, i * size);
      }
      return new Uint8Array(out.subarray(0, len));
    },
  };
}

function aeadEncrypt(alg: keyof typeof aeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, pt: Uint8Array): Uint8Array {
  const c = createCipheriv(aeadName[alg] as 'aes-128-gcm', key, nonce, { authTagLength: TAG });
  if (aad && aad.length > 0) c.setAAD(aad);
  return new Uint8Array(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]));
}

function aeadDecrypt(alg: keyof typeof aeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, ct: Uint8Array): Uint8Array {
  if (ct.length < TAG) throw new Error('ciphertext too short');
  const d = createDecipheriv(aeadName[alg] as 'aes-128-gcm', key, nonce, { authTagLength: TAG });
  if (aad && aad.length > 0) d.setAAD(aad);
  d.setAuthTag(ct.subarray(ct.length - TAG));
  return new Uint8Array(Buffer.concat([d.update(ct.subarray(0, ct.length - TAG)), d.final()]));
}

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
    const aead = cs.hpke.aead;
    const hpke: CiphersuiteImpl['hpke'] = Object.assign(Object.create(Object.getPrototypeOf(base.hpke) as object), base.hpke, {
      async encryptAead(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, pt: Uint8Array) {
        return aeadEncrypt(aead, key, nonce, aad, pt);
      },
      async decryptAead(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, ct: Uint8Array) {
        return aeadDecrypt(aead, key, nonce, aad, ct);
      },
    });
    const kdf = makeKdf(cs.hpke.kdf);
    if (cs.signature !== 'Ed25519') return { ...base, hash, hpke, kdf };
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
    return { ...base, hash, hpke, kdf, signature };
  },
};
