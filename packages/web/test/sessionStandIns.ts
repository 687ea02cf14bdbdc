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
  reopenStorage: () => undefined,
  sealedGet: async (name: string) => structuredClone(sealed.get(name)),
  sealedPut: async (name: string, value: unknown) => void sealed.set(name, structuredClone(value)),
};

/** The device state the stand-in store loads: a test puts the org's verified policy here. */
export const savedDevice: { extensions?: Record<string, unknown> } = {};

export const idbStateStore = {
  IdbStateStore: class {
    async load() {
      return structuredClone(savedDevice);
    }
    async wipe() {}
  },
};

export const syncLoop = {
  SyncLoop: class {
    constructor(private readonly client: unknown) {}
    start() {}
    stop() {}
    poke() {}
    exclusive<T>(fn: (c: unknown) => Promise<T>) {
      return fn(this.client);
    }
  },
};

export const callManager = { CallManager: { open: async () => ({ onControl: () => undefined }) } };
export const pushWakeUps = { PushWakeUps: class { refresh = async () => undefined } };
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

/** `@hardline/client` with the engine stood in for Bob's and an undamaged contact book. */
export async function clientModule(original: <T>() => Promise<T>) {
  return {
    ...(await original<typeof import('@hardline/client')>()),
    HardlineClient: {
      open: async (opts: ClientOptions) => {
        const e = engineStandIn(opts, 'bob');
        engines.push(e);
        return e;
      },
      register: async (opts: ClientOptions) => {
        const e = engineStandIn(opts, 'bob');
        engines.push(e);
        return e;
      },
    },
    ContactBookService: { open: async () => ({ damaged: [] }) },
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
