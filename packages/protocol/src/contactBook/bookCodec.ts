/**
 * @module contactBook/bookCodec
 * The book state's byte form: canonical JSON (records by id, fields in a fixed order), so equal
 * states encode to equal bytes. The decoder reads bytes another device wrote, after decryption;
 * it is bounded anyway (size, record count, every field) and throws typed errors, because a bug
 * or an old version on one device must not be able to wedge the others.
 *
 * ```
 * { "v": 1, "r": { "<id>": { "x"?: [t, c, d], "f": { "<field>": [value, t, c, d], ... } } } }
 * ```
 */
import { DecodeError, TooLargeError } from '../errors.ts';
import { CONTACT_FIELDS, CONTACT_ID_RE, ContactLimits, fieldProblem, type ContactField } from './contact.ts';
import { isHlc, type Hlc } from './hybridClock.ts';
import { normaliseRecord, type BookState, type ContactFields, type ContactRecord, type Register } from './bookState.ts';

/** 20,000 records of generous size; a real book is far smaller. */
export const MAX_BOOK_BYTES = 16 * 1024 * 1024;

type WireStamp = [number, number, string];

const stamp = (h: Hlc): WireStamp => [h.t, h.c, h.d];

export function encodeBook(state: BookState): Uint8Array {
  const r: Record<string, unknown> = {};
  for (const id of Object.keys(state.records).sort()) {
    const rec = state.records[id]!;
    const f: Record<string, unknown> = {};
    for (const name of CONTACT_FIELDS) {
      const reg = rec.fields[name];
      if (reg) f[name] = [reg.v, ...stamp(reg.at)];
    }
    r[id] = rec.deletedAt ? { x: stamp(rec.deletedAt), f } : { f };
  }
  return new TextEncoder().encode(JSON.stringify({ v: 1, r }));
}

function readStamp(v: unknown, where: string): Hlc {
  if (!Array.isArray(v) || v.length !== 3) throw new DecodeError(`${where}: bad clock`);
  const h = { t: v[0], c: v[1], d: v[2] };
  if (!isHlc(h)) throw new DecodeError(`${where}: bad clock`);
  return h;
}

function readRecord(id: string, raw: unknown): ContactRecord {
  if (!CONTACT_ID_RE.test(id)) throw new DecodeError('contact book: bad contact id');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new DecodeError('contact book: bad record');
  const o = raw as Record<string, unknown>;
  const deletedAt = o.x === undefined ? undefined : readStamp(o.x, 'contact book tombstone');
  if (o.f === null || typeof o.f !== 'object' || Array.isArray(o.f)) throw new DecodeError('contact book: bad fields');
  const fields: Partial<Record<ContactField, Register<unknown>>> = {};
  for (const [name, wire] of Object.entries(o.f as Record<string, unknown>)) {
    if (!(CONTACT_FIELDS as readonly string[]).includes(name)) throw new DecodeError(`contact book: unknown field ${name.slice(0, 32)}`);
    if (!Array.isArray(wire) || wire.length !== 4) throw new DecodeError(`contact book: bad ${name} register`);
    const field = name as ContactField;
    const problem = fieldProblem(field, wire[0]);
    if (problem) throw new DecodeError(`contact book: ${problem}`);
    fields[field] = { v: wire[0], at: readStamp(wire.slice(1), `contact book ${name}`) };
  }
  return normaliseRecord(fields as ContactFields, deletedAt);
}

export function decodeBook(bytes: Uint8Array): BookState {
  if (bytes.length > MAX_BOOK_BYTES) throw new TooLargeError('contact book', bytes.length, MAX_BOOK_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new DecodeError('contact book is not JSON', { cause });
  }
  if (raw === null || typeof raw !== 'object' || (raw as { v?: unknown }).v !== 1) throw new DecodeError('contact book: unknown version');
  const r = (raw as { r?: unknown }).r;
  if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new DecodeError('contact book: missing records');
  const entries = Object.entries(r as Record<string, unknown>);
  if (entries.length > ContactLimits.MAX_RECORDS) throw new TooLargeError('contact book record count', entries.length, ContactLimits.MAX_RECORDS);
  const records: Record<string, ContactRecord> = {};
  for (const [id, rec] of entries) records[id] = readRecord(id, rec);
  return { records };
}
