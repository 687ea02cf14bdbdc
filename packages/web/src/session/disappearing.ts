/**
 * @module session/disappearing
 * Which messages a chat's disappearing-messages timer has run out for. Counted from when each
 * message reached this device (a sender's clock cannot keep a message alive here), and applied
 * to timer notices too (see expiredNotices).
 */
import type { Conversation } from '@hardline/client';
import type { AppMeta } from './appMeta.ts';
import type { Chat } from './chatModel.ts';

/** Conversation id → ids of messages whose time is up. */
export function expiredMessages(chats: readonly Chat[], conversations: readonly Conversation[], now: number): Map<string, string[]> {
  const byId = new Map(conversations.map((c) => [c.id, c]));
  const out = new Map<string, string[]>();
  for (const chat of chats) {
    if (chat.disappearSeconds <= 0) continue;
    const limit = chat.disappearSeconds * 1000;
    for (const convId of chat.conversationIds) {
      const ids = (byId.get(convId)?.messages ?? []).filter((m) => now - Date.parse(m.receivedAt) > limit).map((m) => m.id);
      if (ids.length > 0) out.set(convId, ids);
    }
  }
  return out;
}

/** Drops timer notices the timer has run out for; returns how many. */
export function expiredNotices(meta: AppMeta, now: number): number {
  const before = meta.notices.length;
  meta.notices = meta.notices.filter((n) => {
    const seconds = meta.disappear[n.chatKey]?.seconds ?? 0;
    return seconds <= 0 || now - Date.parse(n.receivedAt) <= seconds * 1000;
  });
  return before - meta.notices.length;
}
