/**
 * @module httpApi.test
 * Spec §6 HTTP endpoints over a real socket: enrolment, sessions, directory, KeyPackages,
 * locks, link codes and revocation.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { newDeviceKeys } from './support/deviceKeys.ts';
import { enrolDevice, enrolWithCode, invite, openSession } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { tokenPurse } from '../../../test/support/privacyPassTokens.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});

const b64 = (b: Buffer) => b.toString('base64url');

describe('org and admin', () => {
  it('serves the cipher suite, the key-transparency log key and the org key (none installed yet)', async () => {
    expect(await call(relay.url, 'GET', '/v1/org')).toEqual({ status: 200, body: { ciphersuite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519', logKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), orgKey: null, ingress: null } });
  });

  it('prints an admin token once, 32 bytes base64url', () => {
    expect(relay.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(relay.logs.join('\n')).not.toContain(relay.adminToken);
  });

  it('refuses admin endpoints without the admin token', async () => {
    expect((await call(relay.url, 'POST', '/v1/admin/invites', {})).body.error.code).toBe('UNAUTHENTICATED');
    const r = await call(relay.url, 'POST', '/v1/admin/invites', {}, 'wrong');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('issues human-friendly invite codes', async () => {
    expect(await invite(relay.url, relay.adminToken)).toMatch(/^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/);
  });
});

describe('enrolment', () => {
  it('enrols a device with a signed challenge, and the code works once', async () => {
    const code = await invite(relay.url, relay.adminToken);
    const first = await enrolWithCode(relay.url, code, 'alice');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ handle: 'alice' });
    expect(first.body.deviceId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.body.userId).toMatch(/^[0-9a-f]{32}$/);
    const reused = await enrolWithCode(relay.url, code, 'mallory');
    expect(reused.status).toBe(403);
    expect(reused.body.error.code).toBe('BAD_CODE');
  });

  it('accepts a code typed in lower case without dashes', async () => {
    const code = await invite(relay.url, relay.adminToken);
    const r = await enrolWithCode(relay.url, code.toLowerCase().replaceAll('-', ''), 'lowercase');
    expect(r.status).toBe(200);
  });

  it('refuses a wrong signature without burning the code', async () => {
    const code = await invite(relay.url, relay.adminToken);
    const keys = newDeviceKeys();
    const { body: ch } = await call(relay.url, 'POST', '/v1/enrol/challenge');
    const wrong = newDeviceKeys().sign(`hardline/v1/enrol\n${ch.nonce}\n${code}\nbob\n${keys.publicKeyB64}`);
    const r = await call(relay.url, 'POST', '/v1/enrol', { code, handle: 'bob', displayName: 'Bob', signaturePublicKey: keys.publicKeyB64, nonce: ch.nonce, signature: wrong });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect((await enrolWithCode(relay.url, code, 'bob')).status).toBe(200);
  });

  it('refuses a reused or unknown challenge nonce', async () => {
    const code = await invite(relay.url, relay.adminToken);
    const keys = newDeviceKeys();
    const nonce = randomBytes(32).toString('base64url');
    const signature = keys.sign(`hardline/v1/enrol\n${nonce}\n${code}\nnobody\n${keys.publicKeyB64}`);
    const r = await call(relay.url, 'POST', '/v1/enrol', { code, handle: 'nobody', displayName: 'N', signaturePublicKey: keys.publicKeyB64, nonce, signature });
    expect(r.body.error.code).toBe('FORBIDDEN');
  });

  it('enforces a handle bound to the invite, and unique handles', async () => {
    const bound = await invite(relay.url, relay.adminToken, 'carol');
    expect((await enrolWithCode(relay.url, bound, 'notcarol')).body.error.code).toBe('BAD_CODE');
    expect((await enrolWithCode(relay.url, bound, 'carol')).status).toBe(200);
    const dup = await enrolWithCode(relay.url, await invite(relay.url, relay.adminToken), 'carol');
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
  });

  it('validates handles', async () => {
    for (const handle of ['A', 'x', '-abc', 'a'.repeat(33), 'ab cd', 'Bob']) {
      const r = await enrolWithCode(relay.url, await invite(relay.url, relay.adminToken), handle);
      expect(r.status, handle).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
  });
});

describe('sessions and directory', () => {
  it('opens a session and serves the directory to it only', async () => {
    const d = await enrolDevice(relay.url, relay.adminToken, 'dana');
    expect((await call(relay.url, 'GET', '/v1/directory')).status).toBe(401);
    expect((await call(relay.url, 'GET', '/v1/directory', undefined, 'nope')).body.error.code).toBe('UNAUTHENTICATED');
    const r = await call(relay.url, 'GET', '/v1/directory', undefined, d.token);
    expect(r.status).toBe(200);
    const me = r.body.users.find((u: any) => u.handle === 'dana');
    expect(me).toEqual({ userId: d.userId, handle: 'dana', displayName: 'DANA', devices: [{ deviceId: d.deviceId, signaturePublicKey: d.keys.publicKeyB64, revoked: false }] });
  });

  it('refuses a session signature by another key', async () => {
    const d = await enrolDevice(relay.url, relay.adminToken, 'eve');
    const r = await openSession(relay.url, d.deviceId, newDeviceKeys());
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect((await call(relay.url, 'POST', '/v1/session/challenge', { deviceId: '0'.repeat(32) })).body.error.code).toBe('NOT_FOUND');
  });

  it('links a second device to the same user, then revokes it', async () => {
    const a = await enrolDevice(relay.url, relay.adminToken, 'frank');
    const { body } = await call(relay.url, 'POST', '/v1/devices/link-codes', {}, a.token);
    const b = await enrolWithCode(relay.url, body.code, 'frank');
    expect(b.status).toBe(200);
    expect(b.body.userId).toBe(a.userId);
    const bSession = await openSession(relay.url, b.body.deviceId, b.keys);
    const other = await enrolDevice(relay.url, relay.adminToken, 'gina');
    expect((await call(relay.url, 'POST', `/v1/devices/${b.body.deviceId}/revoke`, {}, other.token)).body.error.code).toBe('FORBIDDEN');
    expect((await call(relay.url, 'POST', `/v1/devices/${b.body.deviceId}/revoke`, {}, a.token)).status).toBe(200);
    // Its session died with it, and it cannot open a new one.
    const dead = await call(relay.url, 'GET', '/v1/directory', undefined, bSession.body.token);
    expect(dead.status).toBe(401);
    const again = await openSession(relay.url, b.body.deviceId, b.keys);
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('REVOKED');
    const dir = await call(relay.url, 'GET', '/v1/directory', undefined, a.token);
    const frank = dir.body.users.find((u: any) => u.handle === 'frank');
    expect(frank.devices.map((d: any) => d.revoked)).toEqual([false, true]);
  });

  it('lets the admin list and revoke devices', async () => {
    const d = await enrolDevice(relay.url, relay.adminToken, 'hank');
    const list = await call(relay.url, 'GET', '/v1/admin/devices', undefined, relay.adminToken);
    expect(list.body.devices).toContainEqual(expect.objectContaining({ deviceId: d.deviceId, handle: 'hank', revoked: false }));
    const revoked = await call(relay.url, 'POST', `/v1/admin/devices/${d.deviceId}/revoke`, {}, relay.adminToken);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ deviceId: d.deviceId, revoked: true });
    expect((await call(relay.url, 'GET', '/v1/directory', undefined, d.token)).status).toBe(401);
    expect((await call(relay.url, 'POST', `/v1/admin/devices/${'0'.repeat(32)}/revoke`, {}, relay.adminToken)).body.error.code).toBe('NOT_FOUND');
  });
});

describe('KeyPackages', () => {
  it('uploads, counts and lets each KeyPackage be claimed once, oldest first', async () => {
    const d = await enrolDevice(relay.url, relay.adminToken, 'ivan');
    const kps = await newKeyPackages(d, 2);
    const up = await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: kps.map((k) => ({ keyPackage: b64(k), readCapHash: b64(randomBytes(32)) })) }, d.token);
    expect(up.status).toBe(200);
    expect((await call(relay.url, 'GET', '/v1/keypackages/count', undefined, d.token)).body).toEqual({ count: 2, lastResort: false });
    const pay = tokenPurse(relay.url, d.token, 3);
    const c1 = await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: d.deviceId, token: await pay() });
    expect(c1).toEqual({ status: 200, body: { keyPackage: b64(kps[0]!) } });
    const c2 = await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: d.deviceId, token: await pay() });
    expect(c2.body.keyPackage).toBe(b64(kps[1]!));
    const c3 = await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: d.deviceId, token: await pay() });
    expect(c3.status).toBe(404);
    expect(c3.body.error.code).toBe('NO_KEYPACKAGE');
  });

  it('bounds uploads: at most 100 per request, 16 KiB each', async () => {
    const d = await enrolDevice(relay.url, relay.adminToken, 'judy');
    const item = { keyPackage: b64(randomBytes(10)), readCapHash: b64(randomBytes(32)) };
    const many = await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: Array(101).fill(item) }, d.token);
    expect(many.body.error.code).toBe('TOO_LARGE');
    const big = await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: [{ ...item, keyPackage: b64(randomBytes(16 * 1024 + 1)) }] }, d.token);
    expect(big.body.error.code).toBe('TOO_LARGE');
    // The body bound admits 100 maximal items: they reach validation (and fail it, being junk).
    const full = await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: Array(100).fill({ ...item, keyPackage: b64(randomBytes(16 * 1024)) }) }, d.token);
    expect(full.body.error.code).toBe('INVALID_KEYPACKAGE');
    expect((await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: [{ keyPackage: 'AA', readCapHash: 'short' }] }, d.token)).body.error.code).toBe('DECODE');
  });
});

describe('locks', () => {
  it('grants a token once, then CONFLICT', async () => {
    const token = randomBytes(32).toString('hex');
    expect((await call(relay.url, 'POST', '/v1/locks', { token })).status).toBe(201);
    const again = await call(relay.url, 'POST', '/v1/locks', { token });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect((await call(relay.url, 'POST', '/v1/locks', { token: 'abc' })).body.error.code).toBe('DECODE');
  });

  it('grants exactly one of many concurrent requests', async () => {
    const token = randomBytes(32).toString('hex');
    const rs = await Promise.all(Array.from({ length: 10 }, () => call(relay.url, 'POST', '/v1/locks', { token })));
    expect(rs.filter((r) => r.status === 201)).toHaveLength(1);
  });
});
