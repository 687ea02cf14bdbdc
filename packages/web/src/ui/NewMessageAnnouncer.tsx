/**
 * @module ui/NewMessageAnnouncer
 * A polite live region that says "New message from X" when a message arrives in a chat that
 * is not open. The open chat's own message list is a log and announces itself. The session has
 * no "message arrived" event, so this derives one from the chats' unread counts: a count that
 * rose since the last render is a new message.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../session/session.ts';
import { previewsAllowed } from '../lock/previews.ts';

export function NewMessageAnnouncer({ session, openChat }: { session: Session; openChat: string | undefined }) {
  const seen = useRef<Map<string, number> | undefined>(undefined);
  const [said, setSaid] = useState<{ n: number; text: string }>({ n: 0, text: '' });
  const chats = session.chats();
  useEffect(() => {
    const before = seen.current;
    seen.current = new Map(chats.map((c) => [c.key, c.unread]));
    // The first render only learns the counts: what was unread before is not news.
    if (!before) return;
    const fresh = chats.filter((c) => c.key !== openChat && c.unread > (before.get(c.key) ?? 0));
    if (fresh.length === 0) return;
    const c = fresh[0]!;
    const last = [...c.messages].reverse().find((m) => !m.mine && !m.notice);
    const from = last ? session.displayName(last.from) : c.kind === 'direct' && c.peer ? session.displayName(c.peer) : c.title;
    // The org policy's previews off: no name here either (lock/previews.ts).
    const text = !previewsAllowed(session.client.orgPolicy().capabilities) ? 'New message' : fresh.length > 1 ? `New messages in ${fresh.length} chats` : c.kind === 'group' ? `New message from ${from} in ${c.title}` : `New message from ${from}`;
    setSaid((s) => ({ n: s.n + 1, text }));
  });
  return (
    <div class="sr-only" role="status" aria-live="polite" data-announce="messages">
      {/* A new node each time, so the same words twice are announced twice. */}
      {said.text && <p key={said.n}>{said.text}</p>}
    </div>
  );
}
