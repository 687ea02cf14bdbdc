/**
 * @module org/orgKey
 * The organisation's security key: an Ed25519 key pair made by the security team and never given
 * to the relay. It signs every admin order (signedOrder.ts). Clients pin its public key at
 * enrolment, from the fingerprint the invite carries, so a relay cannot slip in a key of its own.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64Url, toHex } from '../bytes.ts';
import { ValidationError } from '../errors.ts';
import { isIdentityPublicKey, newIdentityKey, parseIdentityKeyPair, type IdentityKeyPair } from '../identity/identityKey.ts';

/** Same shape as an identity key pair (base64url halves); a separate name so the two are never mixed up. */
export type OrgKeyPair = IdentityKeyPair & { readonly orgKey: true };

export function newOrgKey(): OrgKeyPair {
  return { ...newIdentityKey(), orgKey: true };
}

export function parseOrgKeyPair(v: unknown): OrgKeyPair {
  const k = parseIdentityKeyPair(v);
  return { ...k, orgKey: true };
}

/** Fingerprint length: 128 bits of SHA-256 (hex), short enough to ride along an invite code. */
const FINGERPRINT_HEX = 32;

export function orgKeyFingerprint(publicKey: string): string {
  if (!isIdentityPublicKey(publicKey)) throw new ValidationError('not an org public key');
  return toHex(sha256(fromBase64Url(publicKey, 32))).slice(0, FINGERPRINT_HEX);
}

export function isOrgFingerprint(v: unknown): v is string {
  return typeof v === 'string' && new RegExp(`^[0-9a-f]{${FINGERPRINT_HEX}}$`).test(v);
}

/**
 * An invite code carries the org key's fingerprint after a "~" (the relay never sees it, the
 * client strips it), so the new device pins the security team's key, not whatever the relay names.
 */
export function splitInviteCode(code: string): { code: string; orgFingerprint?: string } {
  const at = code.lastIndexOf('~');
  if (at < 0) return { code };
  const fp = code.slice(at + 1).toLowerCase();
  if (!isOrgFingerprint(fp)) throw new ValidationError('the org key fingerprint in this invite code is malformed');
  return { code: code.slice(0, at), orgFingerprint: fp };
}

export function joinInviteCode(code: string, orgPublicKey: string): string {
  return `${code}~${orgKeyFingerprint(orgPublicKey)}`;
}
