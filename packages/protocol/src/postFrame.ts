/**
 * @module postFrame
 * What an anonymous poster sends: the mailbox's send capability followed by the envelope.
 * There is no account, device or session in it, which is what makes sender sealing real at
 * the relay: the relay can check the capability but learns nothing about who holds it.
 *
 *   0..31  [32]u8  send capability
 *   32..   envelope (see envelope.ts)
 *
 * Replies from the relay are
 *   0x00 [16]u8 envelope id                  accepted (durably committed)
 *   0x01 [16]u8 envelope id, utf8 error code rejected
 */
import { concatBytes, toHex, utf8 } from './bytes.ts';
import type { EnvelopeId } from './brand.ts';
import { CAPABILITY_SIZE } from './capability.ts';
import { decodeEnvelope, encodeEnvelope, MAX_ENVELOPE_SIZE, type Envelope } from './envelope.ts';
import { DecodeError, TooLargeError } from './errors.ts';

export const MAX_POST_FRAME = CAPABILITY_SIZE + MAX_ENVELOPE_SIZE;

export type PostFrame = { readonly sendCap: Uint8Array; readonly envelope: Envelope };

export function encodePostFrame(sendCap: Uint8Array, envelope: Envelope): Uint8Array {
  if (sendCap.length !== CAPABILITY_SIZE) throw new DecodeError('send capability must be 32 bytes');
  return concatBytes(sendCap, encodeEnvelope(envelope));
}

export function decodePostFrame(bytes: Uint8Array): PostFrame {
  if (bytes.length > MAX_POST_FRAME) throw new TooLargeError('post frame', bytes.length, MAX_POST_FRAME);
  if (bytes.length < CAPABILITY_SIZE) throw new DecodeError('post frame truncated');
  return { sendCap: bytes.subarray(0, CAPABILITY_SIZE), envelope: decodeEnvelope(bytes.subarray(CAPABILITY_SIZE)) };
}

export const PostReplyStatus = { ACCEPTED: 0, REJECTED: 1 } as const;

export type PostReply =
  | { readonly status: 'accepted'; readonly envelopeId: EnvelopeId }
  | { readonly status: 'rejected'; readonly envelopeId: EnvelopeId; readonly code: string };

export function encodePostReply(reply: PostReply): Uint8Array {
  const id = new Uint8Array(16);
  for (let i = 0; i < 16; i++) id[i] = parseInt(reply.envelopeId.slice(i * 2, i * 2 + 2), 16);
  if (reply.status === 'accepted') return concatBytes(new Uint8Array([PostReplyStatus.ACCEPTED]), id);
  return concatBytes(new Uint8Array([PostReplyStatus.REJECTED]), id, utf8.encode(reply.code.slice(0, 64)));
}

export function decodePostReply(bytes: Uint8Array): PostReply {
  if (bytes.length < 17 || bytes.length > 17 + 64) throw new DecodeError('bad post reply length');
  const envelopeId = toHex(bytes.subarray(1, 17)) as EnvelopeId;
  if (bytes[0] === PostReplyStatus.ACCEPTED) {
    if (bytes.length !== 17) throw new DecodeError('accepted reply has trailing bytes');
    return { status: 'accepted', envelopeId };
  }
  if (bytes[0] === PostReplyStatus.REJECTED) {
    const code = utf8.decode(bytes.subarray(17));
    if (!/^[A-Z_]{1,64}$/.test(code)) throw new DecodeError('rejected reply has no valid error code');
    return { status: 'rejected', envelopeId, code };
  }
  throw new DecodeError('unknown post reply status');
}
