/**
 * @module wakeUp-awaitedInvite-hostile.test
 * The service worker's push wake-up (sw/wakeUp.ts) on a web device whose app closed while it still
 * waited for its own invite in the org's verified chain (client orgPolicy.ts awaitInvite), played
 * from the seat of a relay taken over before the enrolment. It served the chain cut after the
 * team's first policy, which said "no hop", and before the one naming the hop the team uses now.
 * The page held every anonymous action (session/awaitedInvite.ts) and pinned nothing; the worker
 * read the old policy's "no hop" from the saved state as the team's word and sent its `ringing`
 * over `WS /v1/post`, straight to the relay from the device's own address. Until the invite is in
 * the chain no policy's hop counts (signedIngress): the worker finds no hop and sends nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientOptions } from '@hardline/client';
import { callControl, engineStandIn, RELAY, RELAY_HOP, relayStandIn, type EngineStandIn } from './relayStandIn.ts';
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

let net: ReturnType<typeof relayStandIn>;

/** The org state as the engine keeps it: the chain read so far ends at a policy naming `ingress`. */
function cutChain(ingress: string | null, awaitInvite?: string) {
  return { org: { key: 'org-key', head: { seq: 2, hash: 'h' }, revoked: [], policy: { version: 2, defaults: {}, groups: [], ingress }, ...(awaitInvite ? { awaitInvite } : {}) } };
}

const exposed = () => net.relay.seen.filter((s) => s === 'ws-post' || s === 'gateway' || s.startsWith('relay-hop') || s.startsWith('other'));

beforeEach(() => {
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
});
afterEach(() => {
  for (const e of engines) e.close();
  vi.unstubAllGlobals();
});

describe('a push wake-up while the device still waits for its invite, on a chain cut after an old "no hop"', () => {
  it('sends no `ringing` straight to the relay', async () => {
    savedDevice.extensions = cutChain(null, 'ab'.repeat(32));
    await handleWake();
    expect(engines[0]!.posted).toEqual([]);
    expect(exposed()).toEqual([]);
  });

  it('nor a decline from the notification, which still takes the ring', async () => {
    savedDevice.extensions = cutChain(null, 'ab'.repeat(32));
    await declineFromNotification('c1', 'call-1');
    expect(engines[0]!.posted).toEqual([]);
    expect(exposed()).toEqual([]);
    expect(engines[0]!.taken).toEqual(['ring']);
  });

  it('once the invite is in the chain, the team\'s signed word holds again (here "no hop")', async () => {
    savedDevice.extensions = cutChain(null);
    await handleWake();
    // The `ringing` goes over `WS /v1/post`, as the team chose (the stand-in has no socket to give).
    expect(net.relay.seen).toEqual(['ws-post']);
  });
});
