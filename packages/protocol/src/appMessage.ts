/**
 * @module appMessage
 * What travels inside an MLS application message. JSON is fine here: it is inside MLS, so
 * only members parse it, and the decoder is bounded and validates every field.
 */
import { DecodeError, TooLargeError } from './errors.ts';
import { MAX_TIMER_SECONDS } from './roster.ts';
import { isLogPublicKey, parseTreeHead, type SignedTreeHead } from './transparency/treeHead.ts';

/** Parts of one long message (longText.ts): 64 parts of at least MAX_TEXT_CHARS / 8 hold MAX_MESSAGE_CHARS. */
export const MAX_TEXT_PARTS = 64;

export const MAX_TEXT_CHARS = 16_000;
export const MAX_APP_MESSAGE_BYTES = 60_000;

export type TextMessage = {
  readonly t: 'text';
  readonly id: string;
  readonly text: string;
  readonly sentAt: string;
  /** A long message goes in parts (longText.ts): this one's index, from 0, and how many there are. */
  readonly part?: number;
  readonly parts?: number;
  /**
   * Gossip: the latest key-transparency tree head the sender's device has seen. The receiver
   * checks it against its own (client keyTransparency.ts), which is how a relay that shows two
   * people different logs is caught at their next message (docs/protocol.md §2).
   */
  readonly th?: SignedTreeHead;
  /**
   * The log key (base64url) the sender's device pinned, which signed `th`: a head under another
   * key than the receiver's own is a relay that gave the two of them separate logs from the
   * first contact, which no consistency proof could ever show.
   */
  readonly lk?: string;
};

/**
 * The contact book's key, sent by one of a user's devices to the others in their "self"
 * conversation (docs/protocol.md §9). `generation` grows when the key is replaced (after a
 * device is revoked); between keys of one generation, the one with the smaller blob id wins.
 */
/**
 * Rotation adds 1; a device that lost its keys starts at the Unix time in seconds so that its
 * key outranks the one it can no longer name (client storedContactBook). 2^40 leaves room for both.
 */
export const MAX_BOOK_KEY_GENERATION = 2 ** 40;

export type BookKeyMessage = {
  readonly t: 'book-key';
  readonly id: string;
  /** 32 bytes, hex. */
  readonly key: string;
  readonly generation: number;
  readonly sentAt: string;
};

/** Delivery receipts for message ids, sent late and batched (docs/protocol.md §7). */
export type ReceiptMessage = { readonly t: 'receipt'; readonly id: string; readonly ids: readonly string[]; readonly sentAt: string };

/** The conversation's disappearing-messages timer; 0 turns it off. */
export type TimerMessage = { readonly t: 'timer'; readonly id: string; readonly seconds: number; readonly sentAt: string };

export const CALL_OPS = ['ring', 'accept', 'decline', 'busy', 'cancel', 'hangup', 'offer', 'answer', 'ice', 'answered-elsewhere', 'ringing'] as const;
export type CallOp = (typeof CALL_OPS)[number];

/** Call signalling: it travels like any message, so the relay sees an ordinary envelope. */
export type CallMessage = {
  readonly t: 'call';
  readonly id: string;
  readonly callId: string;
  readonly op: CallOp;
  /** For offer/answer. */
  readonly sdp?: string;
  /** For ice: the JSON of an RTCIceCandidateInit. */
  readonly candidate?: string;
  /** The device an op is meant for (answer, ice), so a user's other devices ignore it. */
  readonly to?: string;
  readonly sentAt: string;
};

/** Messages for the conversation's apps, not shown as text. */
export type ConversationControl = ReceiptMessage | TimerMessage | CallMessage;

export type AppMessage = TextMessage | BookKeyMessage | ConversationControl;

/** Messages that are not chat text, for the user's own devices: handled by the engine's services. */
export type ControlMessage = BookKeyMessage;

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
  if (raw !== null && typeof raw === 'object') {
    const t = (raw as { t?: unknown }).t;
    if (t === 'book-key') return readBookKey(raw as Partial<BookKeyMessage>);
    if (t === 'receipt' || t === 'timer' || t === 'call') return readConversationControl(raw as Record<string, unknown>);
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
    !Number.isNaN(Date.parse(m.sentAt)) &&
    (m.parts === undefined
      ? m.part === undefined
      : Number.isSafeInteger(m.parts) && m.parts >= 2 && m.parts <= MAX_TEXT_PARTS && Number.isSafeInteger(m.part) && m.part! >= 0 && m.part! < m.parts)
  ) {
    // Shape only; the receiver checks the signature against the log key it pinned.
    if (m.th !== undefined) parseTreeHead(m.th);
    if (m.lk !== undefined && !isLogPublicKey(m.lk)) throw new DecodeError('the log key in a text message is malformed');
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
    (m.generation as number) <= MAX_BOOK_KEY_GENERATION &&
    typeof m.sentAt === 'string' &&
    !Number.isNaN(Date.parse(m.sentAt))
  ) {
    return { t: 'book-key', id: m.id, key: m.key, generation: m.generation as number, sentAt: m.sentAt };
  }
  throw new DecodeError('invalid book-key message');
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
const isTime = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v));

function readConversationControl(m: Record<string, unknown>): ConversationControl {
  if (!isId(m.id) || !isTime(m.sentAt)) throw new DecodeError('invalid control message');
  if (m.t === 'receipt' && Array.isArray(m.ids) && m.ids.length <= 1000 && m.ids.every(isId)) {
    return { t: 'receipt', id: m.id, ids: m.ids as string[], sentAt: m.sentAt };
  }
  if (m.t === 'timer' && Number.isSafeInteger(m.seconds) && (m.seconds as number) >= 0 && (m.seconds as number) <= MAX_TIMER_SECONDS) {
    return { t: 'timer', id: m.id, seconds: m.seconds as number, sentAt: m.sentAt };
  }
  if (
    m.t === 'call' &&
    isId(m.callId) &&
    (CALL_OPS as readonly unknown[]).includes(m.op) &&
    (m.sdp === undefined || (typeof m.sdp === 'string' && m.sdp.length <= 20_000)) &&
    (m.candidate === undefined || (typeof m.candidate === 'string' && m.candidate.length <= 2_000)) &&
    (m.to === undefined || isId(m.to))
  ) {
    return {
      t: 'call',
      id: m.id,
      callId: m.callId,
      op: m.op as CallOp,
      ...(m.sdp === undefined ? {} : { sdp: m.sdp as string }),
      ...(m.candidate === undefined ? {} : { candidate: m.candidate as string }),
      ...(m.to === undefined ? {} : { to: m.to as string }),
      sentAt: m.sentAt,
    };
  }
  throw new DecodeError('invalid control message');
}
