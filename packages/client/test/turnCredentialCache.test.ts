/**
 * The TURN credential cache from the live relay operator's side: the session's token fetch must
 * not be followed at once by an anonymous purchase (that pair would name the buyer), a call must
 * not follow a purchase (it takes the set kept ready, with no round trip), and no two calls get
 * the same username (they would be tied together at the TURN server). The relay here records
 * what is asked of it, answering with real tokens from the protocol's issuer.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { toBase64Url } from '@hardline/protocol';
import { generateTokenKey, issueTokens } from '@hardline/protocol/tokens';
import { TokenWallet, type TokenSource } from '../src/tokenWallet.ts';
import { TurnCredentialCache, type TurnCredentials } from '../src/turnCredentialCache.ts';

async function recordingRelay() {
  const key = await generateTokenKey();
  const calls: { at: number; what: string }[] = [];
  const source: TokenSource = {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      if (method === 'GET') {
        calls.push({ at: Date.now(), what: `${method} ${path}` });
        return { keyId: 'k', publicKey: toBase64Url(key.publicKey) } as T;
      }
      const issued = await issueTokens(key, (body as { request: string }).request);
      calls.push({ at: Date.now(), what: `${method} ${path}` }); // when the session's answer left
      return issued as T;
    },
  };
  const spent = new Set<string>();
  const buy = async (token: string): Promise<TurnCredentials> => {
    calls.push({ at: Date.now(), what: 'buy' });
    if (spent.has(token)) throw new Error('token spent twice');
    spent.add(token);
    const username = `${Math.floor(Date.now() / 1000) + 3600}:${randomBytes(16).toString('hex')}`;
    return { iceServers: [{ urls: ['turn:127.0.0.1:3478'], username, credential: 'c' }], ttlSeconds: 3600, relayOnly: true };
  };
  return { calls, source, buy, spent };
}

const BUY_DELAY_MS = 400;

type Relay = Awaited<ReturnType<typeof recordingRelay>>;
const buys = (relay: Relay): number => relay.calls.filter((c) => c.what === 'buy').length;

/** A started cache over the recording relay, once it has bought `bought` sets. */
async function startedCache(relay: Relay, options: { buyDelayMs: number; now?: () => number; bought?: number }): Promise<TurnCredentialCache> {
  const wallet = new TokenWallet(relay.source, 'turn', { batch: 4, lowWater: 1, refillDelayMs: () => 60_000 });
  const cache = new TurnCredentialCache(wallet, relay.buy, { buyDelayMs: () => options.buyDelayMs, ...(options.now ? { now: options.now } : {}) });
  cache.start();
  await vi.waitFor(() => expect(options.bought ? buys(relay) : wallet.size).toBe(options.bought ?? 4), { timeout: 20_000, interval: 10 });
  return cache;
}

describe('TURN credential cache', () => {
  it('fetches tokens at start and does not buy a set right after them', async () => {
    const relay = await recordingRelay();
    const cache = await startedCache(relay, { buyDelayMs: 60_000 });
    await new Promise((r) => setTimeout(r, 300));
    // The purchase is not glued to the session's token fetch: it waits its own random delay.
    expect(relay.calls.map((c) => c.what)).toEqual(['GET /v1/tokens/turn/key', 'POST /v1/tokens/turn']);
    cache.stop();
  });

  it('keeps a set ready, so a call waits on no request', async () => {
    const relay = await recordingRelay();
    const cache = await startedCache(relay, { buyDelayMs: BUY_DELAY_MS, bought: 1 });
    const before = relay.calls.length;
    const creds = await cache.take();
    expect(relay.calls.length).toBe(before); // served from the set kept ready
    expect(creds.iceServers[0]!.username).toMatch(/^\d+:[0-9a-f]{32}$/);
    cache.stop();
  });

  it('hands each set to one call only, and buys the next one later, not at once', async () => {
    const relay = await recordingRelay();
    const cache = await startedCache(relay, { buyDelayMs: BUY_DELAY_MS, bought: 1 });
    const first = await cache.take();
    await new Promise((r) => setTimeout(r, 50));
    expect(buys(relay)).toBe(1); // nothing right after the call took it
    const second = await cache.take(); // none ready yet: bought for this call
    expect(second.iceServers[0]!.username).not.toBe(first.iceServers[0]!.username);
    await vi.waitFor(() => expect(buys(relay)).toBe(3), { timeout: 20_000, interval: 20 });
    const third = await cache.take();
    expect(new Set([first, second, third].map((c) => c.iceServers[0]!.username)).size).toBe(3);
    cache.stop();
  });

  it('does not give a call a set with less than half its life left', async () => {
    const relay = await recordingRelay();
    let now = Date.now();
    const cache = await startedCache(relay, { buyDelayMs: 0, now: () => now, bought: 1 });
    now += 31 * 60_000; // the ready set has 29 of its 60 minutes left
    await cache.take();
    expect(buys(relay)).toBe(2);
    cache.stop();
  });
});
