/**
 * Reassembly of long messages (textParts.ts): parts in any order, a duplicate part, parts that
 * disagree, and a member who sends parts that never complete, which must not grow state forever.
 */
import { describe, expect, it } from 'vitest';
import type { Handle, MailboxId, Roster } from '@hardline/protocol';
import type { Conversation } from '../src/deviceState.ts';
import { acceptTextPart, MAX_PARTIAL_TEXTS } from '../src/textParts.ts';

const NOW = '2026-12-02T00:00:00.000Z';
const bob = 'bob' as Handle;

function conv(): Conversation {
  return { id: 'c', roster: {} as Roster, mlsState: '', mailbox: { id: '0'.repeat(32) as MailboxId, readCap: '' }, pending: [], messages: [], left: false };
}

const part = (id: string, part: number, parts: number, text: string, sentAt = NOW) => ({ t: 'text' as const, id, text, sentAt, part, parts });

describe('acceptTextPart', () => {
  it('joins parts that arrive out of order, once, and forgets them', () => {
    const c = conv();
    expect(acceptTextPart(c, bob, part('m', 2, 3, 'C'), NOW)).toBeUndefined();
    expect(acceptTextPart(c, bob, part('m', 0, 3, 'A'), NOW)).toBeUndefined();
    expect(acceptTextPart(c, bob, part('m', 0, 3, 'A'), NOW)).toBeUndefined();
    expect(acceptTextPart(c, bob, part('m', 1, 3, 'B'), NOW)).toEqual({ t: 'text', id: 'm', text: 'ABC', sentAt: NOW });
    expect(c.partialTexts).toEqual([]);
  });

  it('keeps two senders\' parts under one id apart', () => {
    const c = conv();
    acceptTextPart(c, bob, part('m', 0, 2, 'bob-'), NOW);
    expect(acceptTextPart(c, 'eve' as Handle, part('m', 1, 2, 'eve'), NOW)).toBeUndefined();
    expect(acceptTextPart(c, bob, part('m', 1, 2, 'end'), NOW)?.text).toBe('bob-end');
  });

  it('starts over when a part disagrees with those before it', () => {
    const c = conv();
    acceptTextPart(c, bob, part('m', 0, 2, 'old'), NOW);
    expect(acceptTextPart(c, bob, part('m', 1, 3, 'x'), NOW)).toBeUndefined();
    expect(c.partialTexts).toHaveLength(1);
    expect(c.partialTexts![0]!.count).toBe(3);
  });

  it('bounds what parts that never complete can hold', () => {
    const c = conv();
    for (let i = 0; i < MAX_PARTIAL_TEXTS * 3; i++) acceptTextPart(c, bob, part(`m${i}`, 0, 2, 'x'.repeat(100)), NOW);
    expect(c.partialTexts).toHaveLength(MAX_PARTIAL_TEXTS);
  });

  it('drops a message whose parts add up to more than a message may hold', () => {
    const c = conv();
    const big = 'x'.repeat(16_000);
    for (let i = 0; i < 7; i++) acceptTextPart(c, bob, part('m', i, 64, big), NOW);
    expect(c.partialTexts).toEqual([]);
  });

  it('passes a message without parts straight through', () => {
    const m = { t: 'text' as const, id: 'x', text: 'hi', sentAt: NOW };
    expect(acceptTextPart(conv(), bob, m, NOW)).toBe(m);
  });
});
