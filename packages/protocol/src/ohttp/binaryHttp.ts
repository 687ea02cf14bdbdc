/**
 * @module binaryHttp
 * Binary HTTP (RFC 9292), the known-length form only: the plaintext inside an Oblivious HTTP
 * request or response (RFC 9458 §4). We carry what the relay's anonymous routes need (method,
 * scheme, authority, path, header fields, content) and nothing of HTTP/1.1 framing.
 *
 * Encoding truncates the trailing empty sections, as RFC 9292 §3.8 allows, so a bare GET is
 * as short as the RFC 9458 example. Decoding accepts truncation and zero padding (§3.8),
 * skips informational (1xx) responses (§3.5.1), reads trailers and drops them (nothing here
 * uses them), and refuses the indeterminate-length forms, which nobody here sends. Method,
 * control data and field lines must be UTF-8 text: RFC 9292 allows any octets in a value, but
 * everything the relay's routes read is ASCII, and a refusal is safer than a guess.
 */
import { utf8 } from '../bytes.ts';
import { DecodeError, TooLargeError, ValidationError } from '../errors.ts';
import { readVarint, writeVarint } from './varint.ts';

/** A header field: lower-case name, value. Repeated names stay as separate lines, in order. */
export type BinaryHttpField = readonly [name: string, value: string];

export type BinaryHttpRequest = {
  readonly method: string;
  readonly scheme: string;
  readonly authority: string;
  readonly path: string;
  readonly headers: readonly BinaryHttpField[];
  readonly body: Uint8Array;
};

export type BinaryHttpResponse = {
  /** The final status, 200..599. */
  readonly status: number;
  readonly headers: readonly BinaryHttpField[];
  readonly body: Uint8Array;
};

const KNOWN_LENGTH_REQUEST = 0;
const KNOWN_LENGTH_RESPONSE = 1;
/** Bounds a field section, so a small message cannot claim thousands of header lines. */
export const MAX_FIELD_SECTION = 16 * 1024;
export const MAX_FIELDS = 64;

// RFC 9110 §5.6.2 tchar, less the upper case, which RFC 9292 §3.6 makes invalid in a name.
const FIELD_NAME = /^[a-z0-9!#$%&'*+\-.^_`|~]+$/;
// RFC 9110 §5.5: no control characters other than tab, and no leading or trailing whitespace.
const FIELD_VALUE = /^(?:[^\0-\x08\x0a-\x1f\x7f\s](?:[^\0-\x08\x0a-\x1f\x7f]*[^\0-\x08\x0a-\x1f\x7f\s])?)?$/;
const METHOD = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

function checkField([name, value]: BinaryHttpField): void {
  if (!FIELD_NAME.test(name)) throw new ValidationError('a header field name must be a lower-case token');
  if (!FIELD_VALUE.test(value)) throw new ValidationError(`header field ${name} has a value with control characters or surrounding spaces`);
}

function writeBytes(out: number[], bytes: Uint8Array): void {
  writeVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

function writeFields(out: number[], fields: readonly BinaryHttpField[]): void {
  const section: number[] = [];
  for (const field of fields) {
    checkField(field);
    writeBytes(section, utf8.encode(field[0]));
    writeBytes(section, utf8.encode(field[1]));
  }
  writeVarint(out, section.length);
  for (const b of section) out.push(b);
}

/** Header section and content; both, or just the content, are left off when empty (§3.8). */
function writeTail(out: number[], headers: readonly BinaryHttpField[], body: Uint8Array): Uint8Array {
  if (headers.length > 0 || body.length > 0) writeFields(out, headers);
  const head = Uint8Array.from(out);
  if (body.length === 0) return head;
  const len: number[] = [];
  writeVarint(len, body.length);
  // The trailer section is empty and so truncated: content is the last thing in the message.
  const whole = new Uint8Array(head.length + len.length + body.length);
  whole.set(head);
  whole.set(len, head.length);
  whole.set(body, head.length + len.length);
  return whole;
}

export function encodeBinaryHttpRequest(req: BinaryHttpRequest): Uint8Array {
  if (!METHOD.test(req.method)) throw new ValidationError('the method must be a token');
  const out: number[] = [];
  writeVarint(out, KNOWN_LENGTH_REQUEST);
  for (const part of [req.method, req.scheme, req.authority, req.path]) writeBytes(out, utf8.encode(part));
  return writeTail(out, req.headers, req.body);
}

export function encodeBinaryHttpResponse(res: BinaryHttpResponse): Uint8Array {
  if (!Number.isInteger(res.status) || res.status < 200 || res.status > 599) throw new ValidationError('a final status must be 200..599');
  const out: number[] = [];
  writeVarint(out, KNOWN_LENGTH_RESPONSE);
  writeVarint(out, res.status);
  return writeTail(out, res.headers, res.body);
}

/** A cursor over untrusted bytes; every read is bounds-checked. */
class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.offset >= this.bytes.length;
  }
  varint(): number {
    const { value, next } = readVarint(this.bytes, this.offset);
    this.offset = next;
    return value;
  }
  take(n: number): Uint8Array {
    if (n > this.bytes.length - this.offset) throw new DecodeError('binary HTTP length runs past the message');
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  lengthPrefixed(): Uint8Array {
    return this.take(this.varint());
  }
}

function text(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new DecodeError('binary HTTP text is not UTF-8', { cause });
  }
}

