/**
 * @module transparency/logEntry
 * What one leaf of the key-transparency log holds: a person's identity key, a device
 * certificate, or a signed revocation, in a typed, versioned, length-prefixed encoding.
 *
 *   leaf = version (1 byte, 1) || type (1 byte) || u16 len || handle
 *          || u16 len || deviceId (empty for identity keys) || u16 len || body
 *
 * The body is the identity key's 32 raw bytes, or the certificate's (revocation's) fields,
 * signature included, one per line in a fixed order. The encoding is canonical (one value, one
 * byte string), so a client recomputes the leaf from what the directory served and asks for
 * its inclusion by leaf hash; the relay cannot log one thing and serve another.
 */
import type { DeviceId, Handle } from '../brand.ts';
import { fromBase64Url, utf8 } from '../bytes.ts';
import type { DeviceCertificate } from '../identity/deviceCertificate.ts';
import type { DeviceRevocation } from '../identity/deviceRevocation.ts';
import { DecodeError, TooLargeError } from '../errors.ts';

export const LOG_ENTRY_VERSION = 1;
export const MAX_LOG_ENTRY_BYTES = 2_048;

export const LogEntryTypes = { IDENTITY_KEY: 1, DEVICE_CERTIFICATE: 2, DEVICE_REVOCATION: 3 } as const;
export type LogEntryType = (typeof LogEntryTypes)[keyof typeof LogEntryTypes];

export type LogEntry =
  | { readonly type: typeof LogEntryTypes.IDENTITY_KEY; readonly handle: Handle; readonly identityKey: Uint8Array }
  | { readonly type: typeof LogEntryTypes.DEVICE_CERTIFICATE; readonly handle: Handle; readonly deviceId: DeviceId; readonly body: string }
  | { readonly type: typeof LogEntryTypes.DEVICE_REVOCATION; readonly handle: Handle; readonly deviceId: DeviceId; readonly body: string };

export function identityKeyEntry(handle: Handle, identityKey: string): LogEntry {
  const key = fromBase64Url(identityKey, 32);
  if (key.length !== 32) throw new DecodeError('identity key must be 32 bytes');
  return { type: LogEntryTypes.IDENTITY_KEY, handle, identityKey: key };
}

export function certificateEntry(c: DeviceCertificate): LogEntry {
  const body = [c.v, c.handle, c.deviceId, c.deviceKey, c.identityKey, c.createdAt, c.signature].join('\n');
  return { type: LogEntryTypes.DEVICE_CERTIFICATE, handle: c.handle, deviceId: c.deviceId, body };
}

export function revocationEntry(r: DeviceRevocation): LogEntry {
  const body = [r.v, r.handle, r.deviceId, r.identityKey, r.revokedAt, r.signature].join('\n');
  return { type: LogEntryTypes.DEVICE_REVOCATION, handle: r.handle, deviceId: r.deviceId, body };
}

export function encodeLogEntry(e: LogEntry): Uint8Array {
  const handle = utf8.encode(e.handle);
  const deviceId = e.type === LogEntryTypes.IDENTITY_KEY ? new Uint8Array(0) : utf8.encode(e.deviceId);
  const body = e.type === LogEntryTypes.IDENTITY_KEY ? e.identityKey : utf8.encode(e.body);
  const size = 2 + 6 + handle.length + deviceId.length + body.length;
  if (size > MAX_LOG_ENTRY_BYTES) throw new TooLargeError('log entry', size, MAX_LOG_ENTRY_BYTES);
  const out = new Uint8Array(size);
  out[0] = LOG_ENTRY_VERSION;
  out[1] = e.type;
  let at = 2;
  for (const part of [handle, deviceId, body]) {
    out[at] = part.length >> 8;
    out[at + 1] = part.length & 0xff;
    out.set(part, at + 2);
    at += 2 + part.length;
  }
  return out;
}

/** Reads a leaf back; any other version, type, length or trailing byte is a DecodeError. */
export function decodeLogEntry(bytes: Uint8Array): LogEntry {
  if (bytes.length > MAX_LOG_ENTRY_BYTES) throw new TooLargeError('log entry', bytes.length, MAX_LOG_ENTRY_BYTES);
  if (bytes.length < 8) throw new DecodeError('log entry is truncated');
  if (bytes[0] !== LOG_ENTRY_VERSION) throw new DecodeError(`log entry version ${bytes[0]} is not supported`);
  const type = bytes[1];
  const parts: Uint8Array[] = [];
  let at = 2;
  for (let i = 0; i < 3; i++) {
    if (at + 2 > bytes.length) throw new DecodeError('log entry is truncated');
    const len = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + len > bytes.length) throw new DecodeError('log entry is truncated');
    parts.push(bytes.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  if (at !== bytes.length) throw new DecodeError('log entry has trailing bytes');
  const [h, d, body] = parts as [Uint8Array, Uint8Array, Uint8Array];
  const handle = decodeText(h) as Handle;
  if (handle.length === 0) throw new DecodeError('log entry has no handle');
  if (type === LogEntryTypes.IDENTITY_KEY) {
    if (d.length !== 0 || body.length !== 32) throw new DecodeError('identity key entry has a bad length');
    return { type, handle, identityKey: new Uint8Array(body) };
  }
  if (type === LogEntryTypes.DEVICE_CERTIFICATE || type === LogEntryTypes.DEVICE_REVOCATION) {
    if (d.length === 0) throw new DecodeError('device entry has no device id');
    return { type, handle, deviceId: decodeText(d) as DeviceId, body: decodeText(body) };
  }
  throw new DecodeError(`log entry type ${type} is unknown`);
}

function decodeText(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch (cause) {
    throw new DecodeError('log entry text is not UTF-8', { cause });
  }
}
