/**
 * @module envelope
 * The only structure the relay parses. It carries no sender: just a version, the recipient
 * mailbox, a sender-chosen random id (for idempotent resends) and an opaque payload whose
 * length is one of PAYLOAD_BUCKETS.
 *
 *   0      u8        version (1)
 *   1..16  [16]u8    mailbox id
 *   17..32 [16]u8    envelope id
 *   33..   payload   256 | 1024 | 4096 | 16384 | 65536 bytes
 */
import { fromHex, toHex } from './bytes.ts';
import type { EnvelopeId, MailboxId } from './brand.ts';
import { DecodeError, TooLargeError } from './errors.ts';
import { isBucketSize, MAX_PAYLOAD } from './padding.ts';

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_HEADER_SIZE = 33;
export const MAX_ENVELOPE_SIZE = ENVELOPE_HEADER_SIZE + MAX_PAYLOAD;
export const ID_SIZE = 16;

export type Envelope = {
  readonly mailboxId: MailboxId;
  readonly envelopeId: EnvelopeId;
  readonly payload: Uint8Array;
};

export function encodeEnvelope(e: Envelope): Uint8Array {
  if (!isBucketSize(e.payload.length)) throw new DecodeError(`payload length ${e.payload.length} is not a bucket size`);
  const out = new Uint8Array(ENVELOPE_HEADER_SIZE + e.payload.length);
  out[0] = ENVELOPE_VERSION;
  out.set(fromHex(e.mailboxId, ID_SIZE), 1);
  out.set(fromHex(e.envelopeId, ID_SIZE), 17);
  out.set(e.payload, ENVELOPE_HEADER_SIZE);
  return out;
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length > MAX_ENVELOPE_SIZE) throw new TooLargeError('envelope', bytes.length, MAX_ENVELOPE_SIZE);
  if (bytes.length < ENVELOPE_HEADER_SIZE) throw new DecodeError('envelope truncated');
  if (bytes[0] !== ENVELOPE_VERSION) throw new DecodeError(`unknown envelope version ${bytes[0]}`);
  const payloadLength = bytes.length - ENVELOPE_HEADER_SIZE;
  if (!isBucketSize(payloadLength)) throw new DecodeError(`payload length ${payloadLength} is not a bucket size`);
  return {
    mailboxId: toHex(bytes.subarray(1, 17)) as MailboxId,
    envelopeId: toHex(bytes.subarray(17, 33)) as EnvelopeId,
    payload: bytes.subarray(ENVELOPE_HEADER_SIZE),
  };
}
