/**
 * @module mls/lastResortKeyPackage
 * Last-resort KeyPackages (RFC 9420 §16.8): each device keeps one at the relay that the relay
 * hands out when the device's others are gone and never deletes, so a stranger who claims them
 * all cannot keep anyone from reaching the device. It is marked by the `last_resort` KeyPackage
 * extension (type 0x000a, empty), which ts-mls carries as an unknown extension.
 *
 * The price of reuse is that every claim of it would derive the same mailbox (capability.ts),
 * and so tie the claimers' conversations together at the relay. Instead each claim gets a fresh
 * mailbox of its own, from a nonce the relay draws per claim and returns to the claimer:
 * - id and send capability: SHA-256 over a label, the nonce and the KeyPackage (as capability.ts);
 * - read capability: HMAC-SHA-256(readSecret, label || mailbox id), where `readSecret` is a
 *   random 32 bytes the device uploads beside the package (sealed in the relay's pool, never on
 *   disk in the clear), so the relay can store its hash and the device can derive it.
 * The claimer names that mailbox in the roster; the Welcome itself goes to the package's usual
 * mailbox (`keyPackageMailbox`), shared by all claimers but holding only Welcomes. The device
 * reads its new mailbox from the roster once it has joined.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Extension, KeyPackage } from 'ts-mls';
import { concatBytes, fromHex, toHex, utf8 } from '../bytes.ts';
import type { MailboxId } from '../brand.ts';
import { ValidationError } from '../errors.ts';

export const LAST_RESORT_EXTENSION_TYPE = 0x000a;
export const LAST_RESORT_NONCE_SIZE = 16;

export const lastResortExtension: Extension = { extensionType: LAST_RESORT_EXTENSION_TYPE, extensionData: new Uint8Array(0) };

export function isLastResort(kp: KeyPackage): boolean {
  return kp.extensions.some((e) => e.extensionType === LAST_RESORT_EXTENSION_TYPE);
}

/** The mailbox one claim of a last-resort KeyPackage becomes (see the module comment). */
export function lastResortMailbox(keyPackage: Uint8Array, nonce: Uint8Array): { mailboxId: MailboxId; sendCap: Uint8Array } {
  if (nonce.length !== LAST_RESORT_NONCE_SIZE) throw new ValidationError(`a last-resort mailbox nonce is ${LAST_RESORT_NONCE_SIZE} bytes`);
  const id = sha256(concatBytes(utf8.encode('hardline/v1/lr-mailbox'), nonce, keyPackage)).subarray(0, 16);
  const sendCap = sha256(concatBytes(utf8.encode('hardline/v1/lr-send'), nonce, keyPackage));
  return { mailboxId: toHex(id) as MailboxId, sendCap };
}

export function lastResortReadCap(readSecret: Uint8Array, mailboxId: MailboxId): Uint8Array {
  return hmac(sha256, readSecret, concatBytes(utf8.encode('hardline/v1/lr-read'), fromHex(mailboxId, 16)));
}
