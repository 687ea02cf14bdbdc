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
 * two actions together for the relay.
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
function hostileRelay(how: 'withholds keys' | 'reads and refuses') {
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
    const { request } = await decapsulateRequest([key], new Uint8Array(await new Response(init!.body).arrayBuffer()));
    const body = JSON.parse(new TextDecoder().decode(decodeBinaryHttpRequest(request).body)) as { token?: string };
    if (body.token) read.push(body.token);
    return Response.json({ error: { code: 'OHTTP_KEY', message: 'rotated' } }, { status: 400 });
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
