/**
 * @module ingressLocks.test
 * The commit lock from a live operator's seat: a device that takes and confirms an epoch's lock
 * on its session's connection names itself as the one about to commit, and the claims that
 * follow from the hop become its own. With a hop set, take, confirm and release go through the
 * hop like the commit they guard; never on the session's fetch.
 */
import { describe, expect, it } from 'vitest';
import { decapsulateRequest, decodeBinaryHttpRequest, encapsulateResponse, encodeBinaryHttpResponse, encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const RELAY = new URL('https://relay.example.org/');
const HOP = new URL('https://hop.example.net/');

function standIn() {
  const key = gatewayKey(1);
  const throughHop: string[] = [];
  const onSession: string[] = [];
  const unlinked: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.href === new URL('/v1/ohttp/keys', HOP).href) return new Response(new Uint8Array(encodeKeyConfigs([key.config])));
    if (url.href !== HOP.href) throw new Error(`an anonymous call went straight to ${url.href}`);
    const { request, context } = await decapsulateRequest([key], new Uint8Array(await new Response(init!.body).arrayBuffer()));
    const inner = decodeBinaryHttpRequest(request);
    throughHop.push(`${inner.method} ${inner.path}`);
    const body = inner.path === '/v1/locks' ? { hold: 'ab'.repeat(16) } : {};
    const answer = encodeBinaryHttpResponse({ status: 200, headers: [['content-type', 'application/json']], body: new TextEncoder().encode(JSON.stringify(body)) });
    return new Response(new Uint8Array(await encapsulateResponse(context, answer)), { headers: { 'content-type': 'message/ohttp-res' } });
  };
  const transport: Transport = {
    // The session's fetch answers too, so a lock call that takes it is seen, not just failed.
    fetch: async (input) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      onSession.push(url.pathname);
      return new Response(JSON.stringify(url.pathname === '/v1/locks' ? { hold: 'ab'.repeat(16) } : {}), { headers: { 'content-type': 'application/json' } });
    },
    fetchUnlinked: unlinked,
    openWebSocket: () => {
      throw new Error('no WebSocket here');
    },
  };
  const api = new RelayApi(RELAY, transport);
  api.useIngress(HOP);
  return { api, throughHop, onSession };
}

describe('the commit lock with an ingress hop', () => {
  it('takes, confirms and releases through the hop, never on the session fetch', async () => {
    const { api, throughHop, onSession } = standIn();
    const token = 'cd'.repeat(32);
    const hold = await api.takeLock(token);
    expect(hold).toBe('ab'.repeat(16));
    expect(await api.confirmLock(token, hold!)).toBe(true);
    await api.releaseLock(token, hold!);
    expect(onSession).toEqual([]);
    expect(throughHop).toEqual(['POST /v1/locks', 'POST /v1/locks/confirm', 'POST /v1/locks/release']);
  });
});
