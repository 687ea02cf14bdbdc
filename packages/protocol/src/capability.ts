/**
 * @module capability
 * Mailbox capabilities. A capability is 32 random (or derived) bytes; the relay stores only its
 * SHA-256, so a seized database cannot be used to read or post.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex, utf8 } from './bytes.ts';
import type { MailboxId } from './brand.ts';

export const CAPABILITY_SIZE = 32;

export function capabilityHash(cap: Uint8Array): Uint8Array {
  return sha256(cap);
}

/**
 * A KeyPackage's mailbox. Whoever claims the KeyPackage (exactly one sender, plus the relay)
 * can derive where to post the Welcome, and that mailbox then serves as the recipient device's
 * mailbox for the new conversation. Deriving it from the KeyPackage bytes means the relay never
 * stores a mailbox id next to a device: the KeyPackage (which names the device, and is kept
 * sealed while unclaimed) is deleted before the mailbox is created.
 */
export function keyPackageMailbox(keyPackage: Uint8Array): { mailboxId: MailboxId; sendCap: Uint8Array } {
  const id = sha256(concatBytes(utf8.encode('hardline/v1/kp-mailbox'), keyPackage)).subarray(0, 16);
  const sendCap = sha256(concatBytes(utf8.encode('hardline/v1/kp-send'), keyPackage));
  return { mailboxId: toHex(id) as MailboxId, sendCap };
}
