/**
 * @module appMessage
 * What travels inside an MLS application message. JSON is fine here: it is inside MLS, so
 * only members parse it, and the decoder is bounded and validates every field.
 */
import { DecodeError, TooLargeError } from './errors.ts';

export const MAX_TEXT_CHARS = 16_000;
export const MAX_APP_MESSAGE_BYTES = 60_000;

export type TextMessage = { readonly t: 'text'; readonly id: string; readonly text: string; readonly sentAt: string };

/**
 * The contact book's key, sent by one of a user's devices to the others in their "self"
 * conversation (docs/protocol.md §9). `generation` grows when the key is replaced (after a
 * device is revoked); between keys of one generation, the one with the smaller blob id wins.
 */
export type BookKeyMessage = {
  readonly t: 'book-key';
  readonly id: string;
  /** 32 bytes, hex. */
  readonly key: string;
  readonly generation: number;
  readonly sentAt: string;
};

export type AppMessage = TextMessage | BookKeyMessage;

/** Messages that are not chat text: handled by the engine's services, never shown. */
export type ControlMessage = Exclude<AppMessage, TextMessage>;

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
  if (raw !== null && typeof raw === 'object' && (raw as { t?: unknown }).t === 'book-key') return readBookKey(raw as Partial<BookKeyMessage>);
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

function readBookKey(m: Partial<BookKeyMessage>): BookKeyMessage {
  if (
    typeof m.id === 'string' &&
    m.id.length <= 64 &&
    typeof m.key === 'string' &&
    /^[0-9a-f]{64}$/.test(m.key) &&
    Number.isSafeInteger(m.generation) &&
    (m.generation as number) >= 1 &&
    (m.generation as number) <= 1_000_000 &&
    typeof m.sentAt === 'string' &&
    !Number.isNaN(Date.parse(m.sentAt))
  ) {
    return { t: 'book-key', id: m.id, key: m.key, generation: m.generation as number, sentAt: m.sentAt };
  }
  throw new DecodeError('invalid book-key message');
}
