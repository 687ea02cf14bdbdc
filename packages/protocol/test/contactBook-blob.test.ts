/**
 * The contact book at rest at the relay: bucket-padded, authenticated, bound to its blob id,
 * and every decoder of it bounded with typed errors.
 */
import { describe, expect, it } from 'vitest';
import {
  applyPatches,
  decodeAppMessage,
  decodeRoster,
  encodeAppMessage,
  BLOB_BUCKETS,
  decodeBook,
  deriveBookKeys,
  EMPTY_BOOK,
  encodeBook,
  HardlineError,
  openBook,
  sealBook,
  type BookState,
} from '../src/index.ts';

const key = new Uint8Array(32).fill(7);
const keys = deriveBookKeys(key);

function bookOf(n: number): BookState {
  return applyPatches(
    EMPTY_BOOK,
    Array.from({ length: n }, (_, i) => ({
      id: i.toString(16).padStart(32, '0'),
      patch: { name: `Person ${i}`, phones: [`+3161234${i}`], emails: [`person${i}@example.org`], notes: 'met at a conference', favourite: false },
      at: { t: 1_700_000_000_000 + i, c: 0, d: 'abcdef012345' },
    })),
  );
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof HardlineError ? e.code : `untyped: ${String(e)}`;
  }
}

describe('book blob', () => {
  it('derives a 32-hex blob id and distinct capability and content keys', () => {
    expect(keys.blobId).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(keys.capability).equals(Buffer.from(keys.encKey))).toBe(false);
    expect(deriveBookKeys(new Uint8Array(32).fill(8)).blobId).not.toBe(keys.blobId);
  });

  it('seals to a bucket size, hides the content, and opens to the same state', async () => {
    const book = bookOf(300);
    const blob = await sealBook(keys, book);
    expect(BLOB_BUCKETS as readonly number[]).toContain(blob.length);
    expect(Buffer.from(blob).includes(Buffer.from('Person 1'))).toBe(false);
    expect(encodeBook(await openBook(keys, blob))).toEqual(encodeBook(book));
    // One more contact does not change the size the relay sees.
    expect((await sealBook(keys, bookOf(301))).length).toBe(blob.length);
  });

  it('fits 10,000 contacts in the largest bucket', async () => {
    const blob = await sealBook(keys, bookOf(10_000));
    expect(blob.length).toBeLessThanOrEqual(BLOB_BUCKETS[BLOB_BUCKETS.length - 1]!);
  });

  it('refuses a wrong key, another blob id, tampering and bad sizes with typed errors', async () => {
    const blob = await sealBook(keys, bookOf(3));
    expect(await codeOf(openBook(deriveBookKeys(new Uint8Array(32).fill(9)), blob))).toBe('CRYPTO');
    expect(await codeOf(openBook({ ...keys, blobId: 'f'.repeat(32) }, blob))).toBe('CRYPTO');
    const flipped = blob.slice();
    flipped[100]! ^= 1;
    expect(await codeOf(openBook(keys, flipped))).toBe('CRYPTO');
    expect(await codeOf(openBook(keys, blob.subarray(0, 1000)))).toBe('DECODE');
    const v2 = blob.slice();
    v2[0] = 2;
    expect(await codeOf(openBook(keys, v2))).toBe('DECODE');
    expect(() => deriveBookKeys(new Uint8Array(16))).toThrow(HardlineError);
  });

  it('decodes only well-formed book states', () => {
    const good = { v: 1, r: { ['1'.repeat(32)]: { f: { name: ['Ann', 1, 0, 'aa'] } } } };
    expect(decodeBook(new TextEncoder().encode(JSON.stringify(good))).records['1'.repeat(32)]).toBeDefined();
    const cases: unknown[] = [
      'not json',
      '{"v":1,"r":{"__proto__":{"f":{}}}}',
      null,
      { v: 2, r: {} },
      { v: 1 },
      { v: 1, r: { short: { f: {} } } },
      { v: 1, r: { ['1'.repeat(32)]: { f: { name: ['x'.repeat(257), 1, 0, 'aa'] } } } },
      { v: 1, r: { ['1'.repeat(32)]: { f: { phones: [Array(21).fill('1'), 1, 0, 'aa'] } } } },
      { v: 1, r: { ['1'.repeat(32)]: { f: { colour: ['red', 1, 0, 'aa'] } } } },
      { v: 1, r: { ['1'.repeat(32)]: { f: { name: ['Ann', -1, 0, 'aa'] } } } },
      { v: 1, r: { ['1'.repeat(32)]: { f: { name: ['Ann', 1, 0, 'NOT HEX'] } } } },
      { v: 1, r: { ['1'.repeat(32)]: { x: [1, 0], f: {} } } },
      { v: 1, r: { ['1'.repeat(32)]: { f: { hardlineHandle: ['Not A Handle', 1, 0, 'aa'] } } } },
    ];
    for (const c of cases) {
      const bytes = new TextEncoder().encode(typeof c === 'string' ? c : JSON.stringify(c));
      expect(() => decodeBook(bytes), JSON.stringify(c)).toThrow(HardlineError);
    }
    const tooMany = { v: 1, r: Object.fromEntries(Array.from({ length: 20_001 }, (_, i) => [i.toString(16).padStart(32, '0'), { f: {} }])) };
    expect(() => decodeBook(new TextEncoder().encode(JSON.stringify(tooMany)))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('carries the book key as a validated application message, and self rosters hold one user', () => {
    const m = { t: 'book-key', id: 'abc', key: 'ab'.repeat(32), generation: 1, sentAt: new Date().toISOString() } as const;
    expect(decodeAppMessage(encodeAppMessage(m))).toEqual(m);
    for (const bad of [{ ...m, key: 'zz' }, { ...m, generation: 0 }, { ...m, generation: 1.5 }, { ...m, sentAt: 'never' }, { ...m, id: 'x'.repeat(65) }]) {
      expect(() => decodeAppMessage(new TextEncoder().encode(JSON.stringify(bad))), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    }
    const roster = { v: 1, kind: 'self', name: '', members: ['alice'], devices: [], sealSecrets: ['ab'.repeat(32)] };
    expect(decodeRoster(new TextEncoder().encode(JSON.stringify(roster))).kind).toBe('self');
    expect(() => decodeRoster(new TextEncoder().encode(JSON.stringify({ ...roster, members: ['alice', 'mallory'] })))).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });
});
