/**
 * @module wakeUp-signedHop-hostile.test
 * The service worker's push wake-up (sw/wakeUp.ts) on a device whose verified org policy names
 * the security team's hop (issue 12, finding 3), played from the seat of a relay that got its own
 * hop pinned while it was taken over. The worker used to read only the pin record, which the page
 * rewrites to the signed hop at its start and one-second tick: a device whose app stays closed
 * (woken only by push; the worker's own sync reads the new policy into the sealed device state,
 * but never the pin) kept sending its `ringing`, `decline` and queued posts through the relay's
 * hop, each from the device's own address. The signed hop in the device state comes first, as
 * it does for the page (session.ts resume); the pin only where the policy says nothing of the hop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientOptions } from '@hardline/client';
import { callControl, engineStandIn, HOP, RELAY, RELAY_HOP, relayStandIn, type EngineStandIn } from './relayStandIn.ts';
import { savedDevice, sealed } from './sessionStandIns.ts';

vi.mock('../src/platform/encryptedKv.ts', () => import('./sessionStandIns.ts').then((m) => m.encryptedKv));
vi.mock('../src/platform/idbStateStore.ts', () => import('./sessionStandIns.ts').then((m) => m.idbStateStore));
vi.mock('../src/calls/reachability.ts', () => ({ ackDelay: () => 0 }));

const engines: EngineStandIn[] = [];
vi.mock('@hardline/client', async (original) => ({
  ...(await original<typeof import('@hardline/client')>()),
  HardlineClient: {
    open: async (opts: ClientOptions) => {
      const e = engineStandIn(opts);
      e.controls.push(callControl('alice', 'ring'));
      engines.push(e);
      return e;
    },
  },
  ContactBookService: { open: async () => ({ list: () => [] }) },
}));

const { handleWake, declineFromNotification } = await import('../src/sw/wakeUp.ts');
const { keyConfigTransport } = await import('../src/platform/keyConfigTransport.ts');
const { browserTransport } = await import('../src/platform/browserTransport.ts');

let net: ReturnType<typeof relayStandIn>;

/** The org state as the engine keeps it once it verified a policy naming `ingress`. */
function signedPolicy(ingress: string | null) {
  return { org: { key: 'org-key', head: { seq: 2, hash: 'h' }, revoked: [], policy: { version: 2, defaults: {}, groups: [], ingress } } };
}

beforeEach(async () => {
  sealed.clear();
  engines.length = 0;
  delete savedDevice.extensions;
  net = relayStandIn();
  net.relay.ingress = RELAY_HOP;
  vi.stubGlobal('fetch', net.fetch);
  vi.stubGlobal('WebSocket', net.WebSocket);
  vi.stubGlobal('self', {
    location: { origin: RELAY },
    navigator: { locks: { request: async (name: string, a: unknown, b?: unknown) => (typeof a === 'function' ? a({ name }) : (b as (l: unknown) => unknown)({ name })) } },
    registration: { showNotification: async () => undefined, getNotifications: async () => [], pushManager: { getSubscription: async () => null } },
    clients: { matchAll: async () => [] },
  });
  // What the page kept at its last start: the relay's hop pinned on first use, and a fresh key
  // config, fetched through that hop (which could have handed this device a key of its own).
  sealed.set('ingress', { url: RELAY_HOP, pinned: RELAY_HOP });
  await keyConfigTransport(browserTransport, 'fetch-and-keep').fetchUnlinked!(new URL('/v1/ohttp/keys', RELAY_HOP));
  net.relay.seen.length = 0;
});
afterEach(() => {
  for (const e of engines) e.close();
  vi.unstubAllGlobals();
});

describe('a push wake-up after the worker\'s sync read the team\'s signed hop, before the page wrote the pin', () => {
  it('sends nothing through the relay\'s pinned hop, nor through the signed hop sealed to the config that hop handed out', async () => {
    savedDevice.extensions = signedPolicy(HOP);
    await handleWake();
    // The kept config came from the relay's hop, which may have tagged this device: it is kept
    // for that hop only, and the worker fetches none (keptKeyConfig.ts), so the ring waits for the page.
    expect(engines[0]!.posted).toEqual([]);
    expect(net.relay.seen).toEqual([]);
  });

  it('sends its `ringing` through the signed hop once the page kept a config fetched there', async () => {
    savedDevice.extensions = signedPolicy(HOP);
    await keyConfigTransport(browserTransport, 'fetch-and-keep').fetchUnlinked!(new URL('/v1/ohttp/keys', HOP));
    net.relay.seen.length = 0;
    await handleWake();
    expect(engines[0]!.posted).toEqual(['call ringing']);
    expect(net.relay.seen).toEqual(['hop']);
  });

  it('a decline from the notification, the same', async () => {
    savedDevice.extensions = signedPolicy(HOP);
    await keyConfigTransport(browserTransport, 'fetch-and-keep').fetchUnlinked!(new URL('/v1/ohttp/keys', HOP));
    net.relay.seen.length = 0;
    await declineFromNotification('c1', 'call-1');
    expect(net.relay.seen).toEqual(['hop']);
  });

  it('the team signed "no hop": nothing goes through the relay\'s hop', async () => {
    savedDevice.extensions = signedPolicy(null);
    await handleWake();
    expect(net.relay.seen).not.toContain('relay-hop');
  });

  it('a policy that says nothing of the hop leaves the pin in charge', async () => {
    await handleWake();
    expect(net.relay.seen).toEqual(['relay-hop']);
  });
});
