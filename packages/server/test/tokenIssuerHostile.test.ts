/**
 * @module tokenIssuerHostile.test
 * The Privacy Pass issuer (tokens/tokenIssuer.ts, tokenLedger.ts) at its edges, played by a
 * device that wants more anonymous actions than its budget pays for, and by whoever copies
 * tokens.db: the key's lifetime to the millisecond, two racing first requests, a budget across
 * a UTC midnight and a housekeeping sweep, a batch that fails after its budget was taken, a
 * token that is missing or null, a good token that must not count as a failure, and the spent
 * nonces of a retired key, which must leave the file with it.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceId } from '@hardline/protocol';
import { generateTokenKey, requestTokens, tokenKeyId } from '@hardline/protocol/tokens';
import { FailureThrottle } from '../src/limits/failureThrottle.ts';
import { TokenIssuer, type TokenSettings } from '../src/tokens/tokenIssuer.ts';
import { TOKEN_FILE_NAME, TokenLedger } from '../src/tokens/tokenLedger.ts';
import { tmpDir } from './support/tmpDir.ts';

const DAY = 86_400_000;
const DEVICE = 'ab'.repeat(16) as DeviceId;
const SETTINGS: TokenSettings = { claimTokensPerDevicePerDay: 3, blobTokensPerDevicePerDay: 2, turnTokensPerDevicePerDay: 1, tokenKeyLifetimeDays: 7 };

const open: TokenLedger[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

function newIssuer(settings: TokenSettings = SETTINGS, failures?: FailureThrottle) {
  const dir = tmpDir();
  const ledger = new TokenLedger(dir);
  open.push(ledger);
  const clock = { now: Date.UTC(2026, 2, 3, 23, 0) };
  const issuer = new TokenIssuer(ledger, settings, () => clock.now, failures);
  return { dir, ledger, clock, issuer };
}

/** What a device's wallet does: blinds `count` requests to the relay's current key, asks, unblinds. */
async function mint(issuer: TokenIssuer, count: number, purpose: 'claim' | 'blob' | 'turn' = 'claim', device = DEVICE) {
  const key = await issuer.currentKey(purpose);
  const { request, finish } = await requestTokens(key.publicKey, count);
  const r = await issuer.issue(device, purpose, request);
  return { tokens: await finish(r.response), remaining: r.remaining };
}

/**
 * A key that is not the relay's, and does not share its one-byte truncated id either: one in 256
 * random keys does, and the relay (which checks only that byte) would then sign the request.
 */
async function strangerKey(issuer: TokenIssuer) {
  const ours = (await tokenKeyId((await issuer.currentKey('claim')).publicKey)).at(-1);
  for (;;) {
    const k = await generateTokenKey();
    if ((await tokenKeyId(k.publicKey)).at(-1) !== ours) return k;
  }
}

