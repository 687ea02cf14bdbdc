/**
 * @module capabilityBytes
 * 32-byte values in JSON (read capabilities, their hashes): accepted as 64 hex characters or
 * 43 base64url characters. The two lengths cannot be confused, so both are unambiguous.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DecodeError, type MailboxId, type EnvelopeId } from '@hardline/protocol';

const HEX32 = /^[0-9a-fA-F]{64}$/;
const B64URL32 = /^[A-Za-z0-9_-]{43}=?$/;
const HEX16 = /^[0-9a-f]{32}$/;

export function parseBytes32(value: unknown, what: string): Buffer {
  if (typeof value === 'string') {
    if (HEX32.test(value)) return Buffer.from(value, 'hex');
    if (B64URL32.test(value)) return Buffer.from(value, 'base64url');
  }
  throw new DecodeError(`${what} must be 32 bytes as hex or base64url`);
}

/** Mailbox and envelope ids are 16 bytes in lower-case hex, exactly as the envelope codec writes them. */
export function parseMailboxId(value: unknown): MailboxId {
  if (typeof value !== 'string' || !HEX16.test(value)) throw new DecodeError('mailbox id must be 32 lower-case hex characters');
  return value as MailboxId;
}

export function parseEnvelopeId(value: unknown): EnvelopeId {
  if (typeof value !== 'string' || !HEX16.test(value)) throw new DecodeError('envelope id must be 32 lower-case hex characters');
  return value as EnvelopeId;
}

export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** Constant-time check of a presented capability against a stored hash. */
export function capabilityMatches(cap: Uint8Array, storedHash: Uint8Array): boolean {
  const h = sha256(cap);
  return storedHash.length === h.length && timingSafeEqual(h, storedHash);
}
