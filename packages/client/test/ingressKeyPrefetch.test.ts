/**
 * @module ingressKeyPrefetch.test
 * From an observer of the device's address: the key-config fetch leaves from it (through the
 * hop, never to the relay itself, which could answer with a key of its own: key tagging), so
 * one made lazily right before the first request through the hop tells an observer "this address
 * is about to post". It starts when the hop is set up instead, before any post is asked for; a
 * failed or refused one is never fetched again on a request's path: the request fails UNAVAILABLE
 * (a post stays queued) and the config is fetched again after a delay of its own.
 */
import { describe, expect, it } from 'vitest';
import { decapsulateRequest, encapsulateResponse, encodeBinaryHttpResponse, encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const RELAY = new URL('https://relay.example.org/');
const HOP = new URL('https://hop.example.net/');

function standIn(opts: { failKeys?: number; refuseKey?: number; holdReload?: Promise<void> } = {}) {
  const key = gatewayKey(1);
  const calls: string[] = [];
  let failKeys = opts.failKeys ?? 0;
  let refuseKey = opts.refuseKey ?? 0;
  const unlinked: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.href === new URL('/v1/ohttp/keys', HOP).href) {
      if (init?.cache === 'reload') await opts.holdReload;
      calls.push(init?.cache === 'reload' ? 'keys (reload)' : 'keys');
      if (failKeys-- > 0) throw new TypeError('network down');
      return new Response(new Uint8Array(encodeKeyConfigs([key.config])));
    }
    // Key tagging: asked from this device's address, the relay could answer with a key of its own.
    if (url.origin === RELAY.origin) throw new Error(`a request went straight to the relay: ${url.href}`);
    calls.push('hop');
    if (refuseKey-- > 0) return Response.json({ error: { code: 'OHTTP_KEY', message: 'rotated' } }, { status: 400 });
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

  it('a failed early fetch is not tried again by a request: it fails UNAVAILABLE and the refetch comes on its own timer', async () => {
    const { api, calls } = standIn({ failKeys: 1 });
    let delays = 0;
    api.useIngress(HOP, { refetchDelayMs: () => (delays++, 40) });
    await new Promise((r) => setTimeout(r, 0));
    await expect(api.postFrame(new Uint8Array(64))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    // Nothing went out for the post: no key fetch from this address right before it.
    expect(calls).toEqual(['keys']);
    await new Promise((r) => setTimeout(r, 80));
    expect(calls).toEqual(['keys', 'keys (reload)']);
    expect(delays).toBe(1);
    expect(await api.postFrame(new Uint8Array(64))).toEqual({ accepted: 'x' });
    expect(calls).toEqual(['keys', 'keys (reload)', 'hop']);
    api.close();
  });

  it('an OHTTP_KEY answer fails the request UNAVAILABLE, with no key fetch and no second send right after it', async () => {
    const { api, calls } = standIn({ refuseKey: 1 });
    api.useIngress(HOP, { refetchDelayMs: () => 40 });
    await new Promise((r) => setTimeout(r, 0));
    await expect(api.postFrame(new Uint8Array(64))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(calls).toEqual(['keys', 'hop']);
    // A post asked for before the refetch is not sent and fetches nothing.
    await expect(api.postFrame(new Uint8Array(64))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(calls).toEqual(['keys', 'hop']);
    await new Promise((r) => setTimeout(r, 80));
    expect(calls).toEqual(['keys', 'hop', 'keys (reload)']);
    expect(await api.postFrame(new Uint8Array(64))).toEqual({ accepted: 'x' });
    api.close();
  });

  it('a request asked for while a refetch is under way does not wait for it and leave right after it', async () => {
    let answerKeys!: () => void;
    const { api, calls } = standIn({ failKeys: 1, holdReload: new Promise<void>((r) => (answerKeys = r)) });
    api.useIngress(HOP, { refetchDelayMs: () => 10 });
    await new Promise((r) => setTimeout(r, 40));
    // The refetch is out and not yet answered.
    expect(calls).toEqual(['keys']);
    const post = api.postFrame(new Uint8Array(64)).then(
      () => 'sent',
      (e: { code?: string }) => e.code,
    );
    // It fails at once; a post waiting on the refetch would still be pending here.
    expect(await Promise.race([post, new Promise((r) => setTimeout(() => r('waiting'), 50))])).toBe('UNAVAILABLE');
    answerKeys();
    await post;
    await new Promise((r) => setTimeout(r, 10));
    // Nothing went through the hop right after the refetch's answer.
    expect(calls).toEqual(['keys', 'keys (reload)']);
    api.close();
  });

  it('a closed client schedules no refetch', async () => {
    const { api, calls } = standIn({ failKeys: 1 });
    api.useIngress(HOP, { refetchDelayMs: () => 20 });
    await new Promise((r) => setTimeout(r, 0));
    api.close();
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toEqual(['keys']);
  });
});
