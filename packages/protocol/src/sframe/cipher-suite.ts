/**
 * @module sframe/cipher-suite
 * The SFrame cipher suites of RFC 9605 §4.5 and §8.1, with the sizes each one fixes:
 * Nh (hash output), Nka (AES key inside a CTR+HMAC key), Nk (key), Nn (nonce), Nt (tag).
 */
import { ValidationError } from '../errors.ts';

export const CipherSuites = {
  AES_128_CTR_HMAC_SHA256_80: 0x0001,
  AES_128_CTR_HMAC_SHA256_64: 0x0002,
  AES_128_CTR_HMAC_SHA256_32: 0x0003,
  AES_128_GCM_SHA256_128: 0x0004,
  AES_256_GCM_SHA512_128: 0x0005,
} as const;

export type CipherSuiteId = (typeof CipherSuites)[keyof typeof CipherSuites];

export type CipherSuiteParams = {
  readonly id: CipherSuiteId;
  readonly name: keyof typeof CipherSuites;
  /** 'gcm' runs AES-GCM; 'ctr-hmac' runs the AES-CTR + truncated HMAC AEAD of §4.5.1. */
  readonly aead: 'gcm' | 'ctr-hmac';
  readonly hash: 'SHA-256' | 'SHA-512';
  /** Hash output size in bytes, used by HKDF. */
  readonly nh: number;
  /** AES key size; for CTR+HMAC only the first Nka bytes of the key. */
  readonly nka: number;
  readonly nk: number;
  readonly nn: number;
  readonly nt: number;
};

const table: Readonly<Record<CipherSuiteId, CipherSuiteParams>> = {
  [CipherSuites.AES_128_CTR_HMAC_SHA256_80]: {
    id: CipherSuites.AES_128_CTR_HMAC_SHA256_80, name: 'AES_128_CTR_HMAC_SHA256_80',
    aead: 'ctr-hmac', hash: 'SHA-256', nh: 32, nka: 16, nk: 48, nn: 12, nt: 10,
  },
  [CipherSuites.AES_128_CTR_HMAC_SHA256_64]: {
    id: CipherSuites.AES_128_CTR_HMAC_SHA256_64, name: 'AES_128_CTR_HMAC_SHA256_64',
    aead: 'ctr-hmac', hash: 'SHA-256', nh: 32, nka: 16, nk: 48, nn: 12, nt: 8,
  },
  [CipherSuites.AES_128_CTR_HMAC_SHA256_32]: {
    id: CipherSuites.AES_128_CTR_HMAC_SHA256_32, name: 'AES_128_CTR_HMAC_SHA256_32',
    aead: 'ctr-hmac', hash: 'SHA-256', nh: 32, nka: 16, nk: 48, nn: 12, nt: 4,
  },
  [CipherSuites.AES_128_GCM_SHA256_128]: {
    id: CipherSuites.AES_128_GCM_SHA256_128, name: 'AES_128_GCM_SHA256_128',
    aead: 'gcm', hash: 'SHA-256', nh: 32, nka: 16, nk: 16, nn: 12, nt: 16,
  },
  [CipherSuites.AES_256_GCM_SHA512_128]: {
    id: CipherSuites.AES_256_GCM_SHA512_128, name: 'AES_256_GCM_SHA512_128',
    aead: 'gcm', hash: 'SHA-512', nh: 64, nka: 32, nk: 32, nn: 12, nt: 16,
  },
};

export function isCipherSuiteId(id: number): id is CipherSuiteId {
  return Object.hasOwn(table, id);
}

/** Looks up a suite; an id outside the table (e.g. a peer's unknown suite) is a ValidationError. */
export function cipherSuite(id: number): CipherSuiteParams {
  if (!isCipherSuiteId(id)) throw new ValidationError(`unsupported SFrame cipher suite 0x${id.toString(16)}`);
  return table[id];
}
