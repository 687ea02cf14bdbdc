/**
 * @module pageKeyFetch-timing-hostile.test
 * The relay, as attacker, wants to know which address a post through the hop came from. The
 * kept key config (keptKeyConfig.ts) stops the service worker from fetching the config right
 * before its post; the page's engine (RelayApi.useIngress, through keyConfigTransport
 * 'fetch-and-keep') still fetches it from the device's own address, straight to the relay, right
 * before a post, whenever the relay asks it to:
 *
 * - it refuses the fetch made as the hop is set up (a 503 once): the first post fetches again;
 * - it answers a post through the hop with OHTTP_KEY ("rotated"): the engine fetches the config
 *   at once and sends the same inner request again.
 *
 * Either way the relay sees `GET /v1/ohttp/keys` from address A and, milliseconds later, the
 * post through the hop: the post is A's. Expected (fails today): no key fetch between a post
 * being handed to the engine and it leaving through the hop.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transport } from '@hardline/client';
import { HOP, RELAY, relayStandIn } from './relayStandIn.ts';

const sealed = new Map<string, unknown>();
vi.mock('../src/platform/encryptedKv.ts', () => ({
  sealedGet: async (name: string) => structuredClone(sealed.get(name)),
  sealedPut: async (name: string, value: unknown) => void sealed.set(name, structuredClone(value)),
}));

const { RelayApi } = await import('../../client/src/relayApi.ts');
const { keyConfigTransport } = await import('../src/platform/keyConfigTransport.ts');

let net: ReturnType<typeof relayStandIn>;
let refuseKeys = 0;
let rotatedOnce = false;

beforeEach(() => {
  sealed.clear();
  net = relayStandIn();
  refuseKeys = 0;
  rotatedOnce = false;
});

function pageEngine() {
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === '/v1/ohttp/keys' && refuseKeys > 0) {
      refuseKeys--;
      net.relay.seen.push('keys');
      return Response.json({ error: { code: 'UNAVAILABLE' } }, { status: 503 });
    }
    if (url.href === HOP && rotatedOnce) {
      rotatedOnce = false;
      net.relay.seen.push('hop');
      // The gateway's unsealed refusal, passed back by the hop.
      return Response.json({ error: { code: 'OHTTP_KEY', message: 'rotated' } }, { status: 400 });
    }
    return net.fetch(input, init);
  }) as typeof globalThis.fetch;
  const inner: Transport = { fetch, fetchUnlinked: fetch, openWebSocket: () => ({}) as never };
  const api = new RelayApi(new URL(RELAY), keyConfigTransport(inner, 'fetch-and-keep'));
  api.useIngress(new URL(HOP));
  return api;
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('the page engine never fetches the key config right before a post', () => {
  it('when the relay refused the fetch made as the hop was set up', async () => {
    refuseKeys = 1;
    const api = pageEngine();
    await settle();
    const mark = net.relay.seen.length;
    await api.postFrame(new Uint8Array(96)).catch(() => undefined);
    // Today: ['keys', 'hop']: the relay sees the device's address, then its post.
    expect(net.relay.seen.slice(mark)).not.toContain('keys');
    api.close();
  });

  it('when the gateway answers a post with OHTTP_KEY', async () => {
    const api = pageEngine();
    await settle();
    rotatedOnce = true;
    const mark = net.relay.seen.length;
    await api.postFrame(new Uint8Array(96)).catch(() => undefined);
    // Today: ['hop', 'keys', 'hop']: the same inner request again, right after a key fetch from the device's address.
    expect(net.relay.seen.slice(mark)).not.toContain('keys');
    api.close();
  });
});
