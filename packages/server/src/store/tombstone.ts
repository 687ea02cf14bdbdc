/**
 * @module tombstone
 * What remains of an acknowledged envelope: SHA-256(mailboxId || envelopeId)[0..16] and a day.
 * It keeps resends idempotent after deletion without keeping the ids themselves.
 */
import { createHash } from 'node:crypto';

export function tombstoneHash(mailboxId: Uint8Array, envelopeId: Uint8Array): Buffer {
  return createHash('sha256').update(mailboxId).update(envelopeId).digest().subarray(0, 16);
}
