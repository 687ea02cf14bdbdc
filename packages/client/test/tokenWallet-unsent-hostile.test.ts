/**
 * @module tokenWallet-unsent-hostile.test
 * Privacy Pass tokens of anonymous actions that never left the device, from the seat of a relay
 * that wants them gone. Through a hop, every claim, new blob and TURN purchase is sealed to the
 * relay's Oblivious HTTP key config, which the hop fetches from the relay: a relay that answers
 * that fetch with errors leaves the device with no config, so each action fails on the device
 * (the request waits, ingressFetch.ts). It had already taken its token: lost at every try, the
 * wallet drained, the day's budget burnt on refills, and each refill from empty went over the
 * session right before the next try (the timing the wallet's delayed refill exists to avoid).
 * Now an action that failed before it left gives its token back (unsentError.ts).
 *
 * The other side of the rule: a request the relay answered, even with a refusal (OHTTP_KEY), may
 * have been opened and its token read. Its token is not given back: spent again, it would tie the
 * two actions together for the relay. That held too for a relay that answered with the device's
 * own hold code, AWAITING_INVITE: the give-back went by the code, so the device spent the token
 * the relay had just read on its next claim, and the relay could tie the two claims (whom this
 * one anonymous device is about to talk to) together. The give-back now goes by UnsentError,
 * which only the device itself raises.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decapsulateRequest, decodeBinaryHttpRequest, encapsulateResponse, encodeBinaryHttpResponse, encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import type { DeviceId } from '@hardline/protocol';
import { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const RELAY = new URL('https://relay.example.org/');
const HOP = new URL('https://hop.example.net/');
const DEVICE = '0'.repeat(32) as DeviceId;

/** The hop in front of a relay that withholds its key config, or opens each request, notes its token, and refuses it. */
function hostileRelay(how: 'withholds keys' | 'reads and refuses' | 'reads and says held') {
  const key = gatewayKey(1);
  const read: string[] = [];
  const left: string[] = [];
  const unlinked: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    left.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    if (url.pathname === '/v1/ohttp/keys') {
      if (how === 'withholds keys') return Response.json({ error: { code: 'UNAVAILABLE', message: 'later' } }, { status: 503 });
      return new Response(new Uint8Array(encodeKeyConfigs([key.config])));
    }
    const { request, context } = await decapsulateRequest([key], new Uint8Array(await new Response(init!.body).arrayBuffer()));
    const body = JSON.parse(new TextDecoder().decode(decodeBinaryHttpRequest(request).body)) as { token?: string };
    if (body.token) read.push(body.token);
    if (how === 'reads and refuses') return Response.json({ error: { code: 'OHTTP_KEY', message: 'rotated' } }, { status: 400 });
    // The device's own hold's code, sent by the relay in its sealed answer.
    const answer = encodeBinaryHttpResponse({ status: 409, headers: [['content-type', 'application/json']], body: new TextEncoder().encode('{"error":{"code":"AWAITING_INVITE","message":"held"}}') });
    return new Response(new Uint8Array(await encapsulateResponse(context, answer)), { headers: { 'content-type': 'message/ohttp-res' } });
  };
  const transport: Transport = {
    fetch: () => Promise.reject(new Error('a session call: the wallets were meant to be full')),
    fetchUnlinked: unlinked,
    openWebSocket: () => {
      throw new Error('no socket here');
    },
  };
  return { transport, read, left };
}

const apis: RelayApi[] = [];
afterEach(() => {
  for (const a of apis.splice(0)) a.close();
});

function apiOver(transport: Transport, tokens: number): RelayApi {
  const api = new RelayApi(RELAY, transport);
  apis.push(api);
  api.useIngress(HOP, { refetchDelayMs: () => 3_600_000, renewDelayMs: () => 3_600_000 });
  for (const w of [api.claimTokens, api.blobTokens, api.turnTokens]) for (let i = 0; i < tokens; i++) w.giveBack(`${w.purpose}-${i}`);
  return api;
}

describe('a relay that withholds its Oblivious HTTP key config from a device using a hop', () => {
  it('costs the device no token: claims, new blobs and TURN purchases fail before leaving, and keep theirs', async () => {
    const relay = hostileRelay('withholds keys');
    const api = apiOver(relay.transport, 3);
    for (let i = 0; i < 5; i++) {
      await expect(api.claimKeyPackage(DEVICE)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(api.putBlob('00'.repeat(16), new Uint8Array(32), 0, new Uint8Array(8))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(api.turn.take()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    }
    // Only the set-up fetch of the config left; no request, no session refill.
    expect(relay.left).toEqual(['GET /v1/ohttp/keys']);
    expect([api.claimTokens.size, api.blobTokens.size, api.turnTokens.size]).toEqual([3, 3, 3]);
  });
});

describe('a relay that opens a claim, reads its token, then refuses the key', () => {
  it('gets that token once only: it is not given back, and the next claim carries another', async () => {
    const relay = hostileRelay('reads and refuses');
    const api = apiOver(relay.transport, 3);
    // Let the set-up fetch of the config land before the first claim.
    await new Promise((r) => setTimeout(r, 10));
    await expect(api.claimKeyPackage(DEVICE)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(relay.read).toHaveLength(1);
    expect(api.claimTokens.size).toBe(2);
    // None of the tokens kept is the one the relay read.
    const kept: string[] = [];
    for (let i = 0; i < 2; i++) kept.push(await api.claimTokens.take());
    expect(kept).not.toContain(relay.read[0]);
  });
});

describe('a relay that opens a claim, reads its token, and answers with the code of the device\'s own hold', () => {
  it('cannot make the device spend that token again on its next claim', async () => {
    const relay = hostileRelay('reads and says held');
    const api = apiOver(relay.transport, 3);
    await new Promise((r) => setTimeout(r, 10));
    await expect(api.claimKeyPackage(DEVICE)).rejects.toMatchObject({ code: 'AWAITING_INVITE' });
    await expect(api.claimKeyPackage(DEVICE)).rejects.toMatchObject({ code: 'AWAITING_INVITE' });
    expect(relay.read).toHaveLength(2);
    expect(relay.read[1]).not.toBe(relay.read[0]);
    expect(api.claimTokens.size).toBe(1);
  });
});
