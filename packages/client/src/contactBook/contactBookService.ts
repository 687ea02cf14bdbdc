/**
 * @module contactBook/contactBookService
 * The contact book a person keeps: local edits, vCard import/export, directory matching, and
 * encrypted sync across the user's own devices through an opaque blob at the relay.
 *
 * Sync is pull, merge, push with compare-and-swap: the relay stores one blob per book key, and a
 * write names the version it replaces, so two devices pushing at once cannot overwrite each
 * other; the loser pulls, merges (the CRDT in @hardline/protocol keeps both edits) and retries.
 * The book key reaches the user's other devices inside their MLS self conversation, never the
 * relay. See docs/protocol.md §9.
 *
 * Runs wherever the engine runs (browser or Node): no platform imports. Calls into the engine
 * (sync, self conversation) must not overlap other engine calls; the app serialises them.
 */
import {
  applyPatch,
  applyPatches,
  CONTACT_ID_RE,
  ContactLimits,
  contactOf,
  deleteContact,
  deriveBookKeys,
  encodeBook,
  exportVCards,
  fromHex,
  HardlineError,
  latestStamp,
  liveContacts,
  maxHlc,
  mergeBooks,
  openBook,
  parseVCards,
  randomBytes,
  sealBook,
  tickHlc,
  toHex,
  bytesEqual,
  ValidationError,
  type BookEdit,
  type BookKeyMessage,
  type BookState,
  type Contact,
  type ContactPatch,
  type VCardEntry,
} from '@hardline/protocol';
import type { HardlineClient } from '../hardlineClient.ts';
import { indexDirectory, matchEntry, type DirectoryIndex } from './directoryMatch.ts';
import { loadContactBook, MAX_KNOWN_KEYS, storeContactBook, type BookDamage, type KnownBookKey, type LoadedContactBook } from './storedContactBook.ts';

export const CONTACT_BOOK_EXTENSION = 'contactBook';
const CAS_RETRIES = 6;

export type ContactBookOptions = {
  /** ISO 3166 alpha-2 country for reading numbers written without a country code ("NL"). */
  defaultCountry?: string;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
};

/** A new contact (no `id`) or changes to an existing one (`id`). */
export type ContactInput = ContactPatch & { readonly id?: string };

export type ImportResult = {
  /** New contacts. */
  readonly added: number;
  /** Existing contacts the file added numbers or emails to (same name and a shared number or email). */
  readonly updated: number;
  /** Imported entries now linked to an org directory user. */
  readonly linkedToHardline: readonly Contact[];
  /** Imported entries that are "not on Hardline yet". */
  readonly notOnHardline: readonly Contact[];
};

export type BookSyncResult = {
  /** The relay's copy brought in changes from another device. */
  readonly changed: boolean;
  /** This device wrote a new version to the relay. */
  readonly pushed: boolean;
  readonly version: number;
};

export type ContactBookListener = (contacts: readonly Contact[]) => void;

export class ContactBookService {
  private book: LoadedContactBook;
  private readonly listeners = new Set<ContactBookListener>();
  private readonly country: string;
  private readonly now: () => number;
  private readonly deviceTag: string;
  /** Parts of the saved book that could not be read back at open, and are being rebuilt. */
  readonly damaged: readonly BookDamage[];

  private constructor(
    private readonly client: HardlineClient,
    opts: ContactBookOptions,
  ) {
    const reopened = loadContactBook(client.extensionState(CONTACT_BOOK_EXTENSION));
    this.book = reopened.book;
    this.damaged = reopened.damaged;
    this.country = opts.defaultCountry ?? '';
    this.now = opts.now ?? Date.now;
    // A short tag is enough to break ties between one user's devices, and keeps the blob small.
    this.deviceTag = client.deviceId.slice(0, 12);
  }

  /** Opens the book saved in the engine's device state (empty on first use). Works offline. */
  static async open(client: HardlineClient, opts: ContactBookOptions = {}): Promise<ContactBookService> {
    return new ContactBookService(client, opts);
  }

  // ---------- reading ----------

  /** Every live contact, by name. */
  list(): Contact[] {
    return liveContacts(this.book.state).sort(byName);
  }

  get(id: string): Contact | undefined {
    return CONTACT_ID_RE.test(id) ? contactOf(this.book.state, id) : undefined;
  }

  /** Case-insensitive match on name, email, notes and handle; digits of a number match too. */
  search(query: string): Contact[] {
    const q = query.trim().toLowerCase();
    if (!q) return this.list();
    const digits = q.replace(/[^0-9]/g, '');
    return this.list().filter(
      (c) =>
        c.name.toLowerCase().includes(q) ||
        c.emails.some((e) => e.toLowerCase().includes(q)) ||
        c.notes.toLowerCase().includes(q) ||
        (c.hardlineHandle?.includes(q) ?? false) ||
        (digits.length >= 3 && c.phones.some((p) => p.replace(/[^0-9]/g, '').includes(digits))),
    );
  }

