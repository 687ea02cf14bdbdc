/**
 * @module platform/keySlots
 * Where the keys that seal the browser's saved records live: raw bytes in one file of the
 * origin private file system (OPFS), never in IndexedDB. IndexedDB (LevelDB in Chromium) keeps
 * superseded values in its log and table files until it compacts them, and a stored CryptoKey
 * is written out with its raw bytes, so a key kept there could never be destroyed. An OPFS
 * file written through a FileSystemSyncAccessHandle is overwritten in place (same file, same
 * offset: measured in BENCHMARKS.md, "Web storage at rest"), so zeroing a slot destroys its
 * key, and with it every copy of every record it sealed, wherever LevelDB left them.
 *
 * The file is SLOTS slots of 32 bytes, created at full size and never truncated or grown (a
 * shorter rewrite would free blocks still holding keys). An all-zero slot is free.
 */
import { StorageError } from './storageError.ts';

export const KEY_FILE = 'hardline-keys';
export const SLOT_BYTES = 32;
export const SLOTS = 64;
/** Every reader and writer of the file, in any tab or worker, holds this Web Lock. */
export const KEY_FILE_LOCK = 'hardline-key-file';

/** What sealing needs from the key file. */
export type KeyFile = {
  /** Writes a fresh random key into a free slot (durably) and returns it; undefined where this context cannot write. */
  allocate(): Promise<{ slot: number; key: CryptoKey } | undefined>;
  /** The key in `slot`, or undefined if the slot is empty. */
  open(slot: number): Promise<CryptoKey | undefined>;
  /** Overwrites the slots with zeros and, with `allocate`, writes a fresh key as `allocate()` does, in one durable write. */
  shred(slots: readonly number[], allocate?: boolean): Promise<{ slot: number; key: CryptoKey } | undefined>;
  /** Zeros every slot not in `live`: keys a crash left allocated but never used. */
  collect(live: readonly number[]): Promise<void>;
  /** Zeros the whole file, then removes it. */
  wipe(): Promise<void>;
};

export function isZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

export function importSlotKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  // Non-extractable: once imported, script can only use it; the raw copy is dropped.
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** Reads one slot through the asynchronous API (no exclusive handle): any context can. */
export async function readSlot(slot: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOTS) return undefined;
  let file: File;
  try {
    const root = await navigator.storage.getDirectory();
    file = await (await root.getFileHandle(KEY_FILE)).getFile();
  } catch (e) {
    if (e instanceof DOMException && e.name === 'NotFoundError') return undefined;
    throw new StorageError('KEY_FILE_UNAVAILABLE', 'the browser did not let Hardline read its key file', { cause: e });
  }
  const raw = new Uint8Array(await file.slice(slot * SLOT_BYTES, (slot + 1) * SLOT_BYTES).arrayBuffer());
  return raw.length === SLOT_BYTES && !isZero(raw) ? raw : undefined;
}

/** The key in `slot`, imported non-extractable; undefined if the slot is empty. */
export async function openSlot(slot: number): Promise<CryptoKey | undefined> {
  return await navigator.locks.request(KEY_FILE_LOCK, async (): Promise<CryptoKey | undefined> => {
    const raw = await readSlot(slot);
    return raw ? await importSlotKey(raw) : undefined;
  });
}

/**
 * The service worker's key file: it may read, never write (service workers get no
 * synchronous access handle, and the asynchronous writer copies the file to a swap file, not
 * in place). So it reseals under the key it opened; the app's next save rotates that key away.
 */
export const readOnlyKeyFile: KeyFile = {
  allocate: () => Promise.resolve(undefined),
  open: openSlot,
  shred: () => Promise.resolve(undefined),
  collect: () => Promise.resolve(),
  wipe: () => Promise.resolve(),
};
