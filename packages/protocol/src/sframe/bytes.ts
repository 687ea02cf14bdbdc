/**
 * @module sframe/bytes
 * Byte helpers the SFrame code needs: big-endian integers, concatenation, XOR and a
 * constant-time comparison. Kept here so the protocol package needs no Buffer.
 */

export const UINT64_MAX = (1n << 64n) - 1n;

/** Writes `value` big-endian into exactly `length` bytes of `out` at `offset`. */
export function writeUintBE(out: Uint8Array, offset: number, value: bigint, length: number): void {
  let v = value;
  for (let i = offset + length - 1; i >= offset; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

export function uintToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  writeUintBE(out, 0, value, length);
  return out;
}

export function readUintBE(bytes: Uint8Array, offset: number, length: number): bigint {
  let v = 0n;
  for (let i = offset; i < offset + length; i++) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  return v;
}

/** Smallest number of bytes (at least 1) that holds `value`. */
export function minByteLength(value: bigint): number {
  let n = 1;
  for (let v = value >> 8n; v > 0n; v >>= 8n) n++;
  return n;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Compares in time that depends only on the length, so a forger cannot learn how many leading
 * tag bytes were right from how fast the rejection came back.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
