/**
 * @module varint
 * The variable-length integer of QUIC (RFC 9000 §16), which Binary HTTP (RFC 9292 §3) uses for
 * every length and the status code: the top two bits of the first byte give the length (1, 2, 4
 * or 8 bytes). Values here stay within Number.MAX_SAFE_INTEGER; nothing we carry comes close.
 */
import { DecodeError, ValidationError } from '../errors.ts';

export function varintSize(value: number): 1 | 2 | 4 | 8 {
  if (!Number.isSafeInteger(value) || value < 0) throw new ValidationError('a variable-length integer must be a non-negative safe integer');
  if (value < 0x40) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x4000_0000) return 4;
  return 8;
}

export function writeVarint(out: number[], value: number): void {
  const size = varintSize(value);
  const prefix = { 1: 0, 2: 1, 4: 2, 8: 3 }[size];
  for (let i = size - 1; i >= 0; i--) {
    // Division rather than shifts: JavaScript shifts truncate to 32 bits.
    let byte = Math.floor(value / 2 ** (8 * i)) % 256;
    if (i === size - 1) byte |= prefix << 6;
    out.push(byte);
  }
}

/** Reads one varint at `offset`; returns the value and the offset after it. */
export function readVarint(bytes: Uint8Array, offset: number): { value: number; next: number } {
  if (offset >= bytes.length) throw new DecodeError('truncated variable-length integer');
  const first = bytes[offset]!;
  const size = 1 << (first >> 6);
  if (offset + size > bytes.length) throw new DecodeError('truncated variable-length integer');
  let value = first & 0x3f;
  for (let i = 1; i < size; i++) value = value * 256 + bytes[offset + i]!;
  if (!Number.isSafeInteger(value)) throw new DecodeError('variable-length integer too large');
  return { value, next: offset + size };
}
