/**
 * The organisation's routes from the side of someone who is not the security team: a stranger
 * or a device session on the console's reads, a stolen relay bearer token once the org key is
 * installed (it must no longer make invites or revoke devices), a device reporting a made-up
 * policy version, and page and day parameters at their bounds.
 */
import { newOrgKey, signOrder, type OrgKeyPair } from '@hardline/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let alice: TestDevice;
let bob: TestDevice;
const key: OrgKeyPair = newOrgKey();

beforeAll(async () => {
  relay = await startTestRelay();
  alice = await enrolDevice(relay.url, relay.adminToken, 'alice');
  bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
});

const get = (path: string, token?: string) => call(relay.url, 'GET', path, undefined, token);
const code = (r: { body: any }) => r.body.error?.code as string | undefined;
const adminReads = ['/v1/admin/org/orders/after/0', '/v1/admin/org/devices', '/v1/admin/briefing/7'];

describe('console reads', () => {
  it('are for the admin token only: not a stranger, a device session or a wrong token', async () => {
    for (const path of adminReads) {
      for (const token of [undefined, alice.token, `${relay.adminToken.slice(0, -1)}${relay.adminToken.endsWith('A') ? 'B' : 'A'}`]) {
        expect(code(await get(path, token)), `${path} ${token}`).toBe('UNAUTHENTICATED');
      }
      expect((await get(path, relay.adminToken)).status, path).toBe(200);
    }
  });

  it('a device reads the policy and reports what it applied with its session only', async () => {
    expect(code(await get('/v1/policy'))).toBe('UNAUTHENTICATED');
    expect((await get('/v1/policy', alice.token)).body).toEqual({ order: null });
    expect(code(await call(relay.url, 'POST', '/v1/org/applied', { policyVersion: 1 }))).toBe('UNAUTHENTICATED');
  });

  it('the head says policy version 0 before any policy', async () => {
    expect((await get('/v1/org/head')).body).toMatchObject({ seq: 0, policyVersion: 0 });
  });

  it('a reported policy version must be a whole number; a good one shows in the console', async () => {
    for (const policyVersion of [-1, 1.5, '2', null, undefined, Number.MAX_SAFE_INTEGER + 1]) {
      expect(code(await call(relay.url, 'POST', '/v1/org/applied', { policyVersion }, bob.token)), String(policyVersion)).toBe('VALIDATION');
    }
    expect((await call(relay.url, 'POST', '/v1/org/applied', { policyVersion: 0 }, bob.token)).status).toBe(200);
    expect((await call(relay.url, 'POST', '/v1/org/applied', { policyVersion: 5 }, alice.token)).status).toBe(200);
    const devices = (await get('/v1/admin/org/devices', relay.adminToken)).body.devices as { deviceId: string; policyVersion: number; lastSeenOn: string | null }[];
    const a = devices.find((d) => d.deviceId === alice.deviceId)!;
    // The version is stored for the device that reported it, not for anyone else.
    expect(a.policyVersion).toBe(5);
    expect(a.lastSeenOn).toBe(new Date().toISOString().slice(0, 10));
    expect(devices.find((d) => d.deviceId === bob.deviceId)!.policyVersion).toBe(0);
  });

  it('briefing days are 1 to 365, whole', async () => {
    for (const d of ['1', '365', '7']) expect((await get(`/v1/admin/briefing/${d}`, relay.adminToken)).status, d).toBe(200);
    for (const d of ['0', '366', '1.5', 'x', '-1', '9007199254740993']) expect(code(await get(`/v1/admin/briefing/${d}`, relay.adminToken)), d).toBe('VALIDATION');
  });

  it('order pages start after a whole sequence number of at most 15 digits', async () => {
    for (const s of ['x', '-1', '1.0', '1x', 'x1', '1'.repeat(16)]) {
      expect(code(await get(`/v1/org/orders/after/${s}`, alice.token)), s).toBe('VALIDATION');
      expect(code(await get(`/v1/admin/org/orders/after/${s}`, relay.adminToken)), s).toBe('VALIDATION');
    }
    expect((await get(`/v1/org/orders/after/${'9'.repeat(15)}`, alice.token)).body.orders).toEqual([]);
  });
});

describe('once the org key is installed', () => {
  it('the relay bearer token no longer makes invites or revokes devices', async () => {
    const genesis = signOrder(key, 'org-key', { name: 'Acme' }, { seq: 1, prev: '0'.repeat(64) });
    expect((await call(relay.url, 'POST', '/v1/org/key', { order: genesis }, relay.adminToken)).body).toEqual({ seq: 1, orgKey: key.publicKey });
    expect(code(await call(relay.url, 'POST', '/v1/admin/invites', {}, relay.adminToken))).toBe('FORBIDDEN');
    expect(code(await call(relay.url, 'POST', '/v1/admin/invites', { handle: 'mallory' }, relay.adminToken))).toBe('FORBIDDEN');
    expect(code(await call(relay.url, 'POST', `/v1/admin/devices/${bob.deviceId}/revoke`, {}, relay.adminToken))).toBe('FORBIDDEN');
    // bob is still a working device.
    expect((await get('/v1/directory', bob.token)).status).toBe(200);
    const devices = (await get('/v1/admin/devices', relay.adminToken)).body.devices as { deviceId: string; revoked: boolean }[];
    expect(devices.find((d) => d.deviceId === bob.deviceId)?.revoked).toBe(false);
  });

  it('pages count from after the given sequence number', async () => {
    expect((await get('/v1/org/orders/after/0', alice.token)).body.orders).toHaveLength(1);
    expect((await get('/v1/org/orders/after/1', alice.token)).body.orders).toEqual([]);
    expect((await get('/v1/admin/org/orders/after/0', relay.adminToken)).body).toMatchObject({ head: { seq: 1 }, orders: [{ kind: 'org-key' }] });
  });

  it('anyone may ask whether a device was revoked by the org, by a well-formed id', async () => {
    expect((await get(`/v1/org/revocations/${bob.deviceId}`)).body).toEqual({ order: null });
    expect(code(await get('/v1/org/revocations/not-a-device'))).toBe('DECODE');
    const revocation = signOrder(key, 'revocation', { handle: 'bob' as never, deviceId: bob.deviceId as never, wipe: true }, { seq: 2, prev: (await get('/v1/org/head')).body.hash });
    expect((await call(relay.url, 'POST', '/v1/org/orders', { order: revocation })).body).toEqual({ seq: 2 });
    expect((await get(`/v1/org/revocations/${bob.deviceId}`)).body.order).toMatchObject({ kind: 'revocation', seq: 2 });
    expect((await get(`/v1/org/revocations/${alice.deviceId}`)).body).toEqual({ order: null });
  });
});
