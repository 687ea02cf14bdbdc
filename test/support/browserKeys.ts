/**
 * @module test/support/browserKeys
 * The observer's and the old version's view of the web app's keys (packages/web/src/platform/
 * keySlots.ts): read the key that seals the device record right now, from a page of the app's
 * origin while it runs, and plant state in the format that kept its key in IndexedDB.
 */
import type { Page } from 'playwright-core';

/** Hex of the key sealing the current device record, or undefined (none yet, or no key file). */
export function currentDeviceKey(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('hardline', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('kv');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    try {
      const rec = await new Promise<{ slot?: number } | undefined>((resolve, reject) => {
        const r = db.transaction('kv', 'readonly').objectStore('kv').get('shredded:device');
        r.onsuccess = () => resolve(r.result as { slot?: number } | undefined);
        r.onerror = () => reject(r.error);
      });
      if (rec?.slot === undefined) return undefined;
      const slot = rec.slot;
      const raw = await navigator.locks.request('hardline-key-file', async (): Promise<Uint8Array> => {
        const file = await (await (await navigator.storage.getDirectory()).getFileHandle('hardline-keys')).getFile();
        return new Uint8Array(await file.slice(slot * 32, slot * 32 + 32).arrayBuffer());
      });
      return Array.from(raw, (b) => b.toString(16).padStart(2, '0')).join('');
    } catch {
      return undefined;
    } finally {
      db.close();
    }
  });
}

/**
 * Every non-zero 32-byte slot of the key file, as hex; none if there is no key file. Reads under
 * the app's Web Lock on the file, as the app does, so a read never meets a write in progress.
 */
export function keyFileSlots(page: Page): Promise<string[]> {
  return page.evaluate(async () =>
    // `await`: the lock's callback returns a promise, which the lock's own promise would wrap.
    await navigator.locks.request('hardline-key-file', async (): Promise<string[]> => {
      let file: File;
      try {
        file = await (await (await navigator.storage.getDirectory()).getFileHandle('hardline-keys')).getFile();
      } catch (e) {
        if (e instanceof DOMException && e.name === 'NotFoundError') return [];
        throw e;
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const out: string[] = [];
      for (let at = 0; at + 32 <= bytes.length; at += 32) {
        const slot = bytes.subarray(at, at + 32);
        if (slot.some((b) => b !== 0)) out.push(Array.from(slot, (b) => b.toString(16).padStart(2, '0')).join(''));
      }
      return out;
    }),
  );
}

/**
 * Replaces the origin's database with one in the format before crypto-shredding: a stored
 * non-extractable CryptoKey beside a record sealed with it. Navigates to a static file first.
 */
export async function plantOldFormat(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/manifest.webmanifest`);
  await page.evaluate(async () => {
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.deleteDatabase('hardline');
      r.onsuccess = () => resolve();
      r.onerror = () => reject(r.error);
    });
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('hardline', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('kv');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode('device') }, key, new TextEncoder().encode('{"v":1}'));
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('kv', 'readwrite');
      tx.objectStore('kv').put(key, 'key:state');
      tx.objectStore('kv').put({ iv, ct }, 'sealed:device');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  });
}

/** The keys of the origin's database, or undefined if there is no such database. */
export function storedRecordNames(page: Page): Promise<string[] | undefined> {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'hardline')) return undefined;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('hardline', 1);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    try {
      return await new Promise<string[]>((resolve, reject) => {
        const r = db.transaction('kv', 'readonly').objectStore('kv').getAllKeys();
        r.onsuccess = () => resolve(r.result.map(String));
        r.onerror = () => reject(r.error);
      });
    } finally {
      db.close();
    }
  });
}

/** Zeros the whole key file, as a disk error or a partial clear of site data would. Navigates like plantOldFormat. */
export async function zeroKeyFile(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/manifest.webmanifest`);
  await page.evaluate(async () => {
    const handle = await (await navigator.storage.getDirectory()).getFileHandle('hardline-keys');
    const size = (await handle.getFile()).size;
    const w = await handle.createWritable({ keepExistingData: true });
    await w.write({ type: 'write', position: 0, data: new Uint8Array(size) });
    await w.close();
  });
}

/**
 * Writes `hex` into key slot `slot`, as a crash between writing a key and zeroing one leaves a
 * key that no record names. Navigates like plantOldFormat.
 */
export async function plantKeySlot(page: Page, origin: string, slot: number, hex: string): Promise<void> {
  await page.goto(`${origin}/manifest.webmanifest`);
  await page.evaluate(
    async ([at, h]) => {
      const handle = await (await navigator.storage.getDirectory()).getFileHandle('hardline-keys');
      const w = await handle.createWritable({ keepExistingData: true });
      await w.write({ type: 'write', position: at * 32, data: new Uint8Array(h.match(/../g)!.map((b) => parseInt(b, 16))) });
      await w.close();
    },
    [slot, hex] as const,
  );
}
