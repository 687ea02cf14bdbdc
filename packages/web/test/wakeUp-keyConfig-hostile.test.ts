/**
 * @module wakeUp-keyConfig-hostile.test
 * The service worker's push wake-up (sw/wakeUp.ts) from the seat of the relay's operator, who
 * sees every request from the device's own address and, a moment later, what arrives through the
 * hop. A key-config fetch (or an announcement fetch) from the device right before the `ringing`
 * it then sends through the hop would tell the operator whose `ringing` that is. So:
 *
 * - with the hop and key config the page kept, the worker's only request is the post through
 *   the hop: no key config and no announcement is asked for before it (or at all);
 * - with no fresh config kept (none, or older than the maximum age), it sends nothing: neither
 *   the config fetch nor the post, yet the call still shows;
 * - with no announcement kept and `GET /v1/org` blocked, nothing goes straight to the relay;
 * - a decline from the notification without a kept config is not sent, and the ring is taken;
 * - the worker follows the hop the page pinned (session/pinnedHop.ts), not the relay's latest
 *   announcement: a hop withdrawn, or swapped for one the relay runs, gets its `ringing` neither
 *   straight nor through the relay's hop until the person accepts the change in the app.
 *
 * The engine is a stand-in that posts through the client's real IngressFetch over the transport
 * the worker built (relayStandIn.ts), so the key fetch seen is the one the client really makes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientOptions } from '@hardline/client';
import { callControl, engineStandIn, HOP, RELAY, RELAY_HOP, relayStandIn, type EngineStandIn } from './relayStandIn.ts';
import { sealed } from './sessionStandIns.ts';

vi.mock('../src/platform/encryptedKv.ts', () => import('./sessionStandIns.ts').then((m) => m.encryptedKv));
vi.mock('../src/platform/idbStateStore.ts', () => import('./sessionStandIns.ts').then((m) => m.idbStateStore));
// The worker waits 0.3-1.5 s before it acks a ring; no need to here.
vi.mock('../src/calls/reachability.ts', () => ({ ackDelay: () => 0 }));

const engines: EngineStandIn[] = [];
/** The ring the next engine finds in the inbox. */
let inbox: ReturnType<typeof callControl>[] = [];
vi.mock('@hardline/client', async (original) => ({
  ...(await original<typeof import('@hardline/client')>()),
  HardlineClient: {
    open: async (opts: ClientOptions) => {
      const e = engineStandIn(opts);
      e.controls.push(...inbox);
      engines.push(e);
      return e;
    },
  },
  ContactBookService: { open: async () => ({ list: () => [] }) },
}));

const { handleWake, declineFromNotification } = await import('../src/sw/wakeUp.ts');
const { keyConfigTransport } = await import('../src/platform/keyConfigTransport.ts');
const { browserTransport } = await import('../src/platform/browserTransport.ts');
const { KEY_CONFIG_MAX_AGE_MS } = await import('../src/session/keptKeyConfig.ts');

let net: ReturnType<typeof relayStandIn>;
const shown: { title: string; options: { tag?: string } }[] = [];

beforeEach(() => {
  sealed.clear();
  engines.length = 0;
  shown.length = 0;
  inbox = [callControl('alice', 'ring')];
  net = relayStandIn();
  vi.stubGlobal('fetch', net.fetch);
  vi.stubGlobal('WebSocket', net.WebSocket);
  vi.stubGlobal('self', {
    location: { origin: RELAY },
    navigator: {
      locks: {
        request: async (name: string, a: unknown, b?: unknown) => (typeof a === 'function' ? a({ name }) : (b as (l: unknown) => unknown)({ name })),
      },
    },
    registration: {
      showNotification: async (title: string, options: { tag?: string }) => void shown.push({ title, options }),
      getNotifications: async () => [],
      pushManager: { getSubscription: async () => null },
    },
    clients: { matchAll: async () => [] },
  });
});
afterEach(() => {
  for (const e of engines) e.close();
  vi.unstubAllGlobals();
});

