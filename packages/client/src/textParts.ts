/**
 * @module textParts
 * Puts a long message back together from its parts (protocol longText.ts). Parts wait in the
 * conversation's saved state, so a crash between parts loses nothing; the message is shown only
 * once every part is in. The waiting room is bounded, since any member can send parts that never
 * complete.
 */
import { MAX_MESSAGE_CHARS, type Handle, type TextMessage } from '@hardline/protocol';
import type { Conversation } from './deviceState.ts';

export type PartialText = {
  readonly from: Handle;
  readonly id: string;
  readonly sentAt: string;
  /** Index → text; a missing index has not arrived yet. */
  readonly parts: Record<number, string>;
  readonly count: number;
  /** When the first part arrived here (ISO), so the oldest is dropped first. */
  readonly since: string;
};

/** Incomplete long messages kept per conversation. */
export const MAX_PARTIAL_TEXTS = 32;

/**
 * Files one part; returns the whole message once its last part is in, else undefined.
 * A part that disagrees with those before it (another count or send time) starts over.
 */
export function acceptTextPart(conv: Conversation, from: Handle, m: TextMessage, now: string): TextMessage | undefined {
  if (m.parts === undefined || m.part === undefined) return m;
  const waiting = (conv.partialTexts ??= []);
  let entry = waiting.find((p) => p.from === from && p.id === m.id);
  if (entry && (entry.count !== m.parts || entry.sentAt !== m.sentAt)) {
    waiting.splice(waiting.indexOf(entry), 1);
    entry = undefined;
  }
  if (!entry) {
    entry = { from, id: m.id, sentAt: m.sentAt, parts: {}, count: m.parts, since: now };
    waiting.push(entry);
    if (waiting.length > MAX_PARTIAL_TEXTS) waiting.splice(0, waiting.length - MAX_PARTIAL_TEXTS);
  }
  entry.parts[m.part] = m.text;
  // No honest sender's parts add up to more than a message may hold.
  if (Object.values(entry.parts).reduce((n, t) => n + t.length, 0) > MAX_MESSAGE_CHARS) {
    waiting.splice(waiting.indexOf(entry), 1);
    return undefined;
  }
  if (Object.keys(entry.parts).length < entry.count) return undefined;
  waiting.splice(waiting.indexOf(entry), 1);
  let text = '';
  for (let i = 0; i < entry.count; i++) text += entry.parts[i] ?? '';
  return { t: 'text', id: m.id, text, sentAt: m.sentAt };
}
