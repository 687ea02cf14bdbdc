/**
 * Receipts and timers (session/receipts.ts) from the live relay operator's and a member's seats.
 * The operator pairs mailboxes by timing, so the delay must span exactly 5–30 s whatever the
 * random draw; a member must not be able to cancel receipts this user owes others, nor to mark
 * messages delivered from the self conversation; an old timer must not override a newer one,
 * and a flood of timer changes stays bounded.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyMeta } from '../src/session/appMeta.ts';
import { absorb, due, noteTimer, RECEIPT_DELAY_MAX_MS, RECEIPT_DELAY_MIN_MS } from '../src/session/receipts.ts';
import { control, conv, msg, receipt, timer } from './fixtures.ts';

const NOW = 1_800_000_000_000;

afterEach(() => vi.restoreAllMocks());

function drawing(value: number) {
  vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(a: T): T => {
    (a as unknown as Uint32Array)[0] = value;
    return a;
  });
}

describe('receipt delay', () => {
  it('spans 5 s to just under 30 s over the whole range of the draw', () => {
    for (const [draw, delay] of [
      [0, RECEIPT_DELAY_MIN_MS],
      [2 ** 31, RECEIPT_DELAY_MIN_MS + 12_500],
      [2 ** 32 - 1, RECEIPT_DELAY_MAX_MS - 1],
    ] as const) {
      drawing(draw);
      const meta = emptyMeta();
      const c = conv('direct', ['alice', 'bob'], [msg('bob', 'hi')]);
      absorb([c], 'alice', meta, NOW);
      expect(meta.pendingReceipts[c.id]!.dueAt - NOW).toBe(delay);
      vi.restoreAllMocks();
    }
  });

  it('is due at its time, not a millisecond before', () => {
    drawing(0);
    const meta = emptyMeta();
    const c = conv('direct', ['alice', 'bob'], [msg('bob', 'hi')]);
    absorb([c], 'alice', meta, NOW);
    expect(due(meta, NOW + RECEIPT_DELAY_MIN_MS - 1)).toEqual([]);
    expect(due(meta, NOW + RECEIPT_DELAY_MIN_MS)).toEqual([c.id]);
  });
});

describe('absorb', () => {
  it('a receipt from another member never cancels what this user owes; only our own devices’ receipts do, and only those ids', () => {
    const meta = emptyMeta();
    const [a, b] = [msg('carol', 'one'), msg('carol', 'two')];
    const c = conv('group', ['alice', 'bob', 'carol'], [a, b]);
    absorb([c], 'alice', meta, NOW);
    c.controls = [control('bob', receipt([a.id, b.id]))];
    absorb([c], 'alice', meta, NOW);
    expect(meta.pendingReceipts[c.id]!.ids).toEqual([a.id, b.id]);
    c.controls = [control('alice', receipt([a.id]))];
    absorb([c], 'alice', meta, NOW);
    expect(meta.pendingReceipts[c.id]!.ids).toEqual([b.id]);
    // Our other device's receipt for a conversation with nothing pending changes nothing.
    const quiet = conv('direct', ['alice', 'dave'], []);
    quiet.controls = [control('alice', receipt(['x']))];
    absorb([quiet], 'alice', meta, NOW);
    expect(meta.pendingReceipts[quiet.id]).toBeUndefined();
  });

  it('messages our other device already acknowledged are not queued again when they arrive here later', () => {
    const meta = emptyMeta();
    const late = msg('bob', 'late');
    const c = conv('direct', ['alice', 'bob'], []);
    c.controls = [control('alice', receipt([late.id]))];
    absorb([c], 'alice', meta, NOW);
    c.messages.push(late);
    c.controls = [];
    absorb([c], 'alice', meta, NOW);
    expect(meta.pendingReceipts).toEqual({});
    expect(meta.receipted).toContain(late.id);
  });

  it('the self conversation is skipped whole: its receipts mark nothing delivered, its timers set nothing', () => {
    const meta = emptyMeta();
    const mine = msg('alice', 'note');
    const self = conv('self', ['alice'], [mine, msg('alice', 'other')]);
    self.controls = [control('bob', receipt([mine.id])), control('bob', timer(60))];
    self.roster = { ...self.roster, timer: { seconds: 5, by: 'alice' as never, at: '2026-11-28T10:00:00.000Z', id: 'ts' } };
    absorb([self], 'alice', meta, NOW);
    expect(meta.delivered).toEqual({});
    expect(meta.disappear).toEqual({});
    expect(meta.notices).toEqual([]);
    expect(meta.pendingReceipts).toEqual({});
  });

  it('a call signal among the controls sets no timer and makes no notice', () => {
    const meta = emptyMeta();
    const c = conv('direct', ['alice', 'bob'], []);
    c.controls = [control('bob', { t: 'call', id: 'k', callId: 'c', op: 'ring', sentAt: '2026-11-28T10:00:00.000Z' })];
    absorb([c], 'alice', meta, NOW);
    expect(meta.disappear).toEqual({});
    expect(meta.notices).toEqual([]);
  });

  it('a timer control is noted with its sender, setting time and arrival', () => {
    const meta = emptyMeta();
    const c = conv('direct', ['alice', 'bob'], []);
    const t = timer(3600, '2026-11-28T09:00:00.000Z');
    c.controls = [control('bob', t, '2026-11-28T09:00:05.000Z')];
    absorb([c], 'alice', meta, NOW);
    expect(meta.disappear['d:bob']).toEqual({ seconds: 3600, setAt: '2026-11-28T09:00:00.000Z', id: t.id });
    expect(meta.notices).toEqual([{ chatKey: 'd:bob', id: t.id, from: 'bob', seconds: 3600, at: '2026-11-28T09:00:00.000Z', receivedAt: '2026-11-28T09:00:05.000Z' }]);
  });

  it('the roster’s timer is noted (group chat key, arrival = now); not for a conversation left', () => {
    const meta = emptyMeta();
    const g = conv('group', ['alice', 'bob'], [], 'team');
    g.roster = { ...g.roster, timer: { seconds: 30, by: 'bob' as never, at: '2026-11-28T08:00:00.000Z', id: 'rt1' } };
    const left = conv('group', ['alice', 'bob'], [], 'old');
    left.left = true;
    left.roster = { ...left.roster, timer: { seconds: 99, by: 'bob' as never, at: '2026-11-28T08:00:00.000Z', id: 'rt2' } };
    absorb([g, left], 'alice', meta, NOW);
    expect(meta.disappear).toEqual({ [`g:${g.id}`]: { seconds: 30, setAt: '2026-11-28T08:00:00.000Z', id: 'rt1' } });
    expect(meta.notices).toEqual([{ chatKey: `g:${g.id}`, id: 'rt1', from: 'bob', seconds: 30, at: '2026-11-28T08:00:00.000Z', receivedAt: new Date(NOW).toISOString() }]);
  });
});

describe('noteTimer', () => {
  const t = (id: string, seconds: number, at: string) => ({ id, from: 'bob', seconds, at, receivedAt: at });

  it('an older setting arriving late does not replace a newer one, but still shows as a notice', () => {
    const meta = emptyMeta();
    noteTimer(meta, 'd:bob', t('new', 60, '2026-11-28T10:00:00.000Z'));
    noteTimer(meta, 'd:bob', t('old', 3600, '2026-11-28T09:00:00.000Z'));
    expect(meta.disappear['d:bob']).toEqual({ seconds: 60, setAt: '2026-11-28T10:00:00.000Z', id: 'new' });
    expect(meta.notices.map((n) => n.id)).toEqual(['new', 'old']);
    // Set at the same instant: the later one noted wins.
    noteTimer(meta, 'd:bob', t('same', 5, '2026-11-28T10:00:00.000Z'));
    expect(meta.disappear['d:bob']!.id).toBe('same');
  });

  it('the same change offered again adds nothing, even after its notice expired', () => {
    const meta = emptyMeta();
    noteTimer(meta, 'd:bob', t('x', 60, '2026-11-28T10:00:00.000Z'));
    meta.notices = [];
    noteTimer(meta, 'd:bob', t('x', 60, '2026-11-28T10:00:00.000Z'));
    expect(meta.notices).toEqual([]);
    // A change whose notice is still there (another chat's current timer moved on) is not noticed twice.
    noteTimer(meta, 'd:carol', t('y', 60, '2026-11-28T10:00:00.000Z'));
    meta.disappear['d:carol'] = { seconds: 1, setAt: '2026-11-28T11:00:00.000Z', id: 'z' };
    noteTimer(meta, 'd:carol', t('y', 60, '2026-11-28T10:00:00.000Z'));
    expect(meta.notices.filter((n) => n.id === 'y')).toHaveLength(1);
  });

  it('a flood of timer changes keeps the newest 200 notices', () => {
    const meta = emptyMeta();
    for (let i = 0; i < 203; i++) noteTimer(meta, 'd:bob', t(`n${i}`, i, `2026-11-28T10:00:${String(i % 60).padStart(2, '0')}.000Z`));
    expect(meta.notices).toHaveLength(200);
    expect(meta.notices[0]!.id).toBe('n3');
    expect(meta.notices.at(-1)!.id).toBe('n202');
  });
});