/** What the page leaves behind: the announcement, and the key config it fetched when it set up the hop. */
async function pageKept(opts: { announced?: string | null; keysAgoMs?: number } = {}) {
  if (opts.announced !== undefined) sealed.set('ingress', { url: opts.announced });
  if (opts.keysAgoMs !== undefined) {
    // The page's own fetch, through the transport it gives its engine, at the hop it pinned
    // (HOP in every test here that keeps a config; the relay's gateway when it names none).
    vi.useFakeTimers({ now: Date.now() - opts.keysAgoMs, toFake: ['Date'] });
    await keyConfigTransport(browserTransport, 'fetch-and-keep').fetchUnlinked!(new URL('/v1/ohttp/keys', opts.announced === null ? RELAY : HOP));
    vi.useRealTimers();
  }
  net.relay.seen.length = 0;
}

describe('a push wake-up that rings, with the hop the page kept', () => {
  it('posts its `ringing` through the hop with no key-config or announcement request before it', async () => {
    await pageKept({ announced: HOP, keysAgoMs: 60_000 });
    await handleWake();
    expect(engines[0]!.posted).toEqual(['call ringing']);
    expect(shown.map((n) => n.options.tag)).toEqual(['call-call-1']);
    // The operator's whole view of this wake-up from the device's address: nothing before the post.
    expect(net.relay.seen).toEqual(['hop']);
  });

  it('with no key config kept, sends nothing and fetches nothing, and still shows the call', async () => {
    await pageKept({ announced: HOP });
    await handleWake();
    expect(engines[0]!.posted).toEqual([]);
    expect(net.relay.seen).toEqual([]);
    expect(shown.map((n) => n.options.tag)).toEqual(['call-call-1']);
  });

  it('with a key config older than the maximum age, the same', async () => {
    await pageKept({ announced: HOP, keysAgoMs: KEY_CONFIG_MAX_AGE_MS + 60_000 });
    await handleWake();
    expect(engines[0]!.posted).toEqual([]);
    expect(net.relay.seen).toEqual([]);
  });

  it('with no announcement kept and /v1/org blocked, nothing goes straight to the relay', async () => {
    await pageKept({ keysAgoMs: 60_000 });
    net.relay.blockOrg = true;
    await handleWake();
    expect(net.relay.seen.filter((s) => s !== 'org')).toEqual([]);
    expect(engines[0]!.posted).toEqual([]);
  });

  it('a relay that named no hop gets the `ringing` directly, as it would from the app', async () => {
    net.relay.ingress = undefined;
    await pageKept({ announced: null });
    await handleWake();
    expect(net.relay.seen).toEqual(['ws-post']);
  });
});

describe('Decline from the notification', () => {
  it('goes through the hop with the kept config, and nothing before it', async () => {
    await pageKept({ announced: HOP, keysAgoMs: 60_000 });
    await declineFromNotification('c1', 'call-1');
    expect(engines[0]!.posted).toEqual(['call decline']);
    expect(net.relay.seen).toEqual(['hop']);
  });

  it('without a kept config is not sent, and the ring is taken so the app does not ring again', async () => {
    await pageKept({ announced: HOP });
    await declineFromNotification('c1', 'call-1');
    expect(net.relay.seen).toEqual([]);
    expect(engines[0]!.posted).toEqual([]);
    expect(engines[0]!.taken).toEqual(['ring']);
  });
});

describe('a push wake-up after the relay changed the hop the page pinned', () => {
  it('withdrawn: the `ringing` still goes through the pinned hop, not straight to the relay', async () => {
    await pageKept({ keysAgoMs: 60_000 });
    // What the page kept when the relay stopped naming a hop and the person did not accept it.
    sealed.set('ingress', { url: null, pinned: HOP });
    net.relay.ingress = undefined;
    await handleWake();
    expect(engines[0]!.posted).toEqual(['call ringing']);
    expect(net.relay.seen).toEqual(['hop']);
  });

  it('swapped for the relay\'s own hop: nothing goes through it, the `ringing` keeps to the pinned hop', async () => {
    await pageKept({ keysAgoMs: 60_000 });
    sealed.set('ingress', { url: RELAY_HOP, pinned: HOP });
    net.relay.ingress = RELAY_HOP;
    await declineFromNotification('c1', 'call-1');
    expect(engines[0]!.posted).toEqual(['call decline']);
    expect(net.relay.seen).toEqual(['hop']);
  });
});
