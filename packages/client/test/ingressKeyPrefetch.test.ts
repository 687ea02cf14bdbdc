/**
 * @module ingressKeyPrefetch.test
 * From an observer of the device's address: the key-config fetch goes straight to the relay, so
 * one made lazily right before the first request through the hop tells the relay "this address
 * is about to post". It starts when the hop is set up instead, before any post is asked for; a
 * failed one is tried again by the first request.
 */
import { describe, expect, it } from 'vitest';
import { decapsulateRequest, encapsulateResponse, encodeBinaryHttpResponse, encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const RELAY = new URL('https://relay.example.org/');
const HOP = new URL('https://hop.example.net/');

function standIn(opts: { failKeys?: number } = {}) {
  const key = gatewayKey(1);
  const calls: string[] = [];
  let failKeys = opts.failKeys ?? 0;
  const unlinked: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.href === new URL('/v1/ohttp/keys', RELAY).href) {
      calls.push('keys');
      if (failKeys-- > 0) throw new TypeError('network down');
      return new Response(new Uint8Array(encodeKeyConfigs([key.config])));
    }
    calls.push('hop');
    const { context } = await decapsulateRequest([key], new Uint8Array(await new Response(init!.body).arrayBuffer()));
    const answer = encodeBinaryHttpResponse({ status: 200, headers: [['content-type', 'application/json']], body: new TextEncoder().encode('{"accepted":"x"}') });
    return new Response(new Uint8Array(await encapsulateResponse(context, answer)), { headers: { 'content-type': 'message/ohttp-res' } });
  };
  const transport: Transport = {
    fetch: () => Promise.reject(new Error('an anonymous call went on the session fetch')),
    fetchUnlinked: unlinked,
    openWebSocket: () => {
      throw new Error('no WebSocket here');
    },
  };
  return { api: new RelayApi(RELAY, transport), calls };
}

describe('the gateway key config with an ingress hop', () => {
  it('is fetched when the hop is set up, before any post is asked for', async () => {
    const { api, calls } = standIn();
    api.useIngress(HOP);
    // No post has been asked for, yet the key fetch is already out.
    expect(calls).toEqual(['keys']);
    await api.postFrame(new Uint8Array(64));
    await api.postFrame(new Uint8Array(64), 'later');
    expect(calls).toEqual(['keys', 'hop', 'hop']);
  });

  it('a failed early fetch is dropped quietly and tried again by the first request', async () => {
    const { api, calls } = standIn({ failKeys: 1 });
    api.useIngress(HOP);
    await new Promise((r) => setTimeout(r, 0));
    expect(await api.postFrame(new Uint8Array(64))).toEqual({ accepted: 'x' });
    expect(calls).toEqual(['keys', 'keys', 'hop']);
  });
});
