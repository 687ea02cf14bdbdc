/**
 * @module tokenSpendEdges-hostile.test
 * Spending Privacy Pass tokens (tokens/tokenIssuer.ts, tokenLedger.ts) from the side of a
 * holder who wants a token to pay twice, or a stranger who forges them:
 *  - a wallet filled just before a rotation still pays, under the key that signed it (not under
 *    the newest key of its purpose);
 *  - a forger held back is told when to come again;
 *  - a token spent before a clean stop is still spent in a copy of tokens.db taken after it (the
 *    spends are in the file, not only in a journal beside it).
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseToken } from '@hardline/protocol/tokens';
import type { DeviceId } from '@hardline/protocol';
import { requestTokens } from '@hardline/protocol/tokens';
import { FailureThrottle } from '../src/limits/failureThrottle.ts';
import { TokenIssuer, type TokenSettings } from '../src/tokens/tokenIssuer.ts';
import { TOKEN_FILE_NAME, TokenLedger } from '../src/tokens/tokenLedger.ts';
import { tmpDir } from './support/tmpDir.ts';

const DAY = 86_400_000;
const DEVICE = 'ab'.repeat(16) as DeviceId;
const SETTINGS: TokenSettings = { claimTokensPerDevicePerDay: 5, blobTokensPerDevicePerDay: 5, turnTokensPerDevicePerDay: 5, tokenKeyLifetimeDays: 7 };

const open: TokenLedger[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

function newIssuer(failures?: FailureThrottle) {
  const dir = tmpDir();
  const ledger = new TokenLedger(dir);
  open.push(ledger);
  const clock = { now: Date.UTC(2026, 2, 3, 12, 0) };
  return { dir, ledger, clock, issuer: new TokenIssuer(ledger, SETTINGS, () => clock.now, failures) };
}

async function mint(issuer: TokenIssuer, count: number) {
  const key = await issuer.currentKey('claim');
  const { request, finish } = await requestTokens(key.publicKey, count);
  return finish((await issuer.issue(DEVICE, 'claim', request)).response);
}

describe('a wallet filled just before the key rotated', () => {
  it("pays under its own key, which the relay still honours, and only once", async () => {
    const { clock, issuer, ledger } = newIssuer();
    const [old] = await mint(issuer, 1);
    clock.now += 8 * DAY;
    await mint(issuer, 1); // the new current key
    expect(ledger.keys('claim')).toHaveLength(2);
    await issuer.spend('claim', old, '10.0.0.1');
    await expect(issuer.spend('claim', old, '10.0.0.1')).rejects.toMatchObject({ code: 'TOKEN_SPENT' });
  });
});

describe('a forger held back by the failure throttle', () => {
  it('is told how many seconds to wait', async () => {
    const now = Date.UTC(2026, 2, 3, 12, 0);
    const throttle = new FailureThrottle({ perMinute: 100, perMinutePerAddress: 1 }, () => now);
    const { issuer } = newIssuer(throttle);
    const [t] = await mint(issuer, 1);
    await issuer.spend('claim', t, '10.0.0.9');
    await expect(issuer.spend('claim', t, '10.0.0.9')).rejects.toMatchObject({ code: 'TOKEN_SPENT' });
    const held = await issuer.spend('claim', t, '10.0.0.9').catch((e: unknown) => e);
    expect(held).toMatchObject({ relayCode: 'RATE_LIMITED' });
    const wait = (held as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    expect(typeof wait).toBe('number');
    expect(wait).toBeGreaterThan(0);
  });
});

describe('tokens.db after a clean stop', () => {
  it('holds every spend itself: a copy of the file alone refuses a token spent before the stop', async () => {
    const { dir, issuer, ledger } = newIssuer();
    const [t] = await mint(issuer, 1);
    await issuer.spend('claim', t);
    ledger.close();
    open.splice(open.indexOf(ledger), 1);
    expect(existsSync(join(dir, `${TOKEN_FILE_NAME}-wal`))).toBe(false);
    const copy = tmpDir();
    copyFileSync(join(dir, TOKEN_FILE_NAME), join(copy, TOKEN_FILE_NAME));
    const restored = new TokenLedger(copy);
    open.push(restored);
    const parsed = parseToken(t);
    const keyId = Buffer.from(parsed.keyId).toString('hex');
    expect(restored.spend(keyId, parsed.nonce)).toBe(false);
  });

  it('records nothing once closed', () => {
    const { ledger } = newIssuer();
    ledger.close();
    open.splice(open.indexOf(ledger), 1);
    expect(() => ledger.spend('00'.repeat(32), new Uint8Array(32))).toThrow();
  });
});