  /** Most recently contacted first. */
  recent(limit = 10): Contact[] {
    return this.list()
      .filter((c) => c.lastContactedAt)
      .sort((a, b) => b.lastContactedAt!.localeCompare(a.lastContactedAt!))
      .slice(0, limit);
  }

  favourites(): Contact[] {
    return this.list().filter((c) => c.favourite);
  }

  /** The whole book as vCard 4.0 text. */
  exportVCard(): string {
    // The org policy may keep the contact book inside Hardline (orgPolicy.ts).
    this.client.requireOrgCapability('contactExport');
    return exportVCards(this.list());
  }

  /** Called with the full list after every change, local or synced. Returns an unsubscribe. */
  onChange(listener: ContactBookListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------- editing ----------

  /** Creates a contact (no `id`) or changes the given fields of one. Links it to the directory when it matches. */
  async upsert(input: ContactInput): Promise<Contact> {
    const { id: given, ...patch } = input;
    let state = this.book.state;
    const id = given ?? newContactId();
    if (!CONTACT_ID_RE.test(id)) throw new ValidationError('contact id must be 32 hex characters');
    const existing = contactOf(state, id);
    if (!existing && liveContacts(state).length >= ContactLimits.MAX_CONTACTS) {
      throw new HardlineError('TOO_LARGE', `the contact book is full (${ContactLimits.MAX_CONTACTS} contacts)`);
    }
    // A new contact writes every field, so each has a register from the start.
    const full: ContactPatch = existing ? patch : { name: '', phones: [], emails: [], notes: '', favourite: false, ...patch };
    const withLink = this.withDirectoryLink(existing, full);
    state = applyPatch(state, id, withLink, this.tick());
    await this.commit(state);
    return contactOf(this.book.state, id)!;
  }

  async remove(id: string): Promise<void> {
    if (!this.get(id)) throw new HardlineError('NOT_FOUND', 'no such contact');
    await this.commit(deleteContact(this.book.state, id, this.tick()));
  }

  async setFavourite(id: string, favourite: boolean): Promise<Contact> {
    if (!this.get(id)) throw new HardlineError('NOT_FOUND', 'no such contact');
    return this.upsert({ id, favourite });
  }

  /** Records that the user just talked to `handle` (for `recent()`); no-op when no contact is linked to it. */
  async markContacted(handle: string, at: Date = new Date(this.now())): Promise<void> {
    const ids = this.list().filter((c) => c.hardlineHandle === handle).map((c) => c.id);
    if (ids.length === 0) return;
    let state = this.book.state;
    for (const id of ids) state = applyPatch(state, id, { lastContactedAt: at.toISOString() }, this.tick());
    await this.commit(state);
  }

  /**
   * Imports every entry of a .vcf file, or nothing: a malformed or oversized file, or one that
   * would overfill the book, throws a typed error (DECODE, TOO_LARGE) and leaves the book as it was.
   */
  async importVCard(text: string): Promise<ImportResult> {
    const entries = parseVCards(text);
    const index = this.directoryIndex();
    // What each touched contact looks like as the import goes, so later entries can merge into it.
    const working = new Map<string, Contact>();
    const idsByName = new Map<string, string[]>();
    const live = liveContacts(this.book.state);
    for (const c of live) {
      working.set(c.id, c);
      pushTo(idsByName, c.name.trim().toLowerCase(), c.id);
    }
    const edits: BookEdit[] = [];
    const touched = new Set<string>();
    let added = 0;
    let updated = 0;
    for (const e of entries) {
      const handle = matchEntry(e, index, this.country);
      const sameId = (idsByName.get(e.name.trim().toLowerCase()) ?? []).find((id) => isSamePerson(working.get(id)!, e));
      if (sameId) {
        const c = working.get(sameId)!;
        const phones = [...new Set([...c.phones, ...e.phones])].slice(0, ContactLimits.MAX_PHONES);
        const emails = [...new Set([...c.emails, ...e.emails])].slice(0, ContactLimits.MAX_EMAILS);
        const patch: ContactPatch = {
          ...(phones.length !== c.phones.length ? { phones } : {}),
          ...(emails.length !== c.emails.length ? { emails } : {}),
          ...(!c.notes && e.notes ? { notes: e.notes } : {}),
          ...(!c.hardlineHandle && handle ? { hardlineHandle: handle } : {}),
        };
        if (Object.keys(patch).length > 0) {
          edits.push({ id: sameId, patch, at: this.tick() });
          working.set(sameId, { ...c, phones, emails, notes: patch.notes ?? c.notes, ...(c.hardlineHandle || handle ? { hardlineHandle: c.hardlineHandle ?? handle! } : {}) });
          if (!touched.has(sameId)) updated++;
        }
        touched.add(sameId);
        continue;
      }
      const id = newContactId();
      const patch = { name: e.name, phones: e.phones, emails: e.emails, notes: e.notes, favourite: e.favourite, hardlineHandle: handle ?? null, lastContactedAt: null };
      edits.push({ id, patch, at: this.tick() });
      working.set(id, { id, name: e.name, phones: e.phones, emails: e.emails, notes: e.notes, favourite: e.favourite, ...(handle ? { hardlineHandle: handle } : {}) });
      pushTo(idsByName, e.name.trim().toLowerCase(), id);
      touched.add(id);
      added++;
    }
    if (live.length + added > ContactLimits.MAX_CONTACTS) {
      throw new HardlineError('TOO_LARGE', `importing this file would make the book hold more than ${ContactLimits.MAX_CONTACTS} contacts; nothing was imported`);
    }
    // Every entry was read and checked before this point: the book changes all at once or not at all.
    await this.commit(applyPatches(this.book.state, edits));
    const imported = [...touched].map((id) => contactOf(this.book.state, id)!).sort(byName);
    return {
      added,
      updated,
      linkedToHardline: imported.filter((c) => c.hardlineHandle),
      notOnHardline: imported.filter((c) => !c.hardlineHandle),
    };
  }

  /**
   * Links every unlinked contact that matches the directory (after a refresh, so newly
   * published numbers count). The whole directory is fetched; nothing about the book is sent.
   */
  async linkToDirectory(): Promise<number> {
    await this.client.refreshDirectory();
    const index = this.directoryIndex();
    let state = this.book.state;
    let linked = 0;
    for (const c of liveContacts(state)) {
      if (c.hardlineHandle) continue;
      const h = matchEntry(c, index, this.country);
      if (!h) continue;
      state = applyPatch(state, c.id, { hardlineHandle: h }, this.tick());
      linked++;
    }
    if (linked > 0) await this.commit(state);
    return linked;
  }

  // ---------- sync ----------

  /**
   * Brings this device's book and the relay's copy together: runs the engine's sync (unless
   * `engine: false`, for an app that runs its own sync loop), takes book keys sent by the user's
   * other devices, makes and shares a key if there is none, then pulls, merges and pushes.
   */
  async sync(opts: { engine?: boolean } = {}): Promise<BookSyncResult> {
    if (opts.engine !== false) await this.client.sync();
    await this.takeKeys();
    await this.rotateIfRevoked();
    if (this.book.keys.length === 0) await this.save({ ...this.book, keys: [{ key: toHex(randomBytes(32)), generation: this.firstGeneration() }], keySentTo: [] });
    await this.shareKey();
    return this.pushPull();
  }

  /**
   * A first key starts at generation 1. A key made because the saved keys were lost must
   * outrank the key the user's other devices still hold (which this device can no longer name):
   * they then adopt it and push their whole book into its blob, which is how this device gets
   * its contacts back. Seconds since the epoch outrank any generation reached by rotations.
   */
  private firstGeneration(): number {
    return this.damaged.includes('keys') ? Math.max(2, Math.floor(this.now() / 1000)) : 1;
  }

  private canonicalKey(): KnownBookKey & { blobId: string } {
    const withIds = this.book.keys.map((k) => ({ ...k, blobId: deriveBookKeys(fromHex(k.key, 32)).blobId }));
    // Newest generation wins; two devices that made a first key at once settle on the smaller blob id.
    withIds.sort((a, b) => b.generation - a.generation || a.blobId.localeCompare(b.blobId));
    return withIds[0]!;
  }

  private async takeKeys(): Promise<void> {
    const msgs = (await this.client.takeSelfMessages()).filter((m): m is BookKeyMessage => m.t === 'book-key');
    if (msgs.length === 0) return;
    const had = this.book.keys.length > 0 ? this.canonicalKey().key : undefined;
    const keys = [...this.book.keys];
    for (const m of msgs) if (!keys.some((k) => k.key === m.key)) keys.push({ key: m.key, generation: m.generation });
    // Keep the newest few; an old key's content was merged into the book when it was replaced.
    keys.sort((a, b) => b.generation - a.generation);
    await this.save({ ...this.book, keys: keys.slice(0, MAX_KNOWN_KEYS) });
    // When another key now leads, this device's book (which holds everything it knew under the
    // old key) goes into the new blob, and the devices it told about the old key hear of the new.
    if (had !== undefined && had !== this.canonicalKey().key) await this.save({ ...this.book, keySentTo: [], dirty: true });
  }

  /** A revoked device kept the key: replace it, so the revoked device cannot read what follows. */
  private async rotateIfRevoked(): Promise<void> {
    if (this.book.keys.length === 0) return;
    const own = this.client.directory().find((u) => u.handle === this.client.handle);
    const revoked = new Set((own?.devices ?? []).filter((d) => d.revoked).map((d) => d.deviceId as string));
    if (!this.book.keySentTo.some((d) => revoked.has(d))) return;
    const generation = this.canonicalKey().generation + 1;
    const keys = [{ key: toHex(randomBytes(32)), generation }, ...this.book.keys].slice(0, MAX_KNOWN_KEYS);
    await this.save({ ...this.book, keys, keySentTo: [], dirty: true });
  }

  private async shareKey(): Promise<void> {
    const devices = await this.client.ensureSelfConversation();
    const others = devices.filter((d) => d !== this.client.deviceId);
    if (others.every((d) => this.book.keySentTo.includes(d))) return;
    const k = this.canonicalKey();
    await this.client.sendToSelf({ t: 'book-key', id: toHex(randomBytes(8)), key: k.key, generation: k.generation, sentAt: new Date(this.now()).toISOString() });
    await this.save({ ...this.book, keySentTo: others });
  }

  private async pushPull(): Promise<BookSyncResult> {
    const k = this.canonicalKey();
    const keys = deriveBookKeys(fromHex(k.key, 32));
    const api = this.client.relay();
    const before = encodeBook(this.book.state);
    let pushed = false;
    let version = 0;
    for (let attempt = 0; ; attempt++) {
      if (attempt >= CAS_RETRIES) throw new HardlineError('CONFLICT', 'the contact book keeps changing on another device; try again');
      const remote = await api.getBlob(keys.blobId, keys.capability);
      let remoteBytes: Uint8Array | undefined;
      if (remote) {
        const remoteState = await openBook(keys, remote.data);
        remoteBytes = encodeBook(remoteState);
        this.book = { ...this.book, state: mergeBooks(this.book.state, remoteState), clock: maxHlc(this.book.clock, latestStamp(remoteState)) };
      }
      version = remote?.version ?? 0;
      if (remoteBytes && bytesEqual(remoteBytes, encodeBook(this.book.state))) break;
      try {
        version = await api.putBlob(keys.blobId, keys.capability, version, await sealBook(keys, this.book.state));
        pushed = true;
        break;
      } catch (e) {
        if (!(e instanceof HardlineError && e.code === 'CONFLICT')) throw e;
      }
    }
    await this.save({ ...this.book, dirty: false, remote: { blobId: keys.blobId, version } });
    const changed = !bytesEqual(before, encodeBook(this.book.state));
    if (changed) this.emit();
    return { changed, pushed, version };
  }

  // ---------- internals ----------

  private tick() {
    const clock = tickHlc(this.book.clock, this.now(), this.deviceTag);
    this.book = { ...this.book, clock };
    return clock;
  }

  private directoryIndex(): DirectoryIndex {
    return indexDirectory(this.client.directory(), this.client.handle, this.country);
  }

  private withDirectoryLink(existing: Contact | undefined, patch: ContactPatch): ContactPatch {
    if (patch.hardlineHandle !== undefined) return patch;
    const merged = { phones: patch.phones ?? existing?.phones ?? [], emails: patch.emails ?? existing?.emails ?? [], ...(existing?.hardlineHandle ? { hardlineHandle: existing.hardlineHandle } : {}) };
    const h = matchEntry(merged, this.directoryIndex(), this.country);
    return h && h !== existing?.hardlineHandle ? { ...patch, hardlineHandle: h } : patch;
  }

  private async commit(state: BookState): Promise<void> {
    await this.save({ ...this.book, state, dirty: true });
    this.emit();
  }

  private async save(next: LoadedContactBook): Promise<void> {
    this.book = next;
    await this.client.saveExtensionState(CONTACT_BOOK_EXTENSION, storeContactBook(next));
  }

  private emit(): void {
    const list = this.list();
    for (const l of this.listeners) l(list);
  }
}

function newContactId(): string {
  return toHex(randomBytes(16));
}

function byName(a: Contact, b: Contact): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

function pushTo(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Same name (checked by the caller) and a shared number or email, or neither has any. */
function isSamePerson(c: Contact, e: VCardEntry): boolean {
  const norm = (p: string) => p.replace(/[^0-9+]/g, '');
  const phones = new Set(c.phones.map(norm));
  const emails = new Set(c.emails.map((m) => m.toLowerCase()));
  if (c.phones.length + c.emails.length + e.phones.length + e.emails.length === 0) return true;
  return e.phones.some((p) => phones.has(norm(p))) || e.emails.some((m) => emails.has(m.toLowerCase()));
}
