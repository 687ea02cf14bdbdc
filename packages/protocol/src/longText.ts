/**
 * @module longText
 * A message longer than one envelope holds goes as several text parts under one message id,
 * each in its own MLS message and its own fixed-size envelope, and the receiver shows it once
 * every part is in. So a message is limited only by MAX_MESSAGE_CHARS, documented in
 * docs/protocol.md §4, and the relay sees nothing but more envelopes of the usual sizes.
 */
import { MAX_APP_MESSAGE_BYTES, MAX_TEXT_CHARS, MAX_TEXT_PARTS, type TextMessage } from './appMessage.ts';
import { ValidationError } from './errors.ts';

/** The longest message, in UTF-16 code units (what a text box counts). */
export const MAX_MESSAGE_CHARS = 100_000;

/**
 * The text messages that carry `text`: one when it fits, else numbered parts. A part never
 * splits a surrogate pair, and each part's encoding fits MAX_APP_MESSAGE_BYTES whatever the
 * characters (JSON escapes can make one character six bytes).
 */
export function textParts(msg: Omit<TextMessage, 'part' | 'parts'>): TextMessage[] {
  checkMessageLength(msg.text);
  if (msg.text.length <= MAX_TEXT_CHARS && fits({ ...msg })) return [{ ...msg }];
  const chunks: string[] = [];
  let rest = msg.text;
  while (rest.length > 0) {
    let size = Math.min(rest.length, MAX_TEXT_CHARS);
    for (;;) {
      let end = size;
      // Keep a surrogate pair together.
      if (end < rest.length && isHighSurrogate(rest.charCodeAt(end - 1))) end--;
      const chunk = rest.slice(0, end);
      if (fits({ ...msg, text: chunk, part: MAX_TEXT_PARTS - 1, parts: MAX_TEXT_PARTS })) {
        chunks.push(chunk);
        rest = rest.slice(end);
        break;
      }
      size = Math.floor(size / 2);
    }
  }
  if (chunks.length > MAX_TEXT_PARTS) throw new ValidationError(`the message needs ${chunks.length} parts; the limit is ${MAX_TEXT_PARTS}`);
  return chunks.map((text, part) => ({ ...msg, text, part, parts: chunks.length }));
}

/** Throws VALIDATION, naming the limit, when `text` is longer than a message may be. */
export function checkMessageLength(text: string): void {
  if (text.length > MAX_MESSAGE_CHARS) {
    throw new ValidationError(`the message is ${text.length.toLocaleString('en')} characters; the limit is ${MAX_MESSAGE_CHARS.toLocaleString('en')}`);
  }
}

function fits(m: TextMessage): boolean {
  return new TextEncoder().encode(JSON.stringify(m)).length <= MAX_APP_MESSAGE_BYTES;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
