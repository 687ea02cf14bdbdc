/**
 * @module boundedCache.test
 * The relay's in-memory caches (server/src/boundedCache.ts: verified send capabilities,
 * mailbox records, mailbox usage) from the side of a stranger who touches ever more keys: the
 * cache never holds more than its capacity, a replaced key does not empty it, and what it
 * holds is what was last set.
 */
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../src/boundedCache.ts';

describe('a bounded cache', () => {
  it('never holds more than its capacity, however many keys come', () => {
    const c = new BoundedCache<number, string>(3);
    let most = 0;
    for (let i = 0; i < 100; i++) {
      c.set(i, `v${i}`);
      most = Math.max(most, c.size);
      expect(c.get(i)).toBe(`v${i}`);
    }
    expect(most).toBe(3);
  });

  it('is emptied when a new key arrives full, and keeps that key', () => {
    const c = new BoundedCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.size).toBe(2);
    c.set('c', 3);
    expect(c.size).toBe(1);
    expect(c.get('a')).toBeUndefined();
    expect(c.get('c')).toBe(3);
  });

  it('replaces a key it holds without emptying itself', () => {
    const c = new BoundedCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.set('a', 10);
    expect(c.size).toBe(2);
    expect(c.get('a')).toBe(10);
    expect(c.get('b')).toBe(2);
  });

  it('forgets a deleted key, and everything on clear', () => {
    const c = new BoundedCache<string, number>(4);
    c.set('a', 1);
    c.set('b', 2);
    c.delete('a');
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(1);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get('b')).toBeUndefined();
  });

  it('refuses a capacity that would hold nothing, or is not a count', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new BoundedCache(bad)).toThrow(RangeError);
    expect(new BoundedCache(1).capacity).toBe(1);
  });
});
