/**
 * @module ingressPadding.test
 * From the hop's seat: all it sees of a request is the size of the sealed body. Unpadded, a
 * `hardline-wake: later` post was 20 bytes longer than a `now` one, and each path had its own
 * length. The inner request is padded to fixed buckets, so they are all one size, and the
 * gateway's own decoder (the relay's) still reads each one back whole.
 */
import { describe, expect, it } from 'vitest';
import { decapsulateRequest, decodeBinaryHttpRequest, encapsulateResponse, encodeBinaryHttpResponse, encodeKeyConfigs, gatewayKey, type BinaryHttpRequest } from '@hardline/protocol/ohttp';
import { paddedLength } from '../src/ingressFetch.ts';
import { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const RELAY = new URL('https://relay.example.org/');
const HOP = new URL('https://hop.example.net/');

function standIn() {
  const key = gatewayKey(1);
  const sizes: number[] = [];
  const inner: BinaryHttpRequest[] = [];
  const unlinked: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.href === new URL('/v1/ohttp/keys', HOP).href) return new Response(new Uint8Array(encodeKeyConfigs([key.config])));
    const sealed = new Uint8Array(await new Response(init!.body).arrayBuffer());
    sizes.push(sealed.length);
    const { request, context } = await decapsulateRequest([key], sealed);
    inner.push(decodeBinaryHttpRequest(request));
    const body = url.href === HOP.href && inner.at(-1)!.path === '/v1/locks' ? '{"hold":"x"}' : '{"accepted":"x"}';
    const answer = encodeBinaryHttpResponse({ status: 200, headers: [['content-type', 'application/json']], body: new TextEncoder().encode(body) });
    return new Response(new Uint8Array(await encapsulateResponse(context, answer)), { headers: { 'content-type': 'message/ohttp-res' } });
  };
  const transport: Transport = {
    fetch: () => Promise.reject(new Error('an anonymous call went on the session fetch')),
    fetchUnlinked: unlinked,
    openWebSocket: () => {
      throw new Error('no WebSocket here');
    },
  };
  const api = new RelayApi(RELAY, transport);
  api.useIngress(HOP);
  return { api, sizes, inner };
}

describe('the sealed size the hop sees', () => {
  it('is the same for a `later` post and a `now` post, and the gateway reads both', async () => {
    const { api, sizes, inner } = standIn();
    const frame = new Uint8Array(300).fill(7);
    await api.postFrame(frame);
    await api.postFrame(frame, 'later');
    expect(sizes[0]).toBe(sizes[1]);
    expect(inner.map((r) => r.headers.find(([n]) => n === 'hardline-wake')?.[1])).toEqual([undefined, 'later']);
    for (const r of inner) expect(r.body).toEqual(frame);
  });

  it('is the same for two different paths of like size', async () => {
    const { api, sizes, inner } = standIn();
    await api.takeLock('ab'.repeat(32));
    await api.releaseLock('ab'.repeat(32), 'cd'.repeat(16));
    expect(inner.map((r) => r.path)).toEqual(['/v1/locks', '/v1/locks/release']);
    expect(sizes[0]).toBe(sizes[1]);
    expect(JSON.parse(new TextDecoder().decode(inner[1]!.body))).toEqual({ token: 'ab'.repeat(32), hold: 'cd'.repeat(16) });
  });

  it('buckets: powers of two from 1 KiB, then whole 64 KiB steps', () => {
    expect([0, 1024, 1025, 2048, 65536, 65537, 200_000].map(paddedLength)).toEqual([1024, 1024, 2048, 2048, 65536, 131072, 262144]);
  });
});
