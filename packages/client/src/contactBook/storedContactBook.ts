/**
 * @module contactBook/storedContactBook
 * What a device keeps about its contact book between runs, inside the engine's (encrypted)
 * device state: the merged book, the book keys it knows, where the relay's copy stood at the
 * last sync, and this device's clock. Read back through a validating decoder: a bad value must
 * never reach the merge, and must never keep the device from opening either.
 */
import { decodeBook, encodeBook, EMPTY_BOOK, isHlc, latestStamp, maxHlc, utf8, HLC_ZERO, type BookState, type Hlc } from '@hardline/protocol';

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

/** What part of the saved book could not be read back, and was rebuilt. */
export type BookDamage = 'contacts' | 'keys';

export type ReopenedContactBook = { readonly book: LoadedContactBook; readonly damaged: readonly BookDamage[] };

const isKnownKey = (k: unknown): k is KnownBookKey =>
  typeof (k as KnownBookKey | null)?.key === 'string' && /^[0-9a-f]{64}$/.test((k as KnownBookKey).key) && Number.isSafeInteger((k as KnownBookKey).generation);

/**
 * Reads the saved book back, keeping every part that is sound. A damaged part never stops the
 * device from opening (that locked people out for good): the contacts come back from the relay's
 * copy at the next sync, and lost keys are replaced by the service (see ContactBookService).
 */
export function loadContactBook(raw: unknown): ReopenedContactBook {
  if (raw === undefined) return { book: freshContactBook(), damaged: [] };
  const o = (raw !== null && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof StoredContactBook, unknown>>;
  const damaged: BookDamage[] = [];

  const keys = Array.isArray(o.keys) ? o.keys.filter(isKnownKey).slice(0, MAX_KNOWN_KEYS) : [];
  const keysIntact = Array.isArray(o.keys) && keys.length === o.keys.length;
  if (!keysIntact) damaged.push('keys');

  let state = EMPTY_BOOK;
  let bookIntact = o.v === 1 && typeof o.book === 'string';
  if (bookIntact) {
    try {
      state = decodeBook(utf8.encode(o.book as string));
    } catch {
      bookIntact = false;
    }
  }
  if (!bookIntact) damaged.push('contacts');

  // The clock must never go back, or an edit could lose to one this device made earlier; the
  // book holds every stamp that matters, so a clock that is missing (or is the zero clock of a
  // book never edited, which has no device tag) is rebuilt from it.
  const saved = isHlc(o.clock) ? o.clock : HLC_ZERO;
  const clock = maxHlc(saved, latestStamp(state));
  const remote = o.remote as StoredContactBook['remote'] | undefined;
  const remoteOk = bookIntact && remote !== undefined && remote !== null && typeof remote.blobId === 'string' && Number.isSafeInteger(remote.version);
  const book: LoadedContactBook = {
    v: 1,
    state,
    keys,
    // A lost book pulls everything back; an intact one keeps its unpushed edits.
    dirty: bookIntact ? o.dirty === true : false,
    clock,
    // Re-sent to every device when anything was lost: cheap, and a device that missed it recovers.
    keySentTo: damaged.length === 0 && Array.isArray(o.keySentTo) ? o.keySentTo.filter((d): d is string => typeof d === 'string') : [],
    ...(remoteOk ? { remote: { blobId: remote.blobId, version: remote.version } } : {}),
  };
  return { book, damaged };
}
