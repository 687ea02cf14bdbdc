/**
 * The token wallet from the live relay operator's side: a spend must not be followed at once by
 * this device's session asking for more tokens (that pair would name the spender), and the
 * wallet still refills, later. The relay here is a recorder of what the wallet asks, answering
 * with real tokens from the protocol's issuer.
 */
import { describe, expect, it, vi } from 'vitest';
import { toBase64Url } from '@hardline/protocol';
import { generateTokenKey, issueTokens } from '@hardline/protocol/tokens';
import { TokenWallet, type TokenSource } from '../src/tokenWallet.ts';

async function recordingRelay(): Promise<TokenSource & { calls: string[] }> {
  const key = await generateTokenKey();
  const calls: string[] = [];
  return {
    calls,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      calls.push(`${method} ${path}`);
      if (method === 'GET') return { keyId: 'k', publicKey: toBase64Url(key.publicKey) } as T;
      return (await issueTokens(key, (body as { request: string }).request)) as T;
    },
  };
}

describe('token wallet', () => {
  it('does not ask for tokens right after a spend, but refills later', async () => {
    const relay = await recordingRelay();
    const wallet = new TokenWallet(relay, 'claim', { batch: 4, lowWater: 3, refillDelayMs: () => 300 });
    await wallet.take(); // empty: the first fetch (4), then one spent
    const afterFirstFetch = relay.calls.length;
    await wallet.take(); // 2 left, below the low water mark
    await new Promise((r) => setTimeout(r, 50));
    expect(relay.calls.length).toBe(afterFirstFetch); // nothing right after the spend
    // The refill comes after its delay; how long issuance takes on busy shared cores varies.
    await vi.waitFor(() => expect(wallet.size).toBe(6), { timeout: 20_000, interval: 50 });
    expect(relay.calls.slice(afterFirstFetch)).toEqual(['GET /v1/tokens/claim/key', 'POST /v1/tokens/claim']);
  });

  it('by default refills minutes after a spend, never within the minute the relay served it', async () => {
    const relay = await recordingRelay();
    const wallet = new TokenWallet(relay, 'claim', { batch: 4, lowWater: 3 });
    await wallet.take();
    const afterFirstFetch = relay.calls.length;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await wallet.take(); // below the low water mark: a refill is scheduled
      await vi.advanceTimersByTimeAsync(119_000);
      expect(relay.calls.length).toBe(afterFirstFetch);
      await vi.advanceTimersByTimeAsync(1_081_000); // 20 minutes in all: it has started
      expect(relay.calls.length).toBeGreaterThan(afterFirstFetch);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a stopped wallet (its client closed) makes no more requests', async () => {
    const relay = await recordingRelay();
    const wallet = new TokenWallet(relay, 'claim', { batch: 4, lowWater: 3, refillDelayMs: () => 1_000 });
    await wallet.take();
    const afterFirstFetch = relay.calls.length;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await wallet.take();
      wallet.stop();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(relay.calls.length).toBe(afterFirstFetch);
    } finally {
      vi.useRealTimers();
    }
  });
});
