/**
 * @module ingressPoster.test
 * Posting through the ingress hop, from the hop's seat and the relay's: a stand-in hop and
 * gateway records what each side sees. The hop (the outer request) sees a content type and
 * ciphertext; whether the post may let its recipient's wake-up wait (`hardline-wake: later`,
 * the send scheduler's posts) travels inside, where only the relay reads it. The key config
 * and every hop request go on the transport's unlinked fetch, never the session's. A post and
 * its `later` sibling keep one order, so a Welcome is never overtaken by the message after it.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex, type EnvelopeId, type MailboxId } from '@hardline/protocol';
import { decapsulateRequest, decodeBinaryHttpRequest, encapsulateResponse, encodeBinaryHttpResponse, encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import { IngressPoster } from '../src/ingressPoster.ts';
import { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const RELAY = new URL('https://relay.example.org/');
const HOP = new URL('https://hop.example.net/');

type Seen = { outer: Record<string, string>; inner: Record<string, string>; path: string };

/** A hop and a gateway in one: answers the key config, opens each request, seals a 200. */
function standIn(opts: { slowFirst?: Promise<void> } = {}) {
  const key = gatewayKey(1);
  const seen: Seen[] = [];
  const order: string[] = [];
  const arrived = { count: 0 };
  let first = true;
  const unlinked: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.href === new URL('/v1/ohttp/keys', HOP).href) return new Response(new Uint8Array(encodeKeyConfigs([key.config])), { headers: { 'content-type': 'application/ohttp-keys' } });
    expect(url.href).toBe(HOP.href);
    const body = new Uint8Array(await new Response(init!.body).arrayBuffer());
    arrived.count++;
    const { request, context } = await decapsulateRequest([key], body);
    const inner = decodeBinaryHttpRequest(request);
    seen.push({ outer: Object.fromEntries(new Headers(init!.headers)), inner: Object.fromEntries(inner.headers), path: inner.path });
    if (first && opts.slowFirst) {
      first = false;
      await opts.slowFirst;
    }
    order.push(new TextDecoder().decode(inner.body.slice(-4)));
    const answer = encodeBinaryHttpResponse({ status: 200, headers: [['content-type', 'application/json']], body: new TextEncoder().encode('{"accepted":"x"}') });
    return new Response(new Uint8Array(await encapsulateResponse(context, answer)), { headers: { 'content-type': 'message/ohttp-res' } });
  };
  const transport: Transport = {
    // The session's fetch: an anonymous post or key fetch on it would share its connections.
    fetch: () => Promise.reject(new Error('an anonymous call went on the session fetch')),
    fetchUnlinked: unlinked,
    openWebSocket: () => {
      throw new Error('a post through the hop must not open the posting WebSocket');
    },
  };
  const api = new RelayApi(RELAY, transport);
  api.useIngress(HOP);
  return { api, seen, order, arrived };
}

function post(tag: string) {
  // A padding bucket's size (256), ending in the tag the stand-in reads the order by.
  const payload = new Uint8Array(256);
  payload.set(new TextEncoder().encode(tag), 252);
  const envelope = { mailboxId: toHex(randomBytes(16)) as MailboxId, envelopeId: toHex(randomBytes(16)) as EnvelopeId, payload };
  return { sendCap: new Uint8Array(randomBytes(32)), envelope };
}

describe('posting through the ingress hop', () => {
  it('carries `later` inside the sealed request, where the hop cannot read it', async () => {
    const { api, seen } = standIn();
    const poster = new IngressPoster(api);
    await poster.post(post('now1'));
    await poster.later().post(post('late'));
    expect(seen.map((s) => s.path)).toEqual(['/v1/post', '/v1/post']);
    expect(seen[0]!.inner['hardline-wake']).toBeUndefined();
    expect(seen[1]!.inner['hardline-wake']).toBe('later');
    // What the hop sees of either: a content type, nothing more.
    for (const s of seen) expect(s.outer).toEqual({ 'content-type': 'message/ohttp-req' });
    expect(poster.later().later()).toBe(poster.later());
  });

  it('keeps one order across a poster and its `later` sibling', async () => {
    let release!: () => void;
    const { api, order, arrived } = standIn({ slowFirst: new Promise<void>((r) => (release = r)) });
    const poster = new IngressPoster(api);
    const a = poster.post(post('wel1'));
    const b = poster.later().post(post('msg2'));
    // The first is held at the hop. A second that did not wait for it arrives meanwhile; one
    // that waits never does, so after a while the first is let go either way.
    for (let i = 0; i < 100 && arrived.count < 2; i++) await new Promise((r) => setTimeout(r, 20));
    release();
    await Promise.all([a, b]);
    expect(order).toEqual(['wel1', 'msg2']);
  });
});
