/**
 * @module session/chatModel
 * The engine's conversations as the user sees them: one chat per person (every direct
 * conversation with the same person merged, as two devices may each have started one) and
 * one per group; control messages hidden; unread counts from the read markers.
 */
import type { Conversation, StoredMessage } from '@hardline/client';
import type { AppMeta } from './appMeta.ts';

export type ChatKind = 'direct' | 'group';

export type ChatMessage = {
  id: string;
  from: string;
  text: string;
  sentAt: string;
  receivedAt: string;
  mine: boolean;
  /** Own messages only: queued (relay unreachable), sent (relay has it), delivered (a recipient's device has it). */
  status?: 'queued' | 'sent' | 'delivered';
  /** A line about the chat itself (timer changes), not a message. */
  notice?: boolean;
};

export type Chat = {
  key: string;
  kind: ChatKind;
  title: string;
  /** The other person, for direct chats. */
  peer?: string;
  members: string[];
  conversationIds: string[];
  messages: ChatMessage[];
  unread: number;
  lastAt: string;
  disappearSeconds: number;
};

export function chatKeyOf(c: Conversation, me: string): string {
  if (c.roster.kind === 'group') return `g:${c.id}`;
  return `d:${c.roster.members.find((m) => m !== me) ?? me}`;
}

export function directKey(handle: string): string {
  return `d:${handle}`;
}

/** `queuedSince`: own messages sent at or after this time are still in the engine's outbox. */
export function buildChats(conversations: readonly Conversation[], me: string, meta: AppMeta, queuedSince?: string): Chat[] {
  const byKey = new Map<string, Chat>();
  for (const c of conversations) {
    if (c.roster.kind === 'self' || (c.left && c.messages.length === 0)) continue;
    const key = chatKeyOf(c, me);
    let chat = byKey.get(key);
    if (!chat) {
      const peer = c.roster.kind === 'direct' ? key.slice(2) : undefined;
      chat = {
        key,
        kind: c.roster.kind === 'group' ? 'group' : 'direct',
        title: c.roster.kind === 'group' ? c.roster.name : peer!,
        ...(peer ? { peer } : {}),
        members: [...c.roster.members],
        conversationIds: [],
        messages: [],
        unread: 0,
        lastAt: '',
        disappearSeconds: meta.disappear[key]?.seconds ?? 0,
      };
      byKey.set(key, chat);
    }
    chat.conversationIds.push(c.id);
    for (const m of c.messages) {
      chat.messages.push(toChatMessage(m, me, meta, queuedSince));
    }
  }
  for (const n of meta.notices) {
    const chat = byKey.get(n.chatKey);
    if (!chat) continue;
    const who = n.from === me ? 'You' : n.from;
    const text = n.seconds === 0 ? `${who} turned off disappearing messages` : `${who} set disappearing messages to ${formatDuration(n.seconds)}`;
    chat.messages.push({ id: n.id, from: n.from, text, sentAt: n.at, receivedAt: n.receivedAt, mine: n.from === me, notice: true });
  }
  for (const chat of byKey.values()) {
    chat.messages.sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id));
    const readUpTo = meta.readUpTo[chat.key] ?? '';
    chat.unread = chat.messages.filter((m) => !m.mine && !m.notice && m.receivedAt > readUpTo).length;
    chat.lastAt = chat.messages.at(-1)?.sentAt ?? '';
  }
  return [...byKey.values()].sort((a, b) => b.lastAt.localeCompare(a.lastAt) || a.title.localeCompare(b.title));
}

function toChatMessage(m: StoredMessage, me: string, meta: AppMeta, queuedSince?: string): ChatMessage {
  const mine = m.from === me;
  const status = meta.delivered[m.id] ? 'delivered' : m.waiting || (queuedSince !== undefined && m.sentAt >= queuedSince) ? 'queued' : 'sent';
  return { id: m.id, from: m.from, text: m.text, sentAt: m.sentAt, receivedAt: m.receivedAt, mine, ...(mine ? { status } : {}) };
}

export const DISAPPEAR_CHOICES = [0, 300, 3600, 86_400, 7 * 86_400] as const;

export function formatDuration(seconds: number): string {
  if (seconds === 0) return 'off';
  if (seconds % 86_400 === 0) return seconds === 86_400 ? '1 day' : `${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/** "5m", "1h", "7d": for the timer badge in a chat's header. */
export function shortDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.round(seconds / 60)}m`;
}
