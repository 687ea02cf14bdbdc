/**
 * @module console/browserOrgKey
 * The org security key in the console's browser: an Ed25519 WebCrypto key that is never
 * extractable, kept (as a CryptoKey) in its own IndexedDB database, apart from any device's
 * state. A key made here cannot be backed up, by design; for an offline backup and a recovery
 * path, make the key with `hardline admin key create` (a file kept offline) and import it here:
 * importing turns it into a non-extractable key in this browser, the file stays the backup.
 */
import { fromBase64Url, parseOrgKeyPair, toBase64Url } from '@hardline/protocol';

const DB = 'hardline-console';
const STORE = 'keys';
const ID = 'org-key';

export type BrowserOrgKey = { readonly publicKey: string; readonly privateKey: CryptoKey; readonly origin: 'browser' | 'file' };

function db(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB is unavailable'));
  });
}

async function put(key: BrowserOrgKey): Promise<void> {
  const tx = (await db()).transaction(STORE, 'readwrite');
  tx.objectStore(STORE).put(key, ID);
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('could not save the org key'));
  });
}

export async function loadOrgKey(): Promise<BrowserOrgKey | undefined> {
  const r = (await db()).transaction(STORE, 'readonly').objectStore(STORE).get(ID);
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result as BrowserOrgKey | undefined);
    r.onerror = () => reject(r.error ?? new Error('could not read the org key'));
  });
}

export async function createOrgKey(): Promise<BrowserOrgKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const key = { publicKey: toBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))), privateKey: pair.privateKey, origin: 'browser' as const };
  await put(key);
  return key;
}

/** A file from `hardline admin key create`; checked (the halves must match) before it is kept. */
export async function importOrgKeyFile(text: string): Promise<BrowserOrgKey> {
  const pair = parseOrgKeyPair(JSON.parse(text));
  const jwk = { kty: 'OKP', crv: 'Ed25519', x: pair.publicKey, d: pair.secretKey };
  const privateKey = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
  const key = { publicKey: pair.publicKey, privateKey, origin: 'file' as const };
  await put(key);
  return key;
}

export async function signWith(key: BrowserOrgKey, bytes: Uint8Array): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, bytes as BufferSource)));
}

export { fromBase64Url };
