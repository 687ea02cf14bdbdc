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
import { logKeyFingerprint } from '../transparency/treeHead.ts';

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
 * An invite code carries the org key's fingerprint after a "~", and may carry the key-transparency
 * log key's after a second "~" (the relay never sees either, the client strips them), so the new
 * device pins the security team's key and the log the security team saw, not whatever the relay
 * names to this one device.
 */
export function splitInviteCode(code: string): { code: string; orgFingerprint?: string; logFingerprint?: string } {
  const [bare, org, log, ...rest] = code.split('~');
  if (org === undefined) return { code };
  if (rest.length > 0) throw new ValidationError('an invite code holds at most two fingerprints, each after a "~"');
  const orgFingerprint = org.toLowerCase();
  if (!isOrgFingerprint(orgFingerprint)) throw new ValidationError('the org key fingerprint in this invite code is malformed');
  if (log === undefined) return { code: bare!, orgFingerprint };
  const logFingerprint = log.toLowerCase();
  if (!isOrgFingerprint(logFingerprint)) throw new ValidationError('the log key fingerprint in this invite code is malformed');
  return { code: bare!, orgFingerprint, logFingerprint };
}

/** With `logPublicKey`, the invite names the relay's log key too (see splitInviteCode). */
export function joinInviteCode(code: string, orgPublicKey: string, logPublicKey?: string): string {
  return `${code}~${orgKeyFingerprint(orgPublicKey)}${logPublicKey === undefined ? '' : `~${logKeyFingerprint(logPublicKey)}`}`;
}
