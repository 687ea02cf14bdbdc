/**
 * Look-alike display names (issue 11.5): a stranger who names themselves like a colleague, or
 * like a colleague's handle, is shown with their handle.
 */
import { describe, expect, it } from 'vitest';
import { confusableHandles, nameSkeleton } from '../src/session/confusableNames.ts';

describe('confusableHandles', () => {
  it('flags names that differ only by case, accents, spacing or look-alike characters', () => {
    expect(nameSkeleton('Ålice  Smith')).toBe(nameSkeleton('alice smith'));
    expect(nameSkeleton('AIice')).toBe(nameSkeleton('Alice'));
    const people = [
      { handle: 'alice', name: 'Alice Smith' },
      { handle: 'mallory', name: 'ALICE SMITH' },
      { handle: 'bob', name: 'Bob' },
    ];
    expect([...confusableHandles(people)].sort()).toEqual(['alice', 'mallory']);
  });

  it('flags a name that looks like someone else\'s handle, not one\'s own', () => {
    const people = [
      { handle: 'ceo', name: 'Dana' },
      { handle: 'eve', name: 'CEO' },
      { handle: 'frank', name: 'Frank' },
    ];
    expect([...confusableHandles(people)]).toEqual(['eve']);
  });

  it('flags nobody in an ordinary directory', () => {
    expect(confusableHandles([{ handle: 'a1', name: 'Ann' }, { handle: 'b2', name: 'Ben' }]).size).toBe(0);
  });
});
