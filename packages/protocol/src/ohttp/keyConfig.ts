/**
 * @module keyConfig
 * The Oblivious HTTP key configuration (RFC 9458 §3.1) and the `application/ohttp-keys` list
 * of them (§3.2): what a gateway publishes so that clients can encapsulate to it.
 *
 * A list with any encoding error is refused whole, as §3.2 requires: recovering some entries
 * differently from other clients could set this client apart. Configurations for a KEM we do
 * not know are skipped (their length prefix lets us), not refused.
 */
import { DecodeError, TooLargeError, ValidationError } from '../errors.ts';

export const HpkeKemIds = { DHKEM_P256_SHA256: 0x0010, DHKEM_P384_SHA384: 0x0011, DHKEM_P521_SHA512: 0x0012, DHKEM_X25519_SHA256: 0x0020, DHKEM_X448_SHA512: 0x0021 } as const;
export const HpkeKdfIds = { HKDF_SHA256: 0x0001, HKDF_SHA384: 0x0002, HKDF_SHA512: 0x0003 } as const;
export const HpkeAeadIds = { AES_128_GCM: 0x0001, AES_256_GCM: 0x0002, CHACHA20_POLY1305: 0x0003 } as const;

/** Npk of each registered DHKEM (RFC 9180 §7.1): the key config has no length for the key. */
const PUBLIC_KEY_SIZE: Readonly<Record<number, number>> = { 0x0010: 65, 0x0011: 97, 0x0012: 133, 0x0020: 32, 0x0021: 56 };

export type SymmetricAlgorithm = { readonly kdfId: number; readonly aeadId: number };

export type KeyConfig = {
  /** 0..255; names the gateway's private key in each encapsulated request. */
  readonly keyId: number;
  readonly kemId: number;
  readonly publicKey: Uint8Array;
  /** At least one; the client picks the pair it uses. */
  readonly symmetric: readonly SymmetricAlgorithm[];
};

/** A gateway publishes a handful of keys at most (current and the one before a rotation). */
export const MAX_KEY_CONFIGS_BYTES = 64 * 1024;

function u16(out: number[], v: number): void {
  out.push((v >> 8) & 0xff, v & 0xff);
}

export function encodeKeyConfig(config: KeyConfig): Uint8Array {
  const npk = PUBLIC_KEY_SIZE[config.kemId];
  if (!Number.isInteger(config.keyId) || config.keyId < 0 || config.keyId > 255) throw new ValidationError('key id must be 0..255');
  if (npk === undefined) throw new ValidationError(`unknown HPKE KEM 0x${config.kemId.toString(16)}`);
  if (config.publicKey.length !== npk) throw new ValidationError(`public key must be ${npk} bytes for this KEM`);
  if (config.symmetric.length === 0 || config.symmetric.length > 16383) throw new ValidationError('a key config needs 1..16383 symmetric algorithms');
  const out: number[] = [config.keyId];
  u16(out, config.kemId);
  out.push(...config.publicKey);
  u16(out, config.symmetric.length * 4);
  for (const s of config.symmetric) {
    u16(out, s.kdfId);
    u16(out, s.aeadId);
  }
  return Uint8Array.from(out);
}

function readU16(bytes: Uint8Array, at: number): number {
  if (at + 2 > bytes.length) throw new DecodeError('truncated key config');
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/** One key config that fills `bytes` exactly; undefined when its KEM is not one we know. */
export function decodeKeyConfig(bytes: Uint8Array): KeyConfig | undefined {
  if (bytes.length < 3) throw new DecodeError('truncated key config');
  const keyId = bytes[0]!;
  const kemId = readU16(bytes, 1);
  const npk = PUBLIC_KEY_SIZE[kemId];
  if (npk === undefined) return undefined;
  const publicKey = bytes.slice(3, 3 + npk);
  if (publicKey.length !== npk) throw new DecodeError('truncated key config public key');
  const symLength = readU16(bytes, 3 + npk);
  const start = 5 + npk;
  if (symLength < 4 || symLength % 4 !== 0) throw new DecodeError('key config symmetric algorithms length must be a non-zero multiple of 4');
  if (start + symLength !== bytes.length) throw new DecodeError('key config length does not match its contents');
  const symmetric: SymmetricAlgorithm[] = [];
  for (let at = start; at < bytes.length; at += 4) symmetric.push({ kdfId: readU16(bytes, at), aeadId: readU16(bytes, at + 2) });
  return { keyId, kemId, publicKey, symmetric };
}

/** `application/ohttp-keys`: each config prefixed with its two-byte length. */
export function encodeKeyConfigs(configs: readonly KeyConfig[]): Uint8Array {
  const parts = configs.map(encodeKeyConfig);
  const out = new Uint8Array(parts.reduce((n, p) => n + 2 + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out[at] = p.length >> 8;
    out[at + 1] = p.length & 0xff;
    out.set(p, at + 2);
    at += 2 + p.length;
  }
  return out;
}

export function decodeKeyConfigs(bytes: Uint8Array): KeyConfig[] {
  if (bytes.length > MAX_KEY_CONFIGS_BYTES) throw new TooLargeError('ohttp key configs', bytes.length, MAX_KEY_CONFIGS_BYTES);
  if (bytes.length === 0) throw new DecodeError('an ohttp-keys list holds at least one key config');
  const configs: KeyConfig[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = readU16(bytes, at);
    if (at + 2 + length > bytes.length) throw new DecodeError('truncated ohttp-keys list');
    const config = decodeKeyConfig(bytes.subarray(at + 2, at + 2 + length));
    if (config) configs.push(config);
    at += 2 + length;
  }
  return configs;
}
