/**
 * @module tokenWallet-invalidAnswer-hostile.test
 * The token wallet from the seat of a relay that answers an anonymous claim with TOKEN_INVALID
 * (the answer of a rotated issuer key, which any relay can send for any token). The wallet used to
 * drop its tokens, fetch a fresh batch over the session at once and send the claim again: the
 * relay saw the refused claim come through the hop, then this device's session ask for claim
 * tokens, then the same claim again, all within milliseconds, and so learnt which device was
 * making that claim (whom it is about to talk to). The delayed refill (tokenWallet.ts) exists to
 * keep a session fetch away from a spend; the relay could force one on any claim it chose.
 *
 * Now the refusal drops the tokens and fails the action (it is made again later, as after an
 * outage), no fetch goes on an action's path while the wallet is dropped, and the new batch comes
 * from the background refill, a random 2 to 20 minutes later. Only the first fetch after start
 * still goes on a claim's path, as before.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HardlineError, toBase64Url } from '@hardline/protocol';
import { payWithToken, TokenWallet, type TokenSource } from '../src/tokenWallet.ts';

vi.mock('@hardline/protocol/tokens', () => {
  let issued = 0;
  return {
    async requestTokens(_key: Uint8Array, count: number) {
      return { request: `req-${count}`, finish: async () => Array.from({ length: count }, () => `token-${++issued}`) };
    },
  };
});

afterEach(() => {
  vi.useRealTimers();
});

/** What the relay sees, in order: this device's session asking for tokens, and the anonymous claims. */
function hostileRelay() {
  const seen: string[] = [];
  const source: TokenSource = {
    async request<T>(method: string, path: string, _body?: unknown, auth?: 'session'): Promise<T> {
      seen.push(`${method} ${path}${auth ? ' (session)' : ''}`);
      if (method === 'GET') return { keyId: 'k', publicKey: toBase64Url(new Uint8Array(49)) } as T;
      return { response: 'ok' } as T;
    },
  };
  /** The claim through the hop: answered TOKEN_INVALID while `refuse` is set. */
  let refuse = true;
  const claim = async (token: string): Promise<string> => {
    seen.push(`claim with ${token}`);
    if (refuse) throw new HardlineError('TOKEN_INVALID', 'the token does not verify');
    return 'claimed';
  };
  return { source, seen, claim, stopRefusing: () => (refuse = false) };
}

describe('a relay that answers a claim with TOKEN_INVALID', () => {
  it('sees no session fetch of tokens on that claim\'s path, nor on the next ones until the background refill', async () => {
    vi.useFakeTimers();
    const relay = hostileRelay();
    const wallet = new TokenWallet(relay.source, 'claim', { refillDelayMs: () => 300_000 });
    await wallet.fill();
    relay.seen.length = 0;

    await expect(payWithToken(wallet, relay.claim)).rejects.toBeInstanceOf(HardlineError);
    // The refused claim, and nothing else: no session fetch and no second claim right after it.
    expect(relay.seen).toEqual(['claim with token-4']);
    // The device tries again soon (a pool refill, a send): it fails on the device, nothing leaves.
    relay.stopRefusing();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(payWithToken(wallet, relay.claim)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(relay.seen).toEqual(['claim with token-4']);
    // The background refill, minutes later, on its own; then claims go again.
    await vi.advanceTimersByTimeAsync(300_000);
    expect(relay.seen).toEqual(['claim with token-4', 'GET /v1/tokens/claim/key', 'POST /v1/tokens/claim (session)']);
    expect(await payWithToken(wallet, relay.claim)).toBe('claimed');
    wallet.stop();
  });

  it('the failure says why: the relay refused the tokens, and the refusal is kept as its cause', async () => {
    vi.useFakeTimers();
    const relay = hostileRelay();
    const wallet = new TokenWallet(relay.source, 'claim', { refillDelayMs: () => 300_000 });
    await wallet.fill();
    const refused = await payWithToken(wallet, relay.claim).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', cause: { code: 'TOKEN_INVALID' } });
    // The next action fails on the device, before the background refill: the user is told why.
    const waiting = await payWithToken(wallet, relay.claim).catch((e: unknown) => e);
    expect(waiting).toMatchObject({ code: 'UNAVAILABLE' });
    expect((waiting as Error).message).toMatch(/refused this device's tokens/);
    wallet.stop();
  });
});
