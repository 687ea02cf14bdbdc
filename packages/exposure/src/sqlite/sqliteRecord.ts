/**
 * @module sqlite/sqliteRecord
 * SQLite's varints and record format (https://www.sqlite.org/fileformat2.html#record_format):
 * a header of serial types, then the values. Bounded: a header or value that runs past its
 * payload is a PARSE error.
 */
import { ExposureError } from '../exposureError.ts';

export type SqlValue = null | number | string | Uint8Array;

/** A big-endian varint of 1 to 9 bytes at `at`; returns it and the offset after it. */
export function readVarint(b: Uint8Array, at: number, label: string): [bigint, number] {
  let v = 0n;
  for (let i = 0; i < 9; i++) {
    if (at + i >= b.length) throw new ExposureError('PARSE', `${label}: damaged SQLite database (a varint runs past the end)`);
    const byte = b[at + i]!;
    if (i === 8) return [(v << 8n) | BigInt(byte), at + 9];
    v = (v << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return [v, at + i + 1];
  }
  throw new Error('unreachable');
}

export function decodeRecord(p: Uint8Array, text: TextDecoder, label: string): SqlValue[] {
  const bad = (what: string) => new ExposureError('PARSE', `${label}: damaged SQLite database (${what})`);
  const [headerSize, first] = readVarint(p, 0, label);
  if (headerSize > BigInt(p.length)) throw bad('a record header longer than its row');
  const types: number[] = [];
  for (let at = first; at < Number(headerSize);) {
    const [t, next] = readVarint(p, at, label);
    types.push(Number(t));
    at = next;
  }
  const values: SqlValue[] = [];
  let at = Number(headerSize);
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  for (const t of types) {
    const len = t >= 12 ? (t - 12) >> 1 : [0, 1, 2, 3, 4, 6, 8, 8, 0, 0][t] ?? -1;
    if (len < 0) throw bad(`serial type ${t}`);
    if (at + len > p.length) throw bad('a value runs past its row');
    if (t === 0) values.push(null);
    else if (t === 8 || t === 9) values.push(t - 8);
    else if (t === 7) values.push(view.getFloat64(at));
    else if (t <= 6) {
      let v = BigInt.asIntN(8, BigInt(p[at]!));
      for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(p[at + i]!);
      values.push(Number(BigInt.asIntN(len * 8, v)));
    } else if (t % 2 === 0) values.push(p.slice(at, at + len));
    else values.push(text.decode(p.subarray(at, at + len)));
    at += len;
  }
  return values;
}
