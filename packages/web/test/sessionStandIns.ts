/**
 * @module sessionStandIns
 * The browser-only parts around the web session, stood in for the unit tests that drive
 * Session and the service worker against a relay stand-in (relayStandIn.ts): sealed storage as
 * a map the test can read (what the app keeps at rest), an empty device store, a sync loop that
 * runs each engine call at once, and inert calls, push and contact book. A test mocks a module
 * with the matching export, e.g.
 * `vi.mock('../src/platform/encryptedKv.ts', () => import('./sessionStandIns.ts').then((m) => m.encryptedKv))`.
 * The engine: `vi.mock('@hardline/client', (original) => import('./sessionStandIns.ts').then((m) => m.clientModule(original)))`,
 * and each engine the session opened is in `engines`.
 */

import { afterEach, beforeEach, vi } from 'vitest';
import type { ClientOptions } from '@hardline/client';
import { engineStandIn, relayStandIn, type EngineStandIn } from './relayStandIn.ts';

/** What the app sealed, by record name (structured clones, as IndexedDB keeps them). */
export const sealed = new Map<string, unknown>();

export const encryptedKv = {
  forgetStateKey: () => undefined,
  reopenStorage: () => void (deviceStore.closed = false),
  sealedGet: async (name: string) => structuredClone(sealed.get(name)),
  sealedPut: async (name: string, value: unknown) => {
    // As platform/encryptedKv.ts after a wipe in this page: nothing is saved until reopenStorage.
    if (deviceStore.closed) throw Object.assign(new Error(`the ${name} record was not saved`), { code: 'WIPED' });
    sealed.set(name, structuredClone(value));
  },
};

/** The device state the stand-in store loads: a test puts the org's verified policy here. */
export const savedDevice: { extensions?: Record<string, unknown> } = {};

/**
 * The stand-in store's side: `missing` makes it find no device (a browser profile never enrolled,
 * or erased); `wipes` counts the erasures asked of it. Its wipe erases nothing in `sealed`, so a
 * test can start the same device again; with `closesStorage` it closes the sealed storage as the
 * real wipe does (`closed`: every save refused until reopenStorage).
 */
export const deviceStore = { missing: false, wipes: 0, closesStorage: false, closed: false };

export const idbStateStore = {
  IdbStateStore: class {
    async load() {
      return deviceStore.missing ? undefined : structuredClone(savedDevice);
    }
    async wipe() {
      deviceStore.wipes++;
      if (deviceStore.closesStorage) deviceStore.closed = true;
    }
  },
};

/** What the session asked of its listening loop and push wake-ups, in order: `start`, `stop`, `push`. */
export const background: string[] = [];

export const syncLoop = {
  SyncLoop: class {
    constructor(private readonly client: unknown) {}
    start() {
      background.push('start');
    }
    stop() {
      background.push('stop');
    }
    poke() {}
    exclusive<T>(fn: (c: unknown) => Promise<T>) {
      return fn(this.client);
    }
  },
};

/** The call signals handed to the call manager, in order. */
export const rung: unknown[] = [];
export const callManager = { CallManager: { open: async () => ({ onControl: (c: unknown) => void rung.push(c) }) } };
export const pushWakeUps = { PushWakeUps: class { refresh = async () => void background.push('push') } };
export const contactBookAdapter = {
  contactBook: () => ({ onChange: () => () => undefined, list: () => [], markContacted: async () => undefined }),
};

/**
 * The page's globals for a session in a unit test: the relay stand-in's network, the relay's
 * origin, a fresh localStorage, event listeners kept in `listeners` (so a test can fire
 * `online`), and no one-second tick (not what these tests look at). `vi.unstubAllGlobals()` undoes it.
 */
export function stubPageGlobals(net: { fetch: typeof fetch; WebSocket: unknown }, origin: string, listeners: Map<string, () => void>): void {
  vi.stubGlobal('fetch', net.fetch);
  vi.stubGlobal('WebSocket', net.WebSocket);
  vi.stubGlobal('location', { origin });
  const storage = new Map<string, string>();
  vi.stubGlobal('localStorage', { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) });
  vi.stubGlobal('addEventListener', (type: string, cb: () => void) => void listeners.set(type, cb));
  vi.stubGlobal('removeEventListener', () => undefined);
  vi.stubGlobal('setInterval', () => 0);
  vi.stubGlobal('clearInterval', () => undefined);
}

/** The engines the session opened (relayStandIn.engineStandIn), in order; a test empties it. */
export const engines: EngineStandIn[] = [];

/**
 * How the next engine opens: revoked (the relay revoked it while the app was closed), holding
 * call signals the service worker read meanwhile; and the contact book's damage found at start.
 */
export const nextEngine = { revoked: false, controls: [] as EngineStandIn['controls'], bookDamage: [] as string[] };

function opened(opts: ClientOptions): EngineStandIn {
  const e = engineStandIn(opts, 'bob');
  if (nextEngine.revoked) e.isRevoked = () => true;
  e.controls.push(...nextEngine.controls);
  engines.push(e);
  return e;
}

/** `@hardline/client` with the engine stood in for Bob's and an undamaged contact book. */
export async function clientModule(original: <T>() => Promise<T>) {
  return {
    ...(await original<typeof import('@hardline/client')>()),
    HardlineClient: { open: async (opts: ClientOptions) => opened(opts), register: async (opts: ClientOptions) => opened(opts) },
    ContactBookService: { open: async () => ({ damaged: [...nextEngine.bookDamage] }) },
  };
}

/**
 * One page per test, for the Session tests: a fresh relay stand-in as the page's network (`net`),
 * the stand-ins above emptied, and afterwards every session signed out (which stops its asking
 * the relay again), every engine closed and the globals restored.
 */
export function pagePerTest(origin: string) {
  const page = {
    net: undefined as unknown as ReturnType<typeof relayStandIn>,
    /** The page's event listeners (a test fires `online`). */
    listeners: new Map<string, () => void>(),
    /** Sessions to sign out after the test. */
    sessions: [] as { wipe(): Promise<void> }[],
  };
  beforeEach(() => {
    sealed.clear();
    engines.length = 0;
    page.listeners.clear();
    delete savedDevice.extensions;
    Object.assign(deviceStore, { missing: false, wipes: 0, closesStorage: false, closed: false });
    Object.assign(nextEngine, { revoked: false, controls: [], bookDamage: [] });
    rung.length = 0;
    background.length = 0;
    page.net = relayStandIn();
    stubPageGlobals(page.net, origin, page.listeners);
  });
  afterEach(async () => {
    for (const s of page.sessions.splice(0)) await s.wipe();
    for (const e of engines) e.close();
    vi.unstubAllGlobals();
  });
  return page;
}
