/**
 * A member's device publishing certificates and revocations that name something else: a
 * certificate for its sibling that names another device id, another handle or another key (the
 * directory would then serve a certificate vouching for a key the device does not hold), and a
 * revocation sent for one device that names another. Each is refused as VALIDATION and leaves
 * the directory as it was; the well-formed one goes through.
 */
import { certifyDevice, newIdentityKey, signRevocation, type DeviceId, type Handle } from '@hardline/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { newDeviceKeys, type DeviceKeys } from './support/deviceKeys.ts';
import { enrolDevice, enrolWithCode, openSession, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let ada: TestDevice;
let laptop: { deviceId: string; keys: DeviceKeys };
let spare: { deviceId: string; keys: DeviceKeys };
let bob: TestDevice;
const identity = newIdentityKey();

async function linkDevice(): Promise<{ deviceId: string; keys: DeviceKeys }> {
  const { body } = await call(relay.url, 'POST', '/v1/devices/link-codes', {}, ada.token);
  const e = await enrolWithCode(relay.url, body.code, 'ada', newDeviceKeys());
  expect(e.status).toBe(200);
  return { deviceId: e.body.deviceId, keys: e.keys };
}

beforeAll(async () => {
  relay = await startTestRelay();
  ada = await enrolDevice(relay.url, relay.adminToken, 'ada');
  bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
  laptop = await linkDevice();
  spare = await linkDevice();
});

const code = (r: { body: any }) => r.body.error?.code as string | undefined;
const directoryDevice = async (deviceId: string) => {
  const users = (await call(relay.url, 'GET', '/v1/directory', undefined, bob.token)).body.users as { devices: { deviceId: string; certificate?: unknown; revocation?: unknown; revoked: boolean }[] }[];
  return users.flatMap((u) => u.devices).find((d) => d.deviceId === deviceId)!;
};

describe('certificates', () => {
  it('one naming another device, handle or key is refused, and nothing is served', async () => {
    const right = { handle: 'ada' as Handle, deviceId: laptop.deviceId as DeviceId, deviceKey: laptop.keys.publicKeyB64 };
    for (const wrong of [
      { ...right, deviceId: spare.deviceId as DeviceId },
      { ...right, handle: 'bob' as Handle },
      { ...right, deviceKey: spare.keys.publicKeyB64 },
    ]) {
      const r = await call(relay.url, 'PUT', `/v1/devices/${laptop.deviceId}/certificate`, { certificate: certifyDevice(identity, wrong) }, ada.token);
      expect(code(r), JSON.stringify(wrong)).toBe('VALIDATION');
    }
    expect((await directoryDevice(laptop.deviceId)).certificate).toBeUndefined();
    const cert = certifyDevice(identity, right);
    expect((await call(relay.url, 'PUT', `/v1/devices/${laptop.deviceId}/certificate`, { certificate: cert }, ada.token)).body).toEqual({ deviceId: laptop.deviceId });
    expect((await directoryDevice(laptop.deviceId)).certificate).toEqual(cert);
  });

  it('another user cannot certify ada\'s device', async () => {
    const cert = certifyDevice(newIdentityKey(), { handle: 'ada' as Handle, deviceId: spare.deviceId as DeviceId, deviceKey: spare.keys.publicKeyB64 });
    expect(code(await call(relay.url, 'PUT', `/v1/devices/${spare.deviceId}/certificate`, { certificate: cert }, bob.token))).toBe('FORBIDDEN');
    expect((await directoryDevice(spare.deviceId)).certificate).toBeUndefined();
  });
});

describe('revocations', () => {
  it('one naming another device or handle than the one revoked is refused, and nothing is revoked', async () => {
    for (const revocation of [signRevocation(identity, 'ada' as Handle, laptop.deviceId as DeviceId), signRevocation(identity, 'bob' as Handle, spare.deviceId as DeviceId)]) {
      expect(code(await call(relay.url, 'POST', `/v1/devices/${spare.deviceId}/revoke`, { revocation }, ada.token))).toBe('VALIDATION');
    }
    expect(await directoryDevice(spare.deviceId)).toMatchObject({ revoked: false });
    expect(await directoryDevice(laptop.deviceId)).toMatchObject({ revoked: false });
    const s = await openSession(relay.url, spare.deviceId, spare.keys);
    expect(s.status).toBe(200);
  });

  it('the matching one revokes that device only, and the directory serves it', async () => {
    const revocation = signRevocation(identity, 'ada' as Handle, spare.deviceId as DeviceId);
    expect((await call(relay.url, 'POST', `/v1/devices/${spare.deviceId}/revoke`, { revocation }, ada.token)).body).toEqual({ deviceId: spare.deviceId, revoked: true });
    const served = await directoryDevice(spare.deviceId);
    expect(served.revoked).toBe(true);
    expect(served.revocation).toEqual(revocation);
    expect((await directoryDevice(laptop.deviceId)).revoked).toBe(false);
    expect(code(await openSession(relay.url, spare.deviceId, spare.keys))).toBe('REVOKED');
  });
});

describe('labels', () => {
  it('a sibling that was revoked cannot be named; a live one is answered with what was stored', async () => {
    expect((await directoryDevice(spare.deviceId)).revoked).toBe(true);
    const ghost = await call(relay.url, 'PUT', `/v1/devices/${spare.deviceId}/label`, { name: 'Ghost', platform: 'x' }, ada.token);
    expect(code(ghost)).toBe('FORBIDDEN');
    const named = await call(relay.url, 'PUT', `/v1/devices/${laptop.deviceId}/label`, { name: ' Laptop ', platform: 'Chromium on Linux' }, ada.token);
    expect(named.body).toEqual({ deviceId: laptop.deviceId, name: 'Laptop', platform: 'Chromium on Linux' });
  });
});
