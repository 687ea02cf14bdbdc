/**
 * @module test/support/browserState
 * The attacker's and the crash's view of a browser device: restart the browser on the same
 * profile, and read or damage the app's sealed IndexedDB records from a page of the same origin
 * that does not run the app (so the app cannot write while the test edits). The record keys
 * sit as raw bytes in the origin's key file (OPFS, packages/web/src/platform/keySlots.ts), which
 * any script of the origin may read: that is what these helpers do, and what a crash or a disk
 * error can do to the records (they reseal under the same key, as the service worker does).
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { FLAGS, PHONE } from './browser.ts';
import { tempDir } from './cliHarness.ts';

/** A browser with a profile on disk, so that closing and relaunching it is a browser restart. */
export type RestartableBrowser = { readonly profile: string; context: BrowserContext; page: Page; restart(): Promise<Page>; close(): Promise<void> };

/** `calls`: a fake microphone playing `wav`, the microphone allowed, and the app's test hooks on. */
export async function launchRestartable(calls?: { wav: string }): Promise<RestartableBrowser> {
  const profile = tempDir('chromium-profile');
  const media = calls
    ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${calls.wav}`, '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection']
    : [];
  const open = async () => {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [...FLAGS, ...media],
      headless: true,
      viewport: PHONE,
      deviceScaleFactor: 2,
      serviceWorkers: 'block',
      ...(calls ? { permissions: ['microphone'] } : {}),
    });
    if (calls) await context.addInitScript(() => Object.assign(globalThis, { __hardlineTest: {} }));
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    return { context, page };
  };
  const b = { profile, ...(await open()) } as RestartableBrowser;
  b.restart = async () => {
    await b.context.close();
    Object.assign(b, await open());
    return b.page;
  };
  b.close = () => b.context.close();
  return b;
}

/** How a test damages the sealed device state, or what it reads from it. */
export type Damage =
  /** The whole record's ciphertext is overwritten: nothing in it can be opened. */
  | { kind: 'device-ciphertext' }
  /** The device state opens, but its saved contact book is garbage. */
  | { kind: 'contact-book'; part: 'book' | 'keys' | 'all' }
  /** The app's own record (read markers, receipts, timers) is garbage. */
  | { kind: 'app-meta' };
type SealedOp = Damage | { kind: 'read-book-clock' };

/**
 * Applies `damage` to the browser's saved state. Navigates `page` to a static file of the
 * relay's origin first (the app does not run there), so reload the app afterwards.
 */
export async function damageState(page: Page, origin: string, damage: Damage): Promise<void> {
  await onSealedState(page, origin, damage);
}

/** The saved contact book's clock (the field the lockout bug choked on). Navigates like damageState. */
export function savedBookClock(page: Page, origin: string): Promise<unknown> {
  return onSealedState(page, origin, { kind: 'read-book-clock' });
}

async function onSealedState(page: Page, origin: string, op: SealedOp): Promise<unknown> {
  await page.goto(`${origin}/manifest.webmanifest`);
  return page.evaluate(async (d: SealedOp) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('hardline', 1);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const get = <T,>(key: string) =>
      new Promise<T>((resolve, reject) => {
        const r = db.transaction('kv', 'readonly').objectStore('kv').get(key);
        r.onsuccess = () => resolve(r.result as T);
        r.onerror = () => reject(r.error);
      });
    const putRaw = (key: string, value: unknown) =>
      new Promise<void>((resolve, reject) => {
        const tx = db.transaction('kv', 'readwrite');
        tx.objectStore('kv').put(value, key);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    try {
      const name = d.kind === 'app-meta' ? 'app' : 'device';
      const sealed = await get<{ slot: number; iv: Uint8Array<ArrayBuffer>; ct: ArrayBuffer }>(`shredded:${name}`);
      if (!sealed) throw new Error(`no shredded:${name} record`);
      // The record's key: raw bytes in its slot of the key file (platform/keySlots.ts).
      const file = await (await (await navigator.storage.getDirectory()).getFileHandle('hardline-keys')).getFile();
      const raw = new Uint8Array(await file.slice(sealed.slot * 32, sealed.slot * 32 + 32).arrayBuffer());
      const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
      const put = (value: unknown) => putRaw(`shredded:${name}`, { slot: sealed.slot, ...(value as object) });
      if (d.kind === 'device-ciphertext') {
        await put({ iv: sealed.iv, ct: new Uint8Array(sealed.ct).map((b) => b ^ 0x5a).buffer });
        return undefined;
      }
      const ad = new TextEncoder().encode(`hardline/v2/${name}`);
      let text = new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: ad }, key, sealed.ct));
      if (d.kind === 'read-book-clock') return (JSON.parse(text) as { extensions?: { contactBook?: { clock?: unknown } } }).extensions?.contactBook?.clock;
      if (d.kind === 'app-meta') text = '{"v":1,"readUpTo":7,"delivered":"x","notices":{}';
      else {
        const state = JSON.parse(text) as { extensions?: Record<string, Record<string, unknown>> };
        const book = state.extensions?.contactBook;
        if (!book) throw new Error('the device state holds no contact book yet');
        if (d.part === 'book' || d.part === 'all') book.book = '{"broken';
        if (d.part === 'keys' || d.part === 'all') book.keys = [{ key: 'not hex', generation: -1 }];
        if (d.part === 'all') book.clock = { t: 'x' };
        text = JSON.stringify(state);
      }
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: ad }, key, new TextEncoder().encode(text));
      await put({ iv, ct });
      return undefined;
    } finally {
      db.close();
    }
  }, op);
}