function readFields(r: Reader): BinaryHttpField[] {
  if (r.done) return [];
  const length = r.varint();
  if (length > MAX_FIELD_SECTION) throw new TooLargeError('binary HTTP field section', length, MAX_FIELD_SECTION);
  const section = new Reader(r.take(length));
  const fields: BinaryHttpField[] = [];
  while (!section.done) {
    if (fields.length === MAX_FIELDS) throw new TooLargeError('binary HTTP field count', fields.length + 1, MAX_FIELDS);
    const field: BinaryHttpField = [text(section.lengthPrefixed()), text(section.lengthPrefixed())];
    try {
      checkField(field);
    } catch (cause) {
      throw new DecodeError('binary HTTP message has an invalid field line', { cause });
    }
    fields.push(field);
  }
  return fields;
}

/** Content, then the trailer section (read and dropped), then padding that must be all zeros. */
function readRest(r: Reader): Uint8Array {
  const body = r.done ? new Uint8Array(0) : r.lengthPrefixed();
  readFields(r);
  for (let i = r.offset; i < r.bytes.length; i++) if (r.bytes[i] !== 0) throw new DecodeError('binary HTTP padding must be zero bytes');
  return body.slice();
}

function framing(r: Reader, expected: number, what: string): void {
  const indicator = r.varint();
  if (indicator === expected) return;
  if (indicator === expected + 2) throw new DecodeError(`indeterminate-length binary HTTP ${what}s are not supported`);
  throw new DecodeError(`not a known-length binary HTTP ${what} (framing indicator ${indicator})`);
}

export function decodeBinaryHttpRequest(bytes: Uint8Array): BinaryHttpRequest {
  const r = new Reader(bytes);
  framing(r, KNOWN_LENGTH_REQUEST, 'request');
  const method = text(r.lengthPrefixed());
  if (!METHOD.test(method)) throw new DecodeError('binary HTTP method is not a token');
  const scheme = text(r.lengthPrefixed());
  const authority = text(r.lengthPrefixed());
  const path = text(r.lengthPrefixed());
  const headers = readFields(r);
  return { method, scheme, authority, path, headers, body: readRest(r) };
}

export function decodeBinaryHttpResponse(bytes: Uint8Array): BinaryHttpResponse {
  const r = new Reader(bytes);
  framing(r, KNOWN_LENGTH_RESPONSE, 'response');
  let status = r.varint();
  // Informational responses come first, each with its own field section (§3.5.1).
  while (status >= 100 && status < 200) {
    readFields(r);
    status = r.varint();
  }
  if (status < 200 || status > 599) throw new DecodeError(`binary HTTP status ${status} is out of range`);
  const headers = readFields(r);
  return { status, headers, body: readRest(r) };
}
