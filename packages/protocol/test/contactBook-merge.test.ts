/**
 * The contact book CRDT: merge is commutative, associative and idempotent under random edits
 * from several devices, concurrent edits of different fields both survive, and deletion hides
 * (and drops) what was written before it.
 */
import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  contactOf,
  decodeBook,
  deleteContact,
  EMPTY_BOOK,
  encodeBook,
  HLC_ZERO,
  liveContacts,
  mergeBooks,
  tickHlc,
  type BookState,
  type ContactPatch,
  type Hlc,
} from '../src/index.ts';

/** Small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IDS = ['0'.repeat(31) + '1', '0'.repeat(31) + '2', '0'.repeat(31) + '3', '0'.repeat(31) + '4'];
const enc = (s: BookState) => new TextDecoder().decode(encodeBook(s));

/** A device doing `n` random edits, with a wall clock that may lag or repeat. */
function randomReplica(seed: number, device: string, n: number): BookState {
  const r = rng(seed);
  let state = EMPTY_BOOK;
  let clock: Hlc = HLC_ZERO;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  for (let i = 0; i < n; i++) {
    // Coarse times so that equal milliseconds across devices are common.
    clock = tickHlc(clock, 1000 + Math.floor(r() * 20), device);
    const id = pick(IDS);
    const op = r();
    if (op < 0.15) {
      state = deleteContact(state, id, clock);
      continue;
    }
    const patches: ContactPatch[] = [
      { name: pick(['Ann', 'Bo', 'Cy', 'Di']) },
      { phones: pick([[], ['+31 6 1'], ['+31 6 1', '020 2']]) },
      { emails: pick([[], ['a@x.nl']]) },
      { notes: pick(['', 'met at conf', 'n' + i]) },
      { favourite: r() < 0.5 },
      { hardlineHandle: pick([null, 'bob', 'carol']) },
      { lastContactedAt: pick([null, '2024-01-01T00:00:00.000Z']) },
    ];
    state = applyPatch(state, id, pick(patches), clock);
  }
  return state;
}

describe('contact book merge', () => {
  it('is commutative, associative and idempotent over random edits', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const a = randomReplica(seed * 3, 'aa', 12);
      const b = randomReplica(seed * 3 + 1, 'bb', 12);
      const c = randomReplica(seed * 3 + 2, 'cc', 12);
      expect(enc(mergeBooks(a, b)), `seed ${seed}`).toBe(enc(mergeBooks(b, a)));
      expect(enc(mergeBooks(mergeBooks(a, b), c)), `seed ${seed}`).toBe(enc(mergeBooks(a, mergeBooks(b, c))));
      expect(enc(mergeBooks(a, a))).toBe(enc(a));
      const ab = mergeBooks(a, b);
      expect(enc(mergeBooks(ab, b)), `seed ${seed}`).toBe(enc(ab));
      // The byte form round-trips exactly.
      expect(enc(decodeBook(encodeBook(ab)))).toBe(enc(ab));
    }
  });

  it('does not change its inputs', () => {
    const a = randomReplica(7, 'aa', 20);
    const b = randomReplica(8, 'bb', 20);
    const [sa, sb] = [enc(a), enc(b)];
    mergeBooks(a, b);
    applyPatch(a, IDS[0]!, { name: 'changed' }, { t: 9e9, c: 0, d: 'ff' });
    expect([enc(a), enc(b)]).toEqual([sa, sb]);
  });

  it('keeps both of two offline edits to different fields of one contact', () => {
    const id = IDS[0]!;
    const base = applyPatch(EMPTY_BOOK, id, { name: 'Ann', phones: ['1'], notes: '' }, { t: 1, c: 0, d: 'aa' });
    const onPhone = applyPatch(base, id, { phones: ['1', '2'] }, { t: 5, c: 0, d: 'aa' });
    const onLaptop = applyPatch(base, id, { notes: 'likes tea' }, { t: 3, c: 0, d: 'bb' });
    const merged = contactOf(mergeBooks(onPhone, onLaptop), id)!;
    expect(merged).toMatchObject({ name: 'Ann', phones: ['1', '2'], notes: 'likes tea' });
  });

  it('lets the later write win on the same field, with the device as the tie-break', () => {
    const id = IDS[1]!;
    const a = applyPatch(EMPTY_BOOK, id, { name: 'A' }, { t: 10, c: 0, d: 'aa' });
    const b = applyPatch(EMPTY_BOOK, id, { name: 'B' }, { t: 10, c: 0, d: 'bb' });
    expect(contactOf(mergeBooks(a, b), id)!.name).toBe('B');
    const later = applyPatch(EMPTY_BOOK, id, { name: 'C' }, { t: 10, c: 1, d: 'aa' });
    expect(contactOf(mergeBooks(b, later), id)!.name).toBe('C');
  });

  it('deletes with a tombstone that drops earlier values, and an edit made after it survives', () => {
    const id = IDS[2]!;
    const s = applyPatch(EMPTY_BOOK, id, { name: 'Secret Source', phones: ['+31 6 999'] }, { t: 1, c: 0, d: 'aa' });
    const deleted = deleteContact(s, id, { t: 2, c: 0, d: 'aa' });
    expect(contactOf(deleted, id)).toBeUndefined();
    // The deleted name is gone from the bytes, not merely hidden.
    expect(enc(deleted)).not.toContain('Secret Source');
    // A stale copy merged in later does not bring it back.
    expect(contactOf(mergeBooks(s, deleted), id)).toBeUndefined();
    expect(enc(mergeBooks(s, deleted))).not.toContain('Secret Source');
    const editedAfter = applyPatch(s, id, { notes: 'new' }, { t: 3, c: 0, d: 'bb' });
    expect(contactOf(mergeBooks(deleted, editedAfter), id)).toMatchObject({ notes: 'new' });
    expect(liveContacts(mergeBooks(deleted, editedAfter))).toHaveLength(1);
  });

  it('moves a clock past what it has seen, even when the wall clock runs behind', () => {
    const seen: Hlc = { t: 5000, c: 3, d: 'bb' };
    const next = tickHlc(seen, 1000, 'aa');
    expect(next).toEqual({ t: 5000, c: 4, d: 'aa' });
    expect(tickHlc(next, 6000, 'aa')).toEqual({ t: 6000, c: 0, d: 'aa' });
  });
});
