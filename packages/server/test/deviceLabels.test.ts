/**
 * Device names for the security team's list (PUT /v1/devices/:id/label), from the attacker's
 * side: no session, another user's device, a revoked device, junk, oversized bodies and names
 * that pass for another device (direction marks, controls) are refused with typed errors, and
 * the name stored before survives each refusal. The name reaches the admin device list, never
 * the directory other members read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
afterAll(async () => relay?.close());

const label = (id: string, body: unknown, token?: string) => call(relay.url, 'PUT', `/v1/devices/${id}/label`, body, token);
const adminList = async () => (await call(relay.url, 'GET', '/v1/admin/org/devices', undefined, relay.adminToken)).body.devices as { deviceId: string; name: string | null; platform: string | null }[];
const aliceRow = async () => (await adminList()).find((d) => d.deviceId === alice.deviceId)!;

describe('a device names itself for the security team', () => {
  it('stores the name and platform, shown in the admin device list', async () => {
    expect((await aliceRow())).toMatchObject({ name: null, platform: null });
    const r = await label(alice.deviceId, { name: '  Work laptop ', platform: 'Chromium on Linux' }, alice.token);
    expect(r.status).toBe(200);
    expect(await aliceRow()).toMatchObject({ name: 'Work laptop', platform: 'Chromium on Linux' });
  });

  it('never puts the name in the directory other members read', async () => {
    const dir = await call(relay.url, 'GET', '/v1/directory', undefined, mallory.token);
    expect(dir.status).toBe(200);
    expect(JSON.stringify(dir.body)).not.toContain('Work laptop');
  });

  it('refuses no session, another user and a revoked device, and keeps the name', async () => {
    expect((await label(alice.deviceId, { name: 'Pwned', platform: 'x' })).status).toBe(401);
    expect((await label(alice.deviceId, { name: 'Pwned', platform: 'x' }, mallory.token)).body.error.code).toBe('FORBIDDEN');
    expect((await label('00'.repeat(16), { name: 'Pwned', platform: 'x' }, mallory.token)).body.error.code).toBe('NOT_FOUND');
    expect((await label('not-an-id', { name: 'Pwned', platform: 'x' }, mallory.token)).status).toBe(400);
    expect(await aliceRow()).toMatchObject({ name: 'Work laptop' });
  });

  it('refuses junk, oversized and look-alike names with typed errors, and keeps the name', async () => {
    const bad: unknown[] = [{}, { name: 'x' }, { name: 7, platform: 'x' }, { name: '', platform: 'x' }, { name: '   ', platform: 'x' },
      { name: 'a'.repeat(65), platform: 'x' }, { name: 'Work\u202Epotpal', platform: 'x' }, { name: 'Work\nlaptop', platform: 'x' },
      { name: 'Work\u200Blaptop', platform: 'x' }, { name: 'ok', platform: 'Linux\u0000' }, [], 'name'];
    for (const body of bad) {
      const r = await label(alice.deviceId, body, alice.token);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code, JSON.stringify(body)).toMatch(/VALIDATION|DECODE/);
    }
    expect((await label(alice.deviceId, { name: 'x'.repeat(2000), platform: 'x' }, alice.token)).status).toBe(413);
    expect(await aliceRow()).toMatchObject({ name: 'Work laptop', platform: 'Chromium on Linux' });
  });

  it('refuses to name a revoked device', async () => {
    const phone = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const r = await call(relay.url, 'POST', `/v1/devices/${phone.deviceId}/revoke`, {}, phone.token);
    expect(r.status).toBe(200);
    const after = await label(phone.deviceId, { name: 'Ghost', platform: 'x' }, phone.token);
    expect(after.status).toBeGreaterThanOrEqual(400);
    expect((await adminList()).find((d) => d.deviceId === phone.deviceId)?.name ?? null).toBeNull();
  });
});
