/**
 * @module relayStandIn
 * The network as the relay's operator and the hop see it, for the ingress tests: a `fetch` and
 * a `WebSocket` that record every request in order (the key config, the announcement, posts
 * through the hop, posts straight to the relay), and an engine stand-in that sends the way the
 * real one does with the options it was opened with: through the client's own IngressFetch
 * (RelayApi.useIngress, which fetches the key config as the hop is set) when it has a hop, over
 * `WS /v1/post` when it has none.
 *
 * Two hops answer: the organisation's (HOP, seen as `hop`), and one the relay's operator runs
 * itself (RELAY_HOP, seen as `relay-hop`: whatever goes through it, the operator has the
 * sender's address). `hopDown` makes HOP unreachable, as a page's CSP that no longer names it does.
 */
import { decapsulateRequest, encapsulateResponse, encodeBinaryHttpResponse, encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import type { ClientOptions } from '@hardline/client';
import { RelayApi } from '../../client/src/relayApi.ts';

export const RELAY = 'https://relay.example.org';
export const HOP = 'https://hop.example.net/';
/** A hop the relay's operator runs: an address seen there is an address the operator has. */
export const RELAY_HOP = 'https://hop.relay.example.org/';

export type Seen = 'org' | 'keys' | 'hop keys' | 'relay-hop keys' | 'hop' | 'relay-hop' | 'gateway' | 'ws-post' | `other ${string}`;

export function relayStandIn() {
  const key = gatewayKey(1);
  const seen: Seen[] = [];
  const relay = {
    seen,
    config: new Uint8Array(encodeKeyConfigs([key.config])),
    /** The attacker blocks the announcement; otherwise it names `ingress` (undefined: none). */
    blockOrg: false,
    ingress: HOP as string | undefined,
    /** HOP does not answer (down, or refused by the page's CSP). */
    hopDown: false,
  };
  const sealedAnswer = async (body: BodyInit | null | undefined) => {
    const { context } = await decapsulateRequest([key], new Uint8Array(await new Response(body).arrayBuffer()));
    const answer = encodeBinaryHttpResponse({ status: 200, headers: [['content-type', 'application/json']], body: new TextEncoder().encode('{"accepted":"x"}') });
    return new Response(new Uint8Array(await encapsulateResponse(context, answer)), { headers: { 'content-type': 'message/ohttp-res' } });
  };
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === RELAY && url.pathname === '/v1/org') {
      seen.push('org');
      if (relay.blockOrg) throw new TypeError('blocked');
      return Response.json({ name: 'org', ...(relay.ingress ? { ingress: relay.ingress } : {}) });
    }
    if (url.origin === RELAY && url.pathname === '/v1/ohttp/keys') {
      seen.push('keys');
      return new Response(relay.config, { headers: { 'content-type': 'application/ohttp-keys' } });
    }
    // The key config, handed out by the hop it will be used through (client ingressFetch.ts).
    if (url.pathname === '/v1/ohttp/keys' && (url.origin === new URL(HOP).origin || url.origin === new URL(RELAY_HOP).origin)) {
      const ours = url.origin === new URL(HOP).origin;
      if (ours && relay.hopDown) throw new TypeError('the hop cannot be reached');
      seen.push(ours ? 'hop keys' : 'relay-hop keys');
      return new Response(relay.config, { headers: { 'content-type': 'application/ohttp-keys' } });
    }
    if (url.href === HOP) {
      if (relay.hopDown) throw new TypeError('the hop cannot be reached');
      seen.push('hop');
      return sealedAnswer(init?.body);
    }
    if (url.href === RELAY_HOP) {
      seen.push('relay-hop');
      return sealedAnswer(init?.body);
    }
    if (url.origin === RELAY && url.pathname === '/v1/ohttp') {
      seen.push('gateway');
      return sealedAnswer(init?.body);
    }
    seen.push(`other ${url.href}`);
    throw new TypeError('nothing answers here');
  };
  class WebSocket {
    constructor(url: string) {
      seen.push(new URL(url).pathname === '/v1/post' ? 'ws-post' : `other ${url}`);
      throw new TypeError('no socket in this test');
    }
  }
  return { relay, fetch, WebSocket };
}

/** A call signal from `from` in conversation `c1`, as the engine lists it. */
export function callControl(from: string, op: string, callId = 'call-1', sentAt = new Date().toISOString()) {
  return { from, conversation: 'c1', message: { t: 'call', op, callId, id: `${op}-${callId}`, sentAt } };
}

/** The engine with the options the web app opened it with; `post` is how each of its posts leaves. */
export function engineStandIn(opts: ClientOptions, handle = 'bob') {
  const api = new RelayApi(new URL(RELAY), opts.transport);
  // A refused config is fetched again at once here (the engine waits 30 to 300 s).
  if (opts.ingress) api.useIngress(new URL(opts.ingress), { refetchDelayMs: () => 0 });
  const controls: ReturnType<typeof callControl>[] = [];
  const posted: string[] = [];
  const post = async (what: string) => {
    // What the frame holds does not matter here: where and when it goes does.
    if (opts.ingress) {
      // As the outbox does: a post refused for its key config (one fetched at another hop,
      // heldHopTransport.ts) stays queued and goes at a later round, sealed to the refetched one.
      await api.postFrame(new Uint8Array(96)).catch(async (e: { cause?: { code?: string } }) => {
        if (e.cause?.code !== 'OHTTP_KEY') throw e;
        await new Promise((r) => setTimeout(r, 20));
        await api.postFrame(new Uint8Array(96));
      });
    }
    else opts.transport.openWebSocket(new URL('/v1/post', RELAY.replace('https:', 'wss:')).toString());
    posted.push(what);
  };
  const taken: string[] = [];
  const engine = {
    handle,
    opts,
    controls,
    posted,
    taken,
    isRevoked: () => false,
    sync: async () => [],
    conversations: () => [{ id: 'c1', controls, messages: [], roster: { kind: 'direct', name: '', members: [handle, 'alice'], devices: [] }, left: false, pending: [] }],
    conversation: () => undefined,
    orgPolicy: () => ({ capabilities: { previews: true, calls: true } }),
    directory: () => [],
    pendingOutbox: () => 0,
    async send(to: string) {
      await post(`text to ${to}`);
    },
    async sendControl(_conv: string, m: { op?: string; t: string }) {
      await post(`${m.t} ${m.op ?? ''}`.trim());
    },
    async takeControls(which: (c: ReturnType<typeof callControl>) => boolean) {
      const out = controls.filter(which);
      for (const c of out) controls.splice(controls.indexOf(c), 1);
      taken.push(...out.map((c) => c.message.op));
      return out;
    },
    close: () => api.close(),
  };
  return engine;
}

export type EngineStandIn = ReturnType<typeof engineStandIn>;
