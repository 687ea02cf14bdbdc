/**
 * @module appMessage
 * What travels inside an MLS application message. JSON is fine here: it is inside MLS, so
 * only members parse it, and the decoder is bounded and validates every field.
 */
import { DecodeError, TooLargeError } from './errors.ts';

export const MAX_TEXT_CHARS = 16_000;
export const MAX_APP_MESSAGE_BYTES = 60_000;

export type TextMessage = { readonly t: 'text'; readonly id: string; readonly text: string; readonly sentAt: string };
/** Carries a new roster after a commit is processed by members who missed the bundle. */
export type AppMessage = TextMessage;

export function encodeAppMessage(m: AppMessage): Uint8Array {
  const bytes = new TextEncoder().encode(JSON.stringify(m));
  if (bytes.length > MAX_APP_MESSAGE_BYTES) throw new TooLargeError('message', bytes.length, MAX_APP_MESSAGE_BYTES);
  return bytes;
}

export function decodeAppMessage(bytes: Uint8Array): AppMessage {
  if (bytes.length > MAX_APP_MESSAGE_BYTES) throw new TooLargeError('message', bytes.length, MAX_APP_MESSAGE_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new DecodeError('application message is not JSON', { cause });
  }
  const m = raw as Partial<TextMessage> | null;
  if (
    m !== null &&
    typeof m === 'object' &&
    m.t === 'text' &&
    typeof m.id === 'string' &&
    m.id.length <= 64 &&
    typeof m.text === 'string' &&
    m.text.length <= MAX_TEXT_CHARS &&
    typeof m.sentAt === 'string' &&
    !Number.isNaN(Date.parse(m.sentAt))
  ) {
    return m as TextMessage;
  }
  throw new DecodeError('unknown or invalid application message');
}
