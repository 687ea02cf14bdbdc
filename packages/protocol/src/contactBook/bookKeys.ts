/**
 * @module contactBook/bookKeys
 * Everything the contact book needs at the relay, derived from one 32-byte book key that only
 * the user's own devices hold (it travels inside their MLS "self" conversation):
 * - `blobId`: where the blob lives. Derived, so the relay cannot tie it to an account by name.
 * - `capability`: presented as `Authorization: Capability <hex>`; the relay stores only its
 *   SHA-256, so a seized database cannot be used to read or overwrite the blob.
 * - `encKey`: the AES-256-GCM key of the blob's content.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../bytes.ts';
import { DecodeError } from '../errors.ts';

export const BOOK_KEY_SIZE = 32;

export type BookKeys = {
  /** 16 bytes as 32 lower-case hex characters. */
  readonly blobId: string;
  readonly capability: Uint8Array;
  readonly encKey: Uint8Array;
};

function derive(key: Uint8Array, label: string, length: number): Uint8Array {
  return hkdf(sha256, key, new Uint8Array(0), utf8.encode(`hardline/v1/book/${label}`), length);
}

export function deriveBookKeys(bookKey: Uint8Array): BookKeys {
  if (bookKey.length !== BOOK_KEY_SIZE) throw new DecodeError(`book key must be ${BOOK_KEY_SIZE} bytes`);
  return {
    blobId: toHex(derive(bookKey, 'blob-id', 16)),
    capability: derive(bookKey, 'capability', 32),
    encKey: derive(bookKey, 'content', 32),
  };
}
