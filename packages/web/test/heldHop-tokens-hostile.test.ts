/**
 * @module heldHop-tokens-hostile.test
 * A page's anonymous actions held while the hop is unknown (platform/heldHopTransport.ts: the
 * relay withholds the org's chain from a device that awaits its invite or its linking device's
 * head, session/awaitedInvite.ts; or it blocks the announcement), from the seat of that relay.
 * Each held claim, new blob or TURN purchase fails before any byte leaves, but it had already
 * taken a Privacy Pass token from its wallet: spent on nothing, the token was lost at every try.
 * The page's pool refills and retries then drain the wallet and the day's budget (refilled over
 * the session, each refill from empty right before the next try), so the relay's withholding
 * costs the device its claims for the day even once the hold ends. The engine's own hold gives
 * the token back (tokenWallet.ts, AWAITING_INVITE); the page's hold must too.
 *
 * Real RelayApi, IngressFetch and heldHopTransport; the network is a recorder that must see nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RelayApi, type Transport, type WebSocketLike } from '@hardline/client';
import type { DeviceId } from '@hardline/protocol';
import { heldHopTransport } from '../src/platform/heldHopTransport.ts';
import { HELD_HOP, NEVER_DECIDED, PendingHop } from '../src/session/pendingHop.ts';
import { UNKNOWN_HOP } from '../src/session/awaitedInvite.ts';

const RELAY = 'https://relay.example.org';
const DEVICE = '0'.repeat(32) as DeviceId;

/** The device's network: anything that reaches it has left the device. */
function recorder(): { transport: Transport; left: string[] } {
  const left: string[] = [];
  const f: typeof fetch = async (input) => {
    left.push(String(input instanceof Request ? input.url : input));
    return new Response('{}', { status: 503 });
  };
  return {
    left,
    transport: {
      fetch: f,
      fetchUnlinked: f,
      openWebSocket(url: string): WebSocketLike {
        left.push(`WS ${url}`);
        throw new Error('no socket here');
      },
    },
  };
}

const apis: RelayApi[] = [];
afterEach(() => {
  for (const a of apis.splice(0)) a.close();
});

/** The page's engine API over the held hop, its wallets holding `n` tokens each. */
function heldApi(decision: 'worker' | 'page', n: number) {
  const net = recorder();
  // The page asks the relay again and again; the relay, withholding, never lets the hop be known.
  const hop = decision === 'worker' ? NEVER_DECIDED : new PendingHop(async () => UNKNOWN_HOP);
  const api = new RelayApi(new URL(RELAY), heldHopTransport(net.transport, RELAY, hop, 0));
  apis.push(api);
  api.useIngress(new URL(HELD_HOP));
  for (const w of [api.claimTokens, api.blobTokens, api.turnTokens]) for (let i = 0; i < n; i++) w.giveBack(`${w.purpose}-token-${i}`);
  return { api, net };
}

describe('a page whose hop the relay keeps unknown', () => {
  for (const decision of ['page', 'worker'] as const) {
    it(`(${decision}) keeps the token of every held claim, new blob and TURN purchase: nothing left, nothing spent`, async () => {
      const { api, net } = heldApi(decision, 3);
      for (let i = 0; i < 5; i++) {
        await expect(api.claimKeyPackage(DEVICE)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
        await expect(api.putBlob('00'.repeat(16), new Uint8Array(32), 0, new Uint8Array(8))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
        await expect(api.turn.take()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      }
      expect(net.left).toEqual([]);
      expect(api.claimTokens.size).toBe(3);
      expect(api.blobTokens.size).toBe(3);
      expect(api.turnTokens.size).toBe(3);
    });
  }
});
