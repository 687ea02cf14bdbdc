/**
 * @module sframe/header
 * The SFrame header of RFC 9605 §4.3: one config byte |X|K|K|K|Y|C|C|C| followed by the KID
 * and CTR fields. A value below 8 sits in K or C itself (X or Y = 0); otherwise K or C holds the
 * field's length minus one (X or Y = 1) and the value follows big-endian, KID before CTR.
 */
import { DecodeError, ValidationError } from '../errors.ts';
import { UINT64_MAX, minByteLength, readUintBE, writeUintBE } from './bytes.ts';

/** 1 config byte + up to 8 KID bytes + up to 8 CTR bytes. */
export const MAX_HEADER_SIZE = 17;

export type SFrameHeader = {
  readonly kid: bigint;
  readonly ctr: bigint;
};

export type DecodedHeader = SFrameHeader & {
  /** Number of bytes the header took; the AEAD ciphertext starts here. */
  readonly size: number;
};

function checkUint64(what: string, v: bigint): void {
  if (v < 0n || v > UINT64_MAX) throw new ValidationError(`SFrame ${what} must be a 64-bit unsigned integer`);
}

/** Size in bytes of the encoded field; 0 when the value fits in the config byte. */
function fieldLength(v: bigint): number {
  return v < 8n ? 0 : minByteLength(v);
}

export function encodeHeader(header: SFrameHeader): Uint8Array {
  const { kid, ctr } = header;
  checkUint64('KID', kid);
  checkUint64('CTR', ctr);
  const kidLen = fieldLength(kid);
  const ctrLen = fieldLength(ctr);
  const out = new Uint8Array(1 + kidLen + ctrLen);
  const kidBits = kidLen === 0 ? Number(kid) : 0x08 | (kidLen - 1);
  const ctrBits = ctrLen === 0 ? Number(ctr) : 0x08 | (ctrLen - 1);
  out[0] = (kidBits << 4) | ctrBits;
  if (kidLen > 0) writeUintBE(out, 1, kid, kidLen);
  if (ctrLen > 0) writeUintBE(out, 1 + kidLen, ctr, ctrLen);
  return out;
}

/**
 * Reads the header at the start of `bytes`; whatever follows is left to the caller. At most
 * MAX_HEADER_SIZE bytes are read, so the input's length needs no bound here.
 * Non-minimal encodings are accepted: the receiver authenticates the header bytes exactly as
 * they arrived, so a re-encoded header cannot pass the AEAD check anyway.
 */
export function decodeHeader(bytes: Uint8Array): DecodedHeader {
  const config = bytes[0];
  if (config === undefined) throw new DecodeError('SFrame header is empty');
  const k = (config >> 4) & 0x07;
  const c = config & 0x07;
  const kidLen = config & 0x80 ? k + 1 : 0;
  const ctrLen = config & 0x08 ? c + 1 : 0;
  const size = 1 + kidLen + ctrLen;
  if (bytes.length < size) {
    throw new DecodeError(`SFrame header needs ${size} bytes, got ${bytes.length}`);
  }
  const kid = kidLen === 0 ? BigInt(k) : readUintBE(bytes, 1, kidLen);
  const ctr = ctrLen === 0 ? BigInt(c) : readUintBE(bytes, 1 + kidLen, ctrLen);
  return { kid, ctr, size };
}
