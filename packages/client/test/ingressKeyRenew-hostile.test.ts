/**
 * @module ingressKeyRenew-hostile.test
 * Key tagging by the hour (docs/protocol.md §7). The hop hands all its clients the config it
 * fetched for the hour (server ingress/sharedKeyConfig.ts), but a taken-over relay can answer
 * each of those hourly fetches with another key. A client that kept the config of the hour it
 * started in for its whole life would seal every post, weeks on, to that hour's key: the relay,
 * which sees from each device's own address when it started, links them all to the few devices
 * that started that hour. The engine renews its config through the hop at random times of its
 * own, so its posts move on with whoever fetched in the same later hour.
 *
 * Played with a hop that hands out a new key id at each fetch (the relay re-keying every hour)
 * and the real RelayApi/IngressFetch; what is seen is the key id each post was sealed to.
 */
import { describe, expect, it } from 'vitest';
import { encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const RELAY = new URL('https://relay.example.org/');
const HOP = new URL('https://hop.example.net/');

function rekeyingHop() {
  let hour = 0;
  const sealedTo: number[] = [];
  const unlinked: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== HOP.origin) throw new Error(`not through the hop: ${url.href}`);
    if (url.pathname === '/v1/ohttp/keys') return new Response(new Uint8Array(encodeKeyConfigs([gatewayKey(++hour).config])));
    sealedTo.push(new Uint8Array(await new Response(init!.body).arrayBuffer())[0]!);
    return Response.json({ error: { code: 'NOT_FOUND', message: 'stand-in' } }, { status: 404 });
  };
  const transport: Transport = {
    fetch: () => Promise.reject(new Error('an anonymous call went on the session fetch')),
    fetchUnlinked: unlinked,
    openWebSocket: () => {
      throw new Error('no WebSocket here');
    },
  };
  return { api: new RelayApi(RELAY, transport), sealedTo };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a long-lived client behind a relay that re-keys every hour', () => {
  it('does not seal its posts to the key of the hour it started in for good', async () => {
    const { api, sealedTo } = rekeyingHop();
    api.useIngress(HOP, { renewDelayMs: () => 30 });
    await wait(5);
    await api.postFrame(new Uint8Array(64)).catch(() => undefined);
    await wait(100);
    await api.postFrame(new Uint8Array(64)).catch(() => undefined);
    api.close();
    expect(sealedTo).toHaveLength(2);
    expect(sealedTo[1]).not.toBe(sealedTo[0]);
  });

  it('keeps using its config while a renewal is under way: no post waits for it or fails for it', async () => {
    const { api, sealedTo } = rekeyingHop();
    api.useIngress(HOP, { renewDelayMs: () => 20 });
    await wait(5);
    for (let i = 0; i < 4; i++) {
      await expect(api.postFrame(new Uint8Array(64))).rejects.not.toMatchObject({ code: 'UNAVAILABLE' });
      await wait(10);
    }
    api.close();
    expect(sealedTo).toHaveLength(4);
  });
});
