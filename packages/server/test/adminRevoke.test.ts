/**
 * Every admin endpoint, not just invites, refuses callers without the admin token: an enrolled
 * device (holding a valid session token of its own) or an anonymous caller must not revoke
 * someone else's device or list the organisation's devices.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let alice: TestDevice;
let mallory: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  alice = await enrolDevice(relay.url, relay.adminToken, 'alice');
  mallory = await enrolDevice(relay.url, relay.adminToken, 'mallory');
});

const stillActive = async (d: TestDevice) => (await call(relay.url, 'GET', '/v1/directory', undefined, d.token)).status === 200;

describe('admin endpoints without the admin token', () => {
  it('refuse to revoke a device: no token, a device session token, a wrong token', async () => {
    const path = `/v1/admin/devices/${alice.deviceId}/revoke`;
    for (const token of [undefined, mallory.token, 'wrong', `${relay.adminToken}x`]) {
      const r = await call(relay.url, 'POST', path, {}, token);
      expect(r.status, String(token)).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
    }
    expect(await stillActive(alice)).toBe(true);
    const dir = await call(relay.url, 'GET', '/v1/directory', undefined, mallory.token);
    expect(dir.body.users.find((u: any) => u.handle === 'alice').devices[0].revoked).toBe(false);
  });

  it('refuse to list the devices', async () => {
    for (const token of [undefined, mallory.token]) {
      const r = await call(relay.url, 'GET', '/v1/admin/devices', undefined, token);
      expect(r.status).toBe(401);
      expect(r.body).not.toHaveProperty('devices');
    }
  });

  it('with the token, the same request revokes (the refusal above is the token’s doing)', async () => {
    const victim = await enrolDevice(relay.url, relay.adminToken, 'victim');
    expect((await call(relay.url, 'POST', `/v1/admin/devices/${victim.deviceId}/revoke`, {}, relay.adminToken)).status).toBe(200);
    expect(await stillActive(victim)).toBe(false);
  });
});
