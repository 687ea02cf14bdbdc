/**
 * @module jsonBody
 * Typed access to untrusted JSON bodies: every field is checked for type and length, and every
 * failure is a DECODE or VALIDATION error with the field's name, never a TypeError.
 */
import { DecodeError, ValidationError } from '@hardline/protocol';

export type JsonObject = Readonly<Record<string, unknown>>;

export function parseJsonObject(body: Buffer): JsonObject {
  // An empty body stands for {} so that bodiless POSTs (challenges, link codes) just work.
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new DecodeError('body is not valid JSON', { cause: e });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DecodeError('body must be a JSON object');
  return v as JsonObject;
}

export function requireString(o: JsonObject, key: string, maxLength: number): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ValidationError(`${key} must be a string`);
  if (v.length === 0 || v.length > maxLength) throw new ValidationError(`${key} must be 1 to ${maxLength} characters`);
  return v;
}

export function optionalString(o: JsonObject, key: string, maxLength: number): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : requireString(o, key, maxLength);
}

export function requireBase64Url(o: JsonObject, key: string, expectedBytes?: number, maxBytes = 1 << 16): Buffer {
  const v = o[key];
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(v) || v.length > Math.ceil((maxBytes * 4) / 3) + 2) {
    throw new DecodeError(`${key} must be base64url`);
  }
  const bytes = Buffer.from(v, 'base64url');
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) throw new DecodeError(`${key} must be ${expectedBytes} bytes`);
  return bytes;
}
