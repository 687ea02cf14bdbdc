/**
 * @module enrolmentCode
 * One-time invite and link codes: 100 random bits written as four groups of five base32
 * characters (RFC 4648 alphabet, no 0/1/8/9 to confuse with letters), e.g. "K7QXM-2RTAB-...".
 * Only SHA-256 of the normalised code is stored, so a seized database cannot enrol anyone.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const INVITE_TTL_MS = 7 * 86_400_000;
export const LINK_TTL_MS = 86_400_000;

export function newEnrolmentCode(): string {
  const bytes = randomBytes(20);
  let s = '';
  for (let i = 0; i < 20; i++) {
    s += ALPHABET[bytes[i]! & 31];
    if (i % 5 === 4 && i < 19) s += '-';
  }
  return s;
}

/** Case, spaces and dashes do not matter when a person types the code back. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function codeHash(code: string): Uint8Array {
  return createHash('sha256').update(normaliseCode(code)).digest();
}
