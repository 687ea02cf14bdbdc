/**
 * @module contactBook/storedContactBook
 * What a device keeps about its contact book between runs, inside the engine's (encrypted)
 * device state: the merged book, the book keys it knows, where the relay's copy stood at the
 * last sync, and this device's clock. Read back through a validating decoder, since a bad
 * value here must fail loudly rather than corrupt the merge.
 */
import { decodeBook, DecodeError, encodeBook, EMPTY_BOOK, isHlc, utf8, HLC_ZERO, type BookState, type Hlc } from '@hardline/protocol';

/** One book key, as received in a `book-key` message (or made here). */
export type KnownBookKey = { readonly key: string; readonly generation: number };

export type StoredContactBook = {
  readonly v: 1;
  /** encodeBook, as text. */
  readonly book: string;
  readonly keys: readonly KnownBookKey[];
  /** The relay's copy at the last sync: which blob, at which version. */
  readonly remote?: { readonly blobId: string; readonly version: number };
  /** Local edits not yet pushed. */
  readonly dirty: boolean;
  readonly clock: Hlc;
  /** Devices that were sent the current key, so a newly linked one is noticed and sent it too. */
  readonly keySentTo: readonly string[];
};

export type LoadedContactBook = Omit<StoredContactBook, 'book'> & { readonly state: BookState };

export const MAX_KNOWN_KEYS = 8;

export function freshContactBook(): LoadedContactBook {
  return { v: 1, state: EMPTY_BOOK, keys: [], dirty: false, clock: HLC_ZERO, keySentTo: [] };
}

export function storeContactBook(b: LoadedContactBook): StoredContactBook {
  const { state, ...rest } = b;
  return { ...rest, book: utf8.decode(encodeBook(state)) };
}

export function loadContactBook(raw: unknown): LoadedContactBook {
  if (raw === undefined) return freshContactBook();
  const o = raw as Partial<StoredContactBook> | null;
  const ok =
    o !== null &&
    typeof o === 'object' &&
    o.v === 1 &&
    typeof o.book === 'string' &&
    Array.isArray(o.keys) &&
    o.keys.length <= MAX_KNOWN_KEYS &&
    o.keys.every((k) => typeof k?.key === 'string' && /^[0-9a-f]{64}$/.test(k.key) && Number.isSafeInteger(k.generation)) &&
    typeof o.dirty === 'boolean' &&
    isHlc(o.clock) &&
    Array.isArray(o.keySentTo) &&
    (o.remote === undefined || (typeof o.remote.blobId === 'string' && Number.isSafeInteger(o.remote.version)));
  if (!ok) throw new DecodeError('the saved contact book is damaged');
  const { book, ...rest } = o as StoredContactBook;
  return { ...rest, state: decodeBook(utf8.encode(book)) };
}
