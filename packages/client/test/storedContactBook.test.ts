/**
 * The saved contact book always reads back (issue 8.1): a book saved before its first edit holds
 * the zero clock, which once failed validation and locked people out for good; and a damaged
 * part is reported and rebuilt instead of stopping the device from opening.
 */
import { describe, expect, it } from 'vitest';
import { applyPatch, EMPTY_BOOK, HLC_ZERO, latestStamp, tickHlc } from '@hardline/protocol';
import { freshContactBook, loadContactBook, storeContactBook } from '../src/contactBook/storedContactBook.ts';

const KEY = { key: 'ab'.repeat(32), generation: 3 };

function savedWithOneContact() {
  const at = tickHlc(HLC_ZERO, 1_700_000_000_000, 'beef');
  const state = applyPatch(EMPTY_BOOK, 'c'.repeat(32), { name: 'Noor' }, at);
  return JSON.parse(JSON.stringify(storeContactBook({ ...freshContactBook(), state, keys: [KEY], clock: at, keySentTo: ['d1'], remote: { blobId: 'b'.repeat(64), version: 4 } })));
}

describe('loadContactBook', () => {
  it('reads back a book saved before its first edit (zero clock) with nothing damaged', () => {
    const saved = JSON.parse(JSON.stringify(storeContactBook(freshContactBook())));
    expect(saved.clock).toEqual(HLC_ZERO);
    const { book, damaged } = loadContactBook(saved);
    expect(damaged).toEqual([]);
    expect(book.clock).toEqual(HLC_ZERO);
  });

  it('reads back a sound book whole', () => {
    const saved = savedWithOneContact();
    const { book, damaged } = loadContactBook(saved);
    expect(damaged).toEqual([]);
    expect(book.keys).toEqual([KEY]);
    expect(book.keySentTo).toEqual(['d1']);
    expect(book.remote).toEqual({ blobId: 'b'.repeat(64), version: 4 });
    expect(Object.keys(book.state.records)).toHaveLength(1);
  });

  it('keeps the keys when the contacts are damaged, and pulls the contacts again', () => {
    const saved = { ...savedWithOneContact(), book: '{"not a book' };
    const { book, damaged } = loadContactBook(saved);
    expect(damaged).toEqual(['contacts']);
    expect(book.keys).toEqual([KEY]);
    expect(book.state).toEqual(EMPTY_BOOK);
    // No stale "where the relay stood": the next sync pulls the relay's copy whole.
    expect(book.remote).toBeUndefined();
    expect(book.dirty).toBe(false);
    // Every device hears the key again.
    expect(book.keySentTo).toEqual([]);
  });

  it('keeps the contacts when the keys are damaged', () => {
    const saved = { ...savedWithOneContact(), keys: [{ key: 'zz', generation: 1 }, KEY] };
    const { book, damaged } = loadContactBook(saved);
    expect(damaged).toEqual(['keys']);
    expect(book.keys).toEqual([KEY]);
    expect(Object.keys(book.state.records)).toHaveLength(1);
  });

  it('never moves the clock back behind what the book holds', () => {
    const saved = { ...savedWithOneContact(), clock: { t: -1, c: 0, d: '' } };
    const { book } = loadContactBook(saved);
    expect(book.clock).toEqual(latestStamp(book.state));
  });

  it('opens garbage of any shape as an empty book with everything marked damaged', () => {
    for (const junk of [null, 7, 'x', [], { v: 2 }]) {
      const { book, damaged } = loadContactBook(junk);
      expect(damaged).toEqual(['keys', 'contacts']);
      expect(book.state).toEqual(EMPTY_BOOK);
    }
  });
});
