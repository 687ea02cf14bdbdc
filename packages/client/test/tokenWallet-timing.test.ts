/**
 * The token wallet's bounds, from the live relay operator's seat: how many tokens each fetch
 * asks for (the first small, then the batch, never over the protocol's 64), when a refill is
 * scheduled (below the low-water mark, once, later), one fetch at a time, and the one retry
 * after a key rotation. The VOPRF code is replaced by a counter, so that the wallet's own rules
 * are what is tested (tokenWallet.test.ts runs the real issuer).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HardlineError, toBase64Url } from '@hardline/protocol';
import { payWithToken, TokenWallet, type TokenSource } from '../src/tokenWallet.ts';

const asked: number[] = [];
let issued = 0;
vi.mock('@hardline/protocol/tokens', () => ({
  async requestTokens(_key: Uint8Array, count: number) {
    if (count < 1 || count > 64) throw new Error(`ask for 1 to 64 tokens at a time, not ${count}`);
    asked.push(count);
    return { request: `req-${count}`, finish: async (response: string) => (response === 'none' ? [] : Array.from({ length: count }, () => `token-${++issued}`)) };
  },
}));

afterEach(() => {
  asked.length = 0;
  vi.useRealTimers();
});

function relay(response = 'ok') {
  const calls: string[] = [];
  const bodies: unknown[] = [];
  const source: TokenSource = {
    async request<T>(method: string, path: string, body?: unknown, auth?: 'session'): Promise<T> {
      calls.push(`${method} ${path}${auth ? ` (${auth})` : ''}`);
      bodies.push(body);
      if (method === 'GET') return { keyId: 'k', publicKey: toBase64Url(new Uint8Array(49)) } as T;
      return { response } as T;
    },
  };
  return { source, calls, bodies };
}

describe('token wallet bounds', () => {
  it('the first fetch asks for 4, later ones for the batch (16 by default); the key is fetched without the session', async () => {
    const r = relay();
    const wallet = new TokenWallet(r.source, 'blob');
    await wallet.fill();
    expect(wallet.size).toBe(4);
    await wallet.fill();
    expect(wallet.size).toBe(20);
    expect(asked).toEqual([4, 16]);
    expect(r.calls.slice(0, 2)).toEqual(['GET /v1/tokens/blob/key', 'POST /v1/tokens/blob (session)']);
    expect(r.bodies.slice(0, 2)).toEqual([undefined, { request: 'req-4' }]);
  });

  it('a small batch caps the first fetch too; a batch over 64 is cut to 64', async () => {
    const small = new TokenWallet(relay().source, 'claim', { batch: 2 });
    await small.fill();
    await small.fill();
    expect(asked).toEqual([2, 2]);
    asked.length = 0;
    const big = new TokenWallet(relay().source, 'claim', { batch: 500 });
    await big.fill();
    await big.fill();
    expect(asked).toEqual([4, 64]);
  });

  it('a relay that issues nothing is an error, and take() does not spin on it', async () => {
    const wallet = new TokenWallet(relay('none').source, 'claim');
    await expect(wallet.take()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(wallet.size).toBe(0);
    // Its first fetch failed: the next one is still the small first one.
    expect(asked).toEqual([4]);
  });

  it('concurrent callers share one fetch; a later fill fetches again', async () => {
    const r = relay();
    const wallet = new TokenWallet(r.source, 'claim', { batch: 8 });
    await Promise.all([wallet.fill(), wallet.fill(), wallet.take()]);
    expect(asked).toEqual([4]);
    await wallet.fill();
    expect(asked).toEqual([4, 8]);
  });

  it('each take spends a different token; discard drops them all', async () => {
    const wallet = new TokenWallet(relay().source, 'claim', { batch: 8, refillDelayMs: () => 60_000 });
    const got = [await wallet.take(), await wallet.take(), await wallet.take()];
    expect(new Set(got).size).toBe(3);
    expect(wallet.size).toBe(1);
    wallet.discard();
    expect(wallet.size).toBe(0);
    wallet.stop();
  });

  it('a refill is scheduled once the wallet drops below the low-water mark (capped at batch - 1), once, then again after it ran', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const delays: number[] = [];
    const wallet = new TokenWallet(relay().source, 'claim', { batch: 4, lowWater: 10, refillDelayMs: () => (delays.push(1), 1_000) });
    await wallet.take(); // 4 fetched, 3 left: not below 3 (the cap)
    expect(delays).toHaveLength(0);
    await wallet.take(); // 2 left
    expect(delays).toHaveLength(1);
    await wallet.take(); // 1 left: already scheduled
    expect(delays).toHaveLength(1);
    expect(asked).toEqual([4]);
    await vi.advanceTimersByTimeAsync(999);
    expect(asked).toEqual([4]);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked).toEqual([4, 4]);
    expect(wallet.size).toBe(5);
    await wallet.take();
    await wallet.take(); // 3 left
    expect(delays).toHaveLength(1);
    await wallet.take(); // 2 left: a new refill
    expect(delays).toHaveLength(2);
    wallet.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(asked).toEqual([4, 4]);
  });

  it('in a browser (a timer is a number, with no unref) a refill is scheduled without error', async () => {
    const scheduled: number[] = [];
    vi.stubGlobal('setTimeout', (_fn: () => void, ms: number) => (scheduled.push(ms), 7));
    try {
      const wallet = new TokenWallet(relay().source, 'claim', { batch: 4, lowWater: 3, refillDelayMs: () => 1_000 });
      await wallet.take();
      await expect(wallet.take()).resolves.toMatch(/^token-/);
      expect(scheduled).toEqual([1_000]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('the default low-water mark is 4', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const delays: number[] = [];
    const wallet = new TokenWallet(relay().source, 'claim', { refillDelayMs: () => (delays.push(1), 1_000) });
    await wallet.fill();
    await wallet.fill(); // 20
    for (let i = 0; i < 16; i++) await wallet.take(); // 4 left
    expect(delays).toHaveLength(0);
    await wallet.take(); // 3 left
    expect(delays).toHaveLength(1);
    wallet.stop();
  });

  it('the default refill delay is 2 minutes plus up to 18 more, at random', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const wallet = new TokenWallet(relay().source, 'claim', { batch: 4, lowWater: 3 });
      await wallet.take();
      await wallet.take(); // below the mark: refill in 120 s + 0.5 * 1080 s = 660 s
      await vi.advanceTimersByTimeAsync(659_999);
      expect(asked).toEqual([4]);
      await vi.advanceTimersByTimeAsync(1);
      expect(asked).toEqual([4, 4]);
    } finally {
      random.mockRestore();
    }
  });
});

describe('payWithToken', () => {
  it('after TOKEN_INVALID (the key rotated, or so the relay says): drops every token, fails the action, refills only in the background', async () => {
    vi.useFakeTimers();
    const wallet = new TokenWallet(relay().source, 'claim', { batch: 8, refillDelayMs: () => 60_000 });
    const used: string[] = [];
    const action = async (t: string) => {
      used.push(t);
      if (used.length === 1) throw new HardlineError('TOKEN_INVALID', 'old key');
      return 'done';
    };
    // No fetch and no second try on the refused action's path (tokenWallet-invalidAnswer-hostile.test.ts).
    await expect(payWithToken(wallet, action)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(used).toHaveLength(1);
    expect(asked).toEqual([4]);
    expect(wallet.size).toBe(0); // the three left of the first batch were discarded
    await expect(payWithToken(wallet, action)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(used).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked).toEqual([4, 8]);
    expect(await payWithToken(wallet, action)).toBe('done');
    expect(used[0]).not.toBe(used[1]);
    expect(wallet.size).toBe(7);
    wallet.stop();
  });

  it('TOKEN_INVALID, or any other error, is thrown without another try', async () => {
    const wallet = new TokenWallet(relay().source, 'claim', { batch: 8, refillDelayMs: () => 60_000 });
    let n = 0;
    await expect(
      payWithToken(wallet, async () => {
        n++;
        throw new HardlineError('TOKEN_INVALID', 'x');
      }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(n).toBe(1);
    wallet.stop();
    await wallet.fill();
    n = 0;
    await expect(
      payWithToken(wallet, async () => {
        n++;
        throw new HardlineError('TOKEN_SPENT', 'x');
      }),
    ).rejects.toMatchObject({ code: 'TOKEN_SPENT' });
    await expect(
      payWithToken(wallet, async () => {
        n++;
        throw new TypeError('x');
      }),
    ).rejects.toBeInstanceOf(TypeError);
    expect(n).toBe(2);
    wallet.stop();
  });
});
