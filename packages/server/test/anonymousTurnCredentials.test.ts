/**
 * TURN credentials bought with an anonymous `turn` token (routes/turnRoutes.ts), from the
 * attacker's side: a stranger with no token, a replayer, a holder of another kind of token, a
 * forger, an insider draining a budget; and the operator reading the credential, the relay's
 * files and its log for the device behind it.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawCall } from '../../../test/support/anonymousAttacker.ts';
import { fetchTokens } from '../../../test/support/privacyPassTokens.ts';
import { startIngressHop } from '../src/ingress/ingressHop.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { gatewayConfig, throughHop } from './support/ohttpClient.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

const TURN = { urls: ['turn:127.0.0.1:3478?transport=udp'], secret: randomBytes(32).toString('base64url'), ttlSeconds: 3600 };

let relay: TestRelay;
let alice: TestDevice;

beforeAll(async () => {
  relay = await startTestRelay({ turn: TURN, limits: { turnTokensPerDevicePerDay: 60 } });
  alice = await enrolDevice(relay.url, relay.adminToken, 'alice');
});

const buy = (token?: unknown) => call(relay.url, 'POST', '/v1/turn/credentials', token === undefined ? {} : { token });

describe('a stranger with no token', () => {
  it('gets no credentials: 401 TOKEN_REQUIRED, every time', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await buy();
      expect(r).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_REQUIRED' } } });
      expect(r.body.iceServers).toBeUndefined();
    }
  });

  it('gets none with junk for a token, and a clear error', async () => {
    expect((await buy('not a token!')).body.error.code).toBe('DECODE');
    expect((await buy(12)).body.error.code).toBe('DECODE');
    expect((await buy(randomBytes(146).toString('base64url'))).body.error.code).toMatch(/TOKEN_INVALID|DECODE/);
  });

  it('cannot use the old session route to get them either (it is gone)', async () => {
    const r = await call(relay.url, 'GET', '/v1/turn', undefined, alice.token);
    expect(r.status).toBe(404);
  });
});

describe('a token holder', () => {
  it('buys one set per token: a replayed token is refused', async () => {
    const [token] = await fetchTokens(relay.url, alice.token, 1, 'turn');
    const first = await buy(token);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ relayOnly: true, ttlSeconds: 3600, iceServers: [{ urls: TURN.urls }] });
    const again = await buy(token);
    expect(again).toMatchObject({ status: 403, body: { error: { code: 'TOKEN_SPENT' } } });
    expect(again.body.iceServers).toBeUndefined();
  });

  it('cannot pay with a claim or blob token, nor buy a claim with a TURN token', async () => {
    const [claimToken] = await fetchTokens(relay.url, alice.token, 1, 'claim');
    const [blobToken] = await fetchTokens(relay.url, alice.token, 1, 'blob');
    expect((await buy(claimToken)).body.error.code).toBe('TOKEN_INVALID');
    expect((await buy(blobToken)).body.error.code).toBe('TOKEN_INVALID');
    const [turnToken] = await fetchTokens(relay.url, alice.token, 1, 'turn');
    const claim = await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: alice.deviceId, token: turnToken });
    expect(claim.body.error.code).toBe('TOKEN_INVALID');
  });

  it('is held to the daily TURN budget, apart from the other kinds', async () => {
    const r = await startTestRelay({ turn: TURN, limits: { turnTokensPerDevicePerDay: 3 } });
    const spender = await enrolDevice(r.url, r.adminToken, 'spender');
    const tokens = await fetchTokens(r.url, spender.token, 3, 'turn');
    await expect(fetchTokens(r.url, spender.token, 1, 'turn')).rejects.toMatchObject({ code: 'TOKEN_BUDGET', status: 429 });
    expect(await fetchTokens(r.url, spender.token, 1, 'claim')).toHaveLength(1);
    for (const t of tokens) expect((await call(r.url, 'POST', '/v1/turn/credentials', { token: t })).status).toBe(200);
  });
});

describe('a stranger forging TURN tokens', () => {
  it('is throttled per address, like forged tokens of the other kinds', async () => {
    const r = await startTestRelay({ turn: TURN, limits: { tokenFailuresPerMinutePerAddress: 3 } });
    const payer = await enrolDevice(r.url, r.adminToken, 'payer');
    const [real, honest] = await fetchTokens(r.url, payer.token, 2, 'turn');
    const forged = (): string => {
      const t = Buffer.from(real!, 'base64url');
      randomBytes(32).copy(t, 2); // a fresh nonce: passes every cheap check, fails the evaluation
      return t.toString('base64url');
    };
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await rawCall(r.url, 'POST', '/v1/turn/credentials', { token: forged() }, '127.0.0.2')).body.error.code);
    expect(codes).toEqual(['TOKEN_INVALID', 'TOKEN_INVALID', 'TOKEN_INVALID', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect((await rawCall(r.url, 'POST', '/v1/turn/credentials', { token: honest }, '127.0.0.3')).status).toBe(200);
  });
});

describe('the operator reading a credential', () => {
  it('finds no device, user or handle in its username, only an expiry and 128 random bits', async () => {
    const tokens = await fetchTokens(relay.url, alice.token, 8, 'turn');
    const names: string[] = [];
    for (const token of tokens) {
      const r = await buy(token);
      expect(r.status).toBe(200);
      names.push(r.body.iceServers[0].username);
    }
    const now = Math.floor(Date.now() / 1000);
    for (const name of names) {
      expect(name).toMatch(/^\d+:[0-9a-f]{32}$/);
      const expiry = Number(name.split(':')[0]);
      expect(expiry).toBeGreaterThan(now + 3500);
      expect(expiry).toBeLessThanOrEqual(now + 3601);
      for (const id of [alice.deviceId, alice.userId, alice.handle]) expect(name.toLowerCase()).not.toContain(id.toLowerCase());
    }
    // Each set its own name: two calls never share one at the TURN server.
    expect(new Set(names.map((n) => n.split(':')[1])).size).toBe(names.length);
  });

  it("finds no trace of it in the relay's files or log: nothing ties it to the device that paid", async () => {
    const [token] = await fetchTokens(relay.url, alice.token, 1, 'turn');
    const { username, credential } = (await buy(token)).body.iceServers[0];
    const random = username.split(':')[1] as string;
    const needles = [Buffer.from(username), Buffer.from(random), Buffer.from(random, 'hex'), Buffer.from(credential)];
    for (const file of readdirSync(relay.dataDir, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const bytes = readFileSync(join(file.parentPath, file.name));
      for (const n of needles) expect(bytes.includes(n), `${file.name} holds the credential`).toBe(false);
    }
    for (const line of relay.logs) {
      expect(line).not.toContain(random);
      expect(line).not.toContain(credential);
    }
  });
});

describe('through the ingress hop', () => {
  it('buys a set the relay answers to the hop, and the hop sees only ciphertext', async () => {
    const forwarded: Uint8Array[] = [];
    const answered: Uint8Array[] = [];
    const hop = await startIngressHop({
      target: relay.url,
      port: 0,
      upstream: (send) => async (url, body, type, timeout) => {
        forwarded.push(new Uint8Array(body));
        const r = await send(url, body, type, timeout);
        answered.push(new Uint8Array(r.body));
        return r;
      },
    });
    try {
      const [token] = await fetchTokens(relay.url, alice.token, 1, 'turn');
      const r = await throughHop(hop.url, await gatewayConfig(relay.url), { method: 'POST', path: '/v1/turn/credentials', json: { token } });
      expect(r.status).toBe(200);
      const { username } = r.body.iceServers[0];
      expect(username).toMatch(/^\d+:[0-9a-f]{32}$/);
      const random = Buffer.from(username.split(':')[1]);
      expect(forwarded.some((b) => Buffer.from(b).includes(Buffer.from(token!)))).toBe(false);
      expect(answered.length).toBeGreaterThan(0);
      expect(answered.some((b) => Buffer.from(b).includes(random))).toBe(false);
    } finally {
      await hop.close();
    }
  });
});

describe('a relay without TURN', () => {
  it('says so, takes no token and hands out nothing', async () => {
    const r = await startTestRelay();
    expect((await call(r.url, 'POST', '/v1/turn/credentials', {})).body).toEqual({ iceServers: [], ttlSeconds: 0, relayOnly: false });
  });
});
