/**
 * @module platform/idb
 * The few IndexedDB calls the app needs, as promises. One database, one key-value store:
 * everything in it is ciphertext, and no key is stored in it (platform/keySlots.ts).
 */
import { StorageError } from './storageError.ts';

const DB_NAME = 'hardline';
const STORE = 'kv';

let opening: Promise<IDBDatabase> | undefined;
/**
 * Set by a wipe: a save still on its way when the data was erased (an engine round, the contact
 * book, the lock's report) would otherwise open the database afresh and write itself back, and
 * the "erased" device opened again after a reload. Lifted only when a new device is set up here.
 */
let wiped = false;

/** After a wipe, a new enrolment in this page may store again. */
export function reopenAfterWipe(): void {
  wiped = false;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export function openDb(): Promise<IDBDatabase> {
  if (wiped) return Promise.reject(new StorageError('WIPED', 'this device\'s data was erased'));
  opening ??= new Promise((resolve, reject) => {
    const r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => {
      // Another tab deleting the database (a wipe) must not be blocked by this one.
      r.result.onversionchange = () => r.result.close();
      resolve(r.result);
    };
    r.onerror = () => reject(r.error ?? new Error('IndexedDB is unavailable'));
  });
  return opening;
}

export async function idbGet<T>(key: string): Promise<T | undefined> {
  const db = await openDb();
  return request(db.transaction(STORE, 'readonly').objectStore(STORE).get(key)) as Promise<T | undefined>;
}

/** Every value whose key starts with `prefix`. */
export async function idbGetPrefixed<T>(prefix: string): Promise<T[]> {
  const db = await openDb();
  return request(db.transaction(STORE, 'readonly').objectStore(STORE).getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`))) as Promise<T[]>;
}

/**
 * `strict`: the commit is on disk when this resolves. Sealed records need it, because the key
 * that sealed the record it replaces is destroyed right after.
 */
export async function idbPut(key: string, value: unknown, durability: IDBTransactionDurability = 'default'): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(STORE, 'readwrite', { durability });
  tx.objectStore(STORE).put(value, key);
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
  });
}

/** Deletes the whole database: device state, contact book, everything. */
export async function idbWipe(): Promise<void> {
  wiped = true;
  if (opening) {
    (await opening.catch(() => undefined))?.close();
    opening = undefined;
  }
  await new Promise<void>((resolve, reject) => {
    const r = indexedDB.deleteDatabase(DB_NAME);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error ?? new Error('could not delete local data'));
    // A blocked delete finishes once other tabs close their connection (onversionchange).
    r.onblocked = () => undefined;
  });
}
