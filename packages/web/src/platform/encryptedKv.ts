/**
 * @module platform/encryptedKv
 * Records sealed with AES-256-GCM, each save under a fresh key: crypto-shredding. The keys
 * live in the key file (platform/keySlots.ts), never in IndexedDB. A save writes a new key
 * to a free slot, commits the record sealed under it (strict durability), then zeros the slot
 * of the key that sealed the record's previous version. Whatever copies of earlier versions
 * IndexedDB's files still hold (LevelDB logs and tables until compaction, freed blob files)
 * are ciphertext under keys that no longer exist anywhere: a message that disappears, or an
 * MLS state that is superseded, is gone once the next save lands.
 *
 * The write that zeros the old key also writes the next save's key (a spare, sealing nothing
 * yet), so a save makes two durable writes: the record's commit and one to the key file.
 *
 * A crash between the steps loses nothing: before the commit the old key still opens the old
 * record; after it the new key opens the new one. A slot a crash left behind (an old key not
 * yet zeroed, a spare) is named by no record, and `collect` zeros it at the next start.
 */
import { idbGet, idbGetPrefixed, idbPut, reopenAfterWipe } from './idb.ts';
import { readOnlyKeyFile, type KeyFile } from './keySlots.ts';
import { StorageError } from './storageError.ts';

const PREFIX = 'shredded:';
/** Where the previous format kept its one key, as a stored CryptoKey. */
const OLD_FORMAT_KEY = 'key:state';

type Sealed = { slot: number; iv: Uint8Array<ArrayBuffer>; ct: ArrayBuffer };

// The service worker keeps the read-only key file; the app installs the writing one.
let keyFile: KeyFile = readOnlyKeyFile;
const keys = new Map<number, CryptoKey>();
/** Record name → the slot of the key its current version is sealed under. */
const slotOf = new Map<string, number>();
/** Record name → its saves, in order: a save must know which slot the previous one used. */
const chains = new Map<string, Promise<void>>();
let collected: Promise<void> | undefined;
/** Keys written ahead that seal nothing yet: a save takes one, and its closing write makes the next. */
const spares: { slot: number; key: CryptoKey }[] = [];
/** Set by wipeKeys: a save that comes after must not write a key file (or a record) anew. */
let wiped = false;

export function installKeyFile(k: KeyFile): void {
  keyFile = k;
  forgetStateKey();
}

/** Forgets cached keys and slots, after a wipe. */
export function forgetStateKey(): void {
  keys.clear();
  spares.length = 0;
  slotOf.clear();
  collected = undefined;
}

/** A new device is being set up in this page after a wipe: saving is allowed again. */
export function reopenStorage(): void {
  // A save that was under way at the wipe may have left a spare behind: its slot is zeroed.
  forgetStateKey();
  wiped = false;
  reopenAfterWipe();
}

/** Zeros and removes the key file: every sealed record, and every old copy of one, is unreadable. */
export async function wipeKeys(): Promise<void> {
  wiped = true;
  forgetStateKey();
  await keyFile.wipe();
}

function associated(name: string): Uint8Array<ArrayBuffer> {
  // The record name is the associated data, so one record cannot be swapped for another.
  return new TextEncoder().encode(`hardline/v2/${name}`);
}

/**
 * Only the key file's writer may remember keys and slots: in any other context (the service
 * worker) they go stale when the app rotates a record's key and reuses its slot.
 */
function remembers(): boolean {
  return keyFile !== readOnlyKeyFile;
}

async function keyFor(slot: number): Promise<CryptoKey | undefined> {
  const cached = remembers() ? keys.get(slot) : undefined;
  if (cached) return cached;
  const key = await keyFile.open(slot);
  if (key && remembers()) keys.set(slot, key);
  return key;
}

export async function sealedGet<T>(name: string): Promise<T | undefined> {
  const sealed = await idbGet<Sealed>(PREFIX + name);
  if (!sealed) {
    if ((await idbGet(OLD_FORMAT_KEY)) !== undefined) {
      throw new StorageError('OLD_STORAGE_FORMAT', 'this browser holds Hardline data saved in an older storage format, which kept its key where it could not be destroyed');
    }
    return undefined;
  }
  const key = await keyFor(sealed.slot);
  if (!key) throw new StorageError('KEY_GONE', `the key that sealed the saved ${name} record is gone`);
  if (remembers()) slotOf.set(name, sealed.slot);
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: associated(name) }, key, sealed.ct);
  return JSON.parse(new TextDecoder().decode(pt)) as T;
}

export function sealedPut(name: string, value: unknown): Promise<void> {
  return sealedPutJson(name, JSON.stringify(value));
}

export function sealedPutJson(name: string, json: string): Promise<void> {
  const next = (chains.get(name) ?? Promise.resolve()).then(() => reseal(name, json));
  chains.set(name, next.catch(() => undefined));
  return next;
}

/** Once per start, before the first new key: zero the slots a crash left allocated but unused. */
function collectOnce(): Promise<void> {
  collected ??= idbGetPrefixed<Sealed>(PREFIX)
    .then((live) => keyFile.collect(live.map((r) => r.slot)))
    .catch(() => undefined);
  return collected;
}

function refuseAfterWipe(name: string): void {
  if (wiped) throw new StorageError('WIPED', `the ${name} record was not saved: this device's data was erased`);
}

async function reseal(name: string, json: string): Promise<void> {
  refuseAfterWipe(name);
  await collectOnce();
  const old = (remembers() ? slotOf.get(name) : undefined) ?? (await idbGet<Sealed>(PREFIX + name))?.slot;
  const fresh = spares.pop() ?? (await keyFile.allocate());
  // Where no key can be written (the service worker), reseal under the record's current key.
  const slot = fresh?.slot ?? old;
  const key = fresh?.key ?? (slot === undefined ? undefined : await keyFor(slot));
  if (slot === undefined || !key) throw new StorageError('KEY_FILE_UNAVAILABLE', `no key to seal the ${name} record with here`);
  if (fresh) keys.set(fresh.slot, fresh.key);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associated(name) }, key, new TextEncoder().encode(json));
  // A wipe may have come while this save was under way.
  refuseAfterWipe(name);
  try {
    await idbPut(PREFIX + name, { slot, iv, ct } satisfies Sealed, 'strict');
  } catch (e) {
    // Not committed: the new key sealed nothing that was kept.
    if (fresh) await shred([fresh.slot], false).catch(() => undefined);
    throw e;
  }
  if (remembers()) slotOf.set(name, slot);
  await shred(old !== undefined && old !== slot ? [old] : [], !!fresh && spares.length === 0);
}

/** Zeros `stale` and, with `spare`, writes the next save's key in the same flush. */
async function shred(stale: number[], spare: boolean): Promise<void> {
  for (const s of stale) keys.delete(s);
  if (stale.length === 0 && !spare) return;
  // A spare is an optimisation: should writing it fail (a full file), the zeroing still must not.
  const next = await keyFile.shred(stale, spare).catch((e: unknown) => (spare ? keyFile.shred(stale, false) : Promise.reject(e)));
  // A spare written just before a wipe lives in a file the wipe zeroes: never keep it.
  if (!next || wiped) return;
  keys.set(next.slot, next.key);
  spares.push(next);
}
