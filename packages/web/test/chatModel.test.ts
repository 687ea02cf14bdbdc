/**
 * Conversations as chats: direct conversations with one person merge, the self conversation
 * stays hidden, unread counts follow the read marker, timer changes show as notices, and the
 * disappearing-messages timer picks what is due.
 */
import { describe, expect, it } from 'vitest';
import { emptyMeta } from '../src/session/appMeta.ts';
import { buildChats } from '../src/session/chatModel.ts';
import { expiredMessages, expiredNotices } from '../src/session/disappearing.ts';
import { absorb } from '../src/session/receipts.ts';
import { control, conv, msg, timer } from './fixtures.ts';

describe('chat model', () => {
  it('merges direct conversations with one person and hides the self conversation', () => {
    const a = conv('direct', ['alice', 'bob'], [msg('bob', 'one', '2026-11-28T10:00:00.000Z')]);
    const b = conv('direct', ['bob', 'alice'], [msg('alice', 'two', '2026-11-28T10:01:00.000Z')]);
    const g = conv('group', ['alice', 'bob', 'carol'], [], 'Ops');
    const self = conv('self', ['alice'], [msg('alice', 'secret')]);
    const meta = emptyMeta();
    meta.delivered[b.messages[0]!.id] = true;
    const chats = buildChats([a, b, g, self], 'alice', meta);
    expect(chats.map((c) => c.key)).toEqual(['d:bob', `g:${g.id}`]);
    const bob = chats[0]!;
    expect(bob.messages.map((m) => m.text)).toEqual(['one', 'two']);
    expect(bob.messages[1]!.status).toBe('delivered');
    expect(bob.unread).toBe(1);
    meta.readUpTo['d:bob'] = a.messages[0]!.receivedAt;
    expect(buildChats([a, b], 'alice', meta)[0]!.unread).toBe(0);
    delete meta.delivered[b.messages[0]!.id];
    expect(buildChats([a, b], 'alice', meta, '2026-11-28T10:00:30.000Z')[0]!.messages[1]!.status).toBe('queued');
  });

  it('shows a timer change as a notice, and the timer expires messages and notices by arrival time', () => {
    const c = conv('direct', ['alice', 'bob'], [msg('bob', 'early', '2026-11-28T10:00:00.000Z'), msg('bob', 'later', '2026-11-28T10:04:00.000Z')]);
    c.controls = [control('bob', timer(300, '2026-11-28T10:00:00.000Z'))];
    const meta = emptyMeta();
    absorb([c], 'alice', meta, Date.parse('2026-11-28T10:04:00.000Z'));
    const chats = buildChats([c], 'alice', meta);
    expect(chats[0]!.disappearSeconds).toBe(300);
    expect(chats[0]!.messages.find((m) => m.notice)).toMatchObject({ text: 'bob set disappearing messages to 5 minutes' });
    const at = (iso: string) => Date.parse(iso);
    expect(expiredMessages(chats, [c], at('2026-11-28T10:04:59.000Z')).size).toBe(0);
    expect(expiredMessages(chats, [c], at('2026-11-28T10:05:01.000Z')).get(c.id)).toEqual([c.messages[0]!.id]);
    expect(expiredMessages(chats, [c], at('2026-11-28T10:09:01.000Z')).get(c.id)).toHaveLength(2);
    expect(expiredNotices(meta, at('2026-11-28T10:04:59.000Z'))).toBe(0);
    expect(expiredNotices(meta, at('2026-11-28T10:05:01.000Z'))).toBe(1);
  });
});
