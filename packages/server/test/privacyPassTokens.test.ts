/**
 * Anonymous actions cost a Privacy Pass token (tokens/tokenIssuer.ts), played from the
 * attacker's side: a stranger with no account and no tokens, a forger, a replayer, and an
 * insider draining a device's daily budget.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawCall } from '../../../test/support/anonymousAttacker.ts';
import { fetchTokens } from '../../../test/support/privacyPassTokens.ts';
import { TokenIssuer } from '../src/tokens/tokenIssuer.ts';
import { TokenLedger } from '../src/tokens/tokenLedger.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';
import { BLOB_BUCKETS } from '@hardline/protocol';

let relay: TestRelay;
let carol: TestDevice;
let insider: TestDevice;

beforeAll(async () => {
  relay = await startTestRelay({ limits: { claimTokensPerDevicePerDay: 40, blobTokensPerDevicePerDay: 3 } });
  carol = await enrolDevice(relay.url, relay.adminToken, 'carol');
  insider = await enrolDevice(relay.url, relay.adminToken, 'insider');
  const kps = await newKeyPackages(carol, 3);
  const up = await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: kps.map((k) => ({ keyPackage: k.toString('base64url'), readCapHash: randomBytes(32).toString('base64url') })) }, carol.token);
  expect(up.status).toBe(200);
});

const claim = (token?: unknown) => call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: carol.deviceId, ...(token !== undefined ? { token } : {}) });
const count = async () => (await call(relay.url, 'GET', '/v1/keypackages/count', undefined, carol.token)).body.count as number;
const newBlob = (token?: string) =>
  fetch(`${relay.url}/v1/blobs/${randomBytes(16).toString('hex')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Capability ${randomBytes(32).toString('hex')}` },
    body: JSON.stringify({ version: 0, data: randomBytes(BLOB_BUCKETS[0]!).toString('base64url'), ...(token ? { token } : {}) }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
const dataBytes = () => readdirSync(relay.dataDir).reduce((n, f) => n + statSync(join(relay.dataDir, f)).size, 0);

describe('a stranger with no tokens', () => {
  it('claims nothing and creates no blob, and the data folder does not grow', async () => {
    const before = await count();
    const bytesBefore = dataBytes();
    for (let i = 0; i < 20; i++) {
      expect((await claim()).body.error.code).toBe('TOKEN_REQUIRED');
      const b = await newBlob();
      expect(b).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_REQUIRED' } } });
    }
    expect(await count()).toBe(before);
    expect(dataBytes()).toBe(bytesBefore);
  });

  it('cannot fetch tokens without a session', async () => {
    const r = await call(relay.url, 'POST', '/v1/tokens/claim', { request: 'AAAA' });
    expect(r.status).toBe(401);
  });

  it('cannot forge one', async () => {
    const [real] = await fetchTokens(relay.url, insider.token, 1);
    const forged = Buffer.from(real!, 'base64url');
    forged[forged.length - 1]! ^= 1;
    expect((await claim(forged.toString('base64url'))).body.error.code).toBe('TOKEN_INVALID');
    expect((await claim(randomBytes(146).toString('base64url'))).body.error.code).toMatch(/TOKEN_INVALID|DECODE/);
    expect((await claim('not a token!')).body.error.code).toBe('DECODE');
    expect((await claim(12)).body.error.code).toBe('DECODE');
  });
});

describe('a token holder', () => {
  it('pays once per token: a replayed token is refused and claims nothing', async () => {
    const [token] = await fetchTokens(relay.url, insider.token, 1);
    const before = await count();
    expect((await claim(token)).status).toBe(200);
    expect(await count()).toBe(before - 1);
    expect((await claim(token)).body.error.code).toBe('TOKEN_SPENT');
    expect(await count()).toBe(before - 1);
    const [blobToken] = await fetchTokens(relay.url, insider.token, 1, 'blob');
    expect((await newBlob(blobToken)).status).toBe(200);
    expect((await newBlob(blobToken)).body.error.code).toBe('TOKEN_SPENT');
  });

  it('a token pays only for its own kind of action', async () => {
    const [claimToken] = await fetchTokens(relay.url, insider.token, 1, 'claim');
    const [blobToken] = await fetchTokens(relay.url, insider.token, 1, 'blob');
    const before = await count();
    expect((await newBlob(claimToken)).body.error.code).toBe('TOKEN_INVALID');
    expect((await claim(blobToken)).body.error.code).toBe('TOKEN_INVALID');
    expect(await count()).toBe(before);
  });

  it('is held to the daily budgets, and tokens already fetched stay good', async () => {
    const spender = await enrolDevice(relay.url, relay.adminToken, 'spender');
    const claims = await fetchTokens(relay.url, spender.token, 40);
    await expect(fetchTokens(relay.url, spender.token, 1)).rejects.toMatchObject({ code: 'TOKEN_BUDGET', status: 429 });
    expect((await claim(claims[0])).status).toBe(200);
    // Blob tokens have a budget of their own, so a device that used up its claims still has them
    // (and the other way round); three blobs and no more.
    const blobs = await fetchTokens(relay.url, spender.token, 3, 'blob');
    await expect(fetchTokens(relay.url, spender.token, 1, 'blob')).rejects.toMatchObject({ code: 'TOKEN_BUDGET' });
    for (const t of blobs) expect((await newBlob(t)).status).toBe(200);
  });

  it('two batches at once cannot overshoot the budget: it is taken before the evaluation', async () => {
    const racer = await enrolDevice(relay.url, relay.adminToken, 'racer');
    const outcomes = await Promise.allSettled([fetchTokens(relay.url, racer.token, 30), fetchTokens(relay.url, racer.token, 30)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'TOKEN_BUDGET' } });
    // The refused batch gave back nothing it did not take: 10 are left.
    expect(await fetchTokens(relay.url, racer.token, 10)).toHaveLength(10);
    await expect(fetchTokens(relay.url, racer.token, 1)).rejects.toMatchObject({ code: 'TOKEN_BUDGET' });
  });

  it('a batch above the limit or of junk is refused with a clear error', async () => {
    const junk = await call(relay.url, 'POST', '/v1/tokens/claim', { request: 'AAAA' }, insider.token);
    expect(junk).toMatchObject({ status: 400, body: { error: { code: 'DECODE' } } });
    const missing = await call(relay.url, 'POST', '/v1/tokens/claim', {}, insider.token);
    expect(missing.body.error.code).toBe('DECODE');
    const purpose = await call(relay.url, 'POST', '/v1/tokens/everything', { request: 'AAAA' }, insider.token);
    expect(purpose.body.error).toMatchObject({ code: 'DECODE', message: expect.stringMatching(/claim, blob/) });
  });
});

describe('a stranger forging tokens', () => {
  it('is throttled per address before the relay spends a VOPRF evaluation on each; others are not', async () => {
    const r = await startTestRelay({ limits: { tokenFailuresPerMinutePerAddress: 3 } });
    const payer = await enrolDevice(r.url, r.adminToken, 'payer');
    const [real, honest] = await fetchTokens(r.url, payer.token, 2);
    const forged = (): string => {
      const t = Buffer.from(real!, 'base64url');
      randomBytes(32).copy(t, 2); // a fresh nonce: passes every cheap check, fails the evaluation
      return t.toString('base64url');
    };
    const claimFrom = (address: string, token: string) => rawCall(r.url, 'POST', '/v1/keypackages/claim', { deviceId: payer.deviceId, token }, address);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await claimFrom('127.0.0.2', forged())).body.error.code);
    expect(codes).toEqual(['TOKEN_INVALID', 'TOKEN_INVALID', 'TOKEN_INVALID', 'RATE_LIMITED', 'RATE_LIMITED']);
    const limited = await claimFrom('127.0.0.2', forged());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address, spending a real token, is served (and a good token costs no failure).
    expect((await claimFrom('127.0.0.3', honest!)).body.error?.code ?? 'ok').not.toMatch(/RATE_LIMITED|TOKEN_/);
  });
});

describe('issuer keys', () => {
  let dir: string;
  let ledger: TokenLedger;
  afterAll(() => ledger?.close());

  it('rotate on schedule; the previous key is honoured one more lifetime, then its tokens and nonces go', async () => {
    dir = tmpDir();
    ledger = new TokenLedger(dir);
    let now = Date.UTC(2026, 0, 1);
    const issuer = new TokenIssuer(ledger, { claimTokensPerDevicePerDay: 100, blobTokensPerDevicePerDay: 1, turnTokensPerDevicePerDay: 1, tokenKeyLifetimeDays: 7 }, () => now);
    const first = await issuer.currentKey('claim');
    const { requestTokens } = await import('@hardline/protocol/tokens');
    const mint = async () => {
      const key = await issuer.currentKey('claim');
      const { request, finish } = await requestTokens(key.publicKey, 3);
      return finish((await issuer.issue('00'.repeat(16) as never, 'claim', request)).response);
    };
    const [a, b, late] = await mint();
    await issuer.spend('claim', a);
    now += 8 * 86_400_000;
    const second = await issuer.currentKey('claim');
    expect(second.id).not.toBe(first.id);
    await issuer.spend('claim', b); // the previous key still pays
    await expect(issuer.spend('claim', a)).rejects.toMatchObject({ code: 'TOKEN_SPENT' });
    const [c] = await mint();
    now += 8 * 86_400_000;
    await issuer.currentKey('claim');
    const [d] = await mint();
    await issuer.spend('claim', c); // second's tokens: previous key now
    await issuer.spend('claim', d);
    expect(ledger.keys('claim').map((k) => k.id)).not.toContain(first.id);
    // Once the first key retires, its tokens no longer pay (an unspent one included) and its
    // spent nonces are gone from the ledger, which is what bounds the file.
    await expect(issuer.spend('claim', late)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(issuer.spend('claim', a)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});
