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


// Shared with the rest of the protocol package: constant-time comparison and concatenation.
export { bytesEqual as equalBytes, concatBytes } from '../bytes.ts';