describe('issuer keys', () => {
  it('two first requests at once make one key, not two', async () => {
    const { ledger, issuer } = newIssuer();
    const [a, b] = await Promise.all([issuer.currentKey('claim'), issuer.currentKey('claim')]);
    expect(a.id).toBe(b.id);
    expect(ledger.keys('claim')).toHaveLength(1);
  });

  it('a key serves its lifetime to the millisecond, and not one millisecond more', async () => {
    const { clock, issuer } = newIssuer();
    const first = await issuer.currentKey('claim');
    clock.now += 7 * DAY - 1;
    expect((await issuer.currentKey('claim')).id).toBe(first.id);
    clock.now += 1;
    const second = await issuer.currentKey('claim');
    expect(second.id).not.toBe(first.id);
    // And the next rotation comes a lifetime later again (the finished rotation is forgotten).
    clock.now += 7 * DAY;
    expect((await issuer.currentKey('claim')).id).not.toBe(second.id);
  });

  it("a retired key's token is refused even when nobody fetched tokens since: spending rotates first", async () => {
    const { clock, issuer } = newIssuer();
    const { tokens } = await mint(issuer, 2);
    clock.now += 8 * DAY;
    await mint(issuer, 1); // a second key; the first is still honoured
    clock.now += 8 * DAY;
    // No issue call in between: only the spend itself can notice that a third key is due,
    // which retires the first.
    await expect(issuer.spend('claim', tokens[0])).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it("a retired key's spent nonces leave tokens.db with it", async () => {
    const { dir, clock, issuer } = newIssuer();
    const first = await issuer.currentKey('claim');
    const { tokens } = await mint(issuer, 2);
    await issuer.spend('claim', tokens[0]);
    await issuer.spend('claim', tokens[1]);
    const spentOf = (keyId: string) => {
      const db = new Database(join(dir, TOKEN_FILE_NAME), { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM spent WHERE key_id = ?').get(keyId) as { n: number }).n;
      } finally {
        db.close();
      }
    };
    expect(spentOf(first.id)).toBe(2);
    clock.now += 8 * DAY;
    await issuer.currentKey('claim');
    expect(spentOf(first.id)).toBe(2); // still honoured, so its nonces must stay
    clock.now += 8 * DAY;
    await issuer.currentKey('claim');
    expect(spentOf(first.id)).toBe(0);
  });
});

describe('the daily budget', () => {
  it('counts down in `remaining`, holds at exactly the budget, and starts again at UTC midnight', async () => {
    const { clock, issuer } = newIssuer();
    expect((await mint(issuer, 1)).remaining).toBe(2);
    expect((await mint(issuer, 2)).remaining).toBe(0);
    await expect(mint(issuer, 1)).rejects.toMatchObject({ code: 'TOKEN_BUDGET' });
    // Another device, another purpose: budgets of their own.
    expect((await mint(issuer, 3, 'claim', 'cd'.repeat(16) as DeviceId)).remaining).toBe(0);
    expect((await mint(issuer, 2, 'blob')).remaining).toBe(0);
    await expect(mint(issuer, 1, 'blob')).rejects.toMatchObject({ code: 'TOKEN_BUDGET' });
    // One hour later it is the next UTC day (the clock started at 23:00).
    clock.now += 60 * 60_000;
    expect((await mint(issuer, 3)).remaining).toBe(0);
    await expect(mint(issuer, 1)).rejects.toMatchObject({ code: 'TOKEN_BUDGET' });
  });

  it("housekeeping forgets yesterday's counts only, never today's", async () => {
    const { clock, issuer } = newIssuer();
    await mint(issuer, 3);
    issuer.sweep();
    await expect(mint(issuer, 1)).rejects.toMatchObject({ code: 'TOKEN_BUDGET' });
    clock.now += DAY;
    issuer.sweep();
    expect((await mint(issuer, 3)).remaining).toBe(0);
  });

  it('a batch that fails after its budget was taken gives exactly that budget back', async () => {
    const { clock, issuer } = newIssuer();
    await mint(issuer, 1);
    // Requests blinded to a key that is not the relay's: parsed and admitted, then refused
    // at the first evaluation.
    const stranger = await strangerKey(issuer);
    const { request } = await requestTokens(stranger.publicKey, 2);
    await expect(issuer.issue(DEVICE, 'claim', request)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect((await mint(issuer, 2)).remaining).toBe(0);
    await expect(mint(issuer, 1)).rejects.toMatchObject({ code: 'TOKEN_BUDGET' });
    // Refused for the budget itself: nothing was taken, so nothing is given back.
    await expect(issuer.issue(DEVICE, 'claim', request)).rejects.toMatchObject({ code: 'TOKEN_BUDGET' });
    await expect(mint(issuer, 1)).rejects.toMatchObject({ code: 'TOKEN_BUDGET' });
    // A failure on a later day does not touch the earlier day's count, nor go below zero today.
    clock.now += DAY;
    await expect(issuer.issue(DEVICE, 'claim', request)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect((await mint(issuer, 3)).remaining).toBe(0);
  });
});

describe('spending', () => {
  it('no token, or null, is TOKEN_REQUIRED; junk is DECODE', async () => {
    const { issuer } = newIssuer();
    await expect(issuer.spend('claim', undefined)).rejects.toMatchObject({ code: 'TOKEN_REQUIRED' });
    await expect(issuer.spend('claim', null)).rejects.toMatchObject({ code: 'TOKEN_REQUIRED' });
    await expect(issuer.spend('claim', '')).rejects.toMatchObject({ code: 'DECODE' });
    await expect(issuer.spend('claim', 0)).rejects.toMatchObject({ code: 'DECODE' });
  });

  it('good tokens cost no failure; replays and forgeries do, per address', async () => {
    const throttle = new FailureThrottle({ perMinute: 100, perMinutePerAddress: 2 }, () => Date.UTC(2026, 2, 3));
    const { issuer } = newIssuer({ ...SETTINGS, claimTokensPerDevicePerDay: 10 }, throttle);
    const { tokens } = await mint(issuer, 6);
    // Five good tokens from one address under a limit of two failures: all pay.
    for (const t of tokens.slice(0, 5)) await issuer.spend('claim', t, '10.0.0.1');
    // Replays are failures: two, then the address is held back before any evaluation.
    await expect(issuer.spend('claim', tokens[0], '10.0.0.1')).rejects.toMatchObject({ code: 'TOKEN_SPENT' });
    await expect(issuer.spend('claim', tokens[1], '10.0.0.1')).rejects.toMatchObject({ code: 'TOKEN_SPENT' });
    await expect(issuer.spend('claim', tokens[5], '10.0.0.1')).rejects.toMatchObject({ relayCode: 'RATE_LIMITED' });
    // The held-back good token was not spent: it still pays from elsewhere.
    await issuer.spend('claim', tokens[5], '10.0.0.2');
  });
});
