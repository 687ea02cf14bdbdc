/**
 * @module claimPacing-tokenDiscard-hostile.test
 * The relay operator's seat: it answers one anonymous claim with TOKEN_INVALID, and the wallet
 * drops every token (tokenWallet.ts `discard`). A paced claim that makes sure of its token
 * (claimPacing.ts `warmWallet`) must not fetch new ones over the session then: the relay would
 * see this device ask for tokens moments after the spend it refused, and know whose it was.
 * Only the background refill, minutes later, fetches.
 */
import { describe, expect, it } from 'vitest';
import { warmWallet } from '../src/claimPacing.ts';
import { TokenWallet } from '../src/tokenWallet.ts';

describe('a wallet the relay emptied', () => {
  it('is not filled by the pacing on a claim\'s path', async () => {
    const asked: string[] = [];
    const wallet = new TokenWallet(
      {
        request: async <T>(method: string, path: string): Promise<T> => {
          asked.push(`${method} ${path}`);
          throw new Error('no fetch was expected');
        },
      },
      'claim',
      { refillDelayMs: () => 3_600_000 },
    );
    wallet.discard();
    await warmWallet(wallet, 1);
    wallet.stop();
    expect(asked).toEqual([]);
    expect(wallet.dropped).toBe(true);
  });
});
