/**
 * @module enrolDevice
 * Test helpers that walk the real enrolment and session flows of spec §6.
 */
import { expect } from 'vitest';
import { newDeviceKeys, type DeviceKeys } from './deviceKeys.ts';
import { call } from './httpApi.ts';

export type TestDevice = {
  readonly userId: string;
  readonly deviceId: string;
  readonly handle: string;
  readonly keys: DeviceKeys;
  readonly token: string;
};

export async function invite(url: string, adminToken: string, handle?: string): Promise<string> {
  const r = await call(url, 'POST', '/v1/admin/invites', handle ? { handle } : {}, adminToken);
  expect(r.status).toBe(200);
  return r.body.code;
}

export async function enrolWithCode(url: string, code: string, handle: string, keys: DeviceKeys = newDeviceKeys()) {
  const { body: ch } = await call(url, 'POST', '/v1/enrol/challenge');
  const signature = keys.sign(`hardline/v1/enrol\n${ch.nonce}\n${code}\n${handle}\n${keys.publicKeyB64}`);
  const r = await call(url, 'POST', '/v1/enrol', {
    code,
    handle,
    displayName: handle.toUpperCase(),
    signaturePublicKey: keys.publicKeyB64,
    nonce: ch.nonce,
    signature,
  });
  return { ...r, keys };
}

export async function openSession(url: string, deviceId: string, keys: DeviceKeys) {
  const ch = await call(url, 'POST', '/v1/session/challenge', { deviceId });
  if (ch.status !== 200) return ch;
  return call(url, 'POST', '/v1/session', { deviceId, nonce: ch.body.nonce, signature: keys.sign(`hardline/v1/session\n${ch.body.nonce}\n${deviceId}`) });
}

export async function enrolDevice(url: string, adminToken: string, handle: string): Promise<TestDevice> {
  const code = await invite(url, adminToken);
  const e = await enrolWithCode(url, code, handle);
  expect(e.status).toBe(200);
  const s = await openSession(url, e.body.deviceId, e.keys);
  expect(s.status).toBe(200);
  return { userId: e.body.userId, deviceId: e.body.deviceId, handle, keys: e.keys, token: s.body.token };
}
