/**
 * @module contacts/contactBookAdapter
 * The one place where the web app meets the contact-book core (ContactBookService in
 * @hardline/client). Screens use only the types and functions here. Every call that writes
 * goes through the engine lock, because the service saves into the engine's device state and
 * its sync sends MLS messages to the user's other devices.
 */
import { HardlineError, type Contact } from '@hardline/protocol';
import type { ContactBookService } from '@hardline/client';

export type BookEntry = Contact;

/**
 * A new contact (no `id`, name required) or the fields of one that changed. Only changed fields
 * may be sent: each field merges on its own across devices, so writing an unchanged field
 * would overwrite another device's concurrent edit of it.
 */
export type EntryDraft = { id?: string; name?: string; phones?: string[]; emails?: string[]; notes?: string };

export type ImportResult = { added: number; updated: number; linked: number };

export type ContactBook = {
  list(): readonly BookEntry[];
  get(id: string): BookEntry | undefined;
  search(query: string): readonly BookEntry[];
  recent(limit: number): readonly BookEntry[];
  upsert(draft: EntryDraft): Promise<BookEntry>;
  remove(id: string): Promise<void>;
  setFavourite(id: string, favourite: boolean): Promise<void>;
  /** Throws BookError with a sentence fit to show. The book is unchanged on error. */
  importVCard(text: string): Promise<ImportResult>;
  exportVCard(): string;
  markContacted(handle: string): Promise<void>;
  onChange(cb: () => void): () => void;
};

export class BookError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BookError';
  }
}

type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>;

function importError(e: unknown): unknown {
  if (!(e instanceof HardlineError)) return e;
  switch (e.code) {
    case 'DECODE':
      return new BookError('DECODE', 'It is not a valid vCard (.vcf) file.');
    case 'TOO_LARGE':
      return new BookError('TOO_LARGE', 'It is too large: the file or the number of contacts in it is over the limit.');
    case 'VALIDATION':
      return new BookError('VALIDATION', 'It holds an entry the contact book cannot take (a field is too long or malformed).');
    default:
      return e;
  }
}

/** Wraps the service; `edited` is told after each local change, so the app can push it soon. */
export function contactBook(service: ContactBookService, exclusive: Exclusive, edited: () => void): ContactBook {
  const write = async <T>(fn: () => Promise<T>): Promise<T> => {
    const r = await exclusive(fn);
    edited();
    return r;
  };
  return {
    list: () => service.list(),
    get: (id) => service.get(id),
    search: (q) => service.search(q),
    recent: (n) => service.recent(n),
    upsert: (d) => {
      if (d.name !== undefined && !d.name.trim()) return Promise.reject(new BookError('VALIDATION', 'A contact needs a name.'));
      if (!d.id && d.name === undefined) return Promise.reject(new BookError('VALIDATION', 'A contact needs a name.'));
      return write(() => service.upsert({ ...d, ...(d.name !== undefined ? { name: d.name.trim() } : {}) }));
    },
    remove: (id) => write(() => service.remove(id)),
    setFavourite: (id, f) => write(async () => void (await service.setFavourite(id, f))),
    async importVCard(text) {
      try {
        const r = await write(() => service.importVCard(text));
        return { added: r.added, updated: r.updated, linked: r.linkedToHardline.length };
      } catch (e) {
        throw importError(e);
      }
    },
    exportVCard: () => service.exportVCard(),
    markContacted: (h) => write(() => service.markContacted(h)),
    onChange: (cb) => service.onChange(() => cb()),
  };
}
