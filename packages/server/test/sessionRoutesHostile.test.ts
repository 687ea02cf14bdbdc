/**
 * Opening a session as someone who overheard one: the same signed challenge replayed, a nonce
 * or signature one step past its bound, a device id that is not one. Only a fresh challenge,
 * signed by the device's own key, opens a session, and it opens one once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let dev: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  dev = await enrolDevice(relay.url, relay.adminToken, 'sam');
});

const code = (r: { body: any }) => r.body.error?.code as string | undefined;
const challenge = async () => (await call(relay.url, 'POST', '/v1/session/challenge', { deviceId: dev.deviceId })).body.nonce as string;
const sign = (nonce: string) => dev.keys.sign(`hardline/v1/session\n${nonce}\n${dev.deviceId}`);
const open = (body: Record<string, unknown>) => call(relay.url, 'POST', '/v1/session', body);

describe('sessions', () => {
  it('a signed challenge opens one session; replayed, it opens none', async () => {
    const nonce = await challenge();
    const body = { deviceId: dev.deviceId, nonce, signature: sign(nonce) };
    const first = await open(body);
    expect(first.body.token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect((await call(relay.url, 'GET', '/v1/directory', undefined, first.body.token)).status).toBe(200);
    expect(code(await open(body))).toBe('FORBIDDEN');
  });

  it('a nonce is 1 to 64 characters, a signature exactly 64 bytes, a device id a device id', async () => {
    const nonce = await challenge();
    for (const n of ['', 'n'.repeat(65), 5, null]) expect(code(await open({ deviceId: dev.deviceId, nonce: n, signature: sign(String(n)) })), String(n)).toBe('VALIDATION');
    const sig = Buffer.from(sign(nonce), 'base64url');
    for (const s of [sig.subarray(1), Buffer.concat([sig, Buffer.alloc(1)])]) {
      expect(code(await open({ deviceId: dev.deviceId, nonce, signature: s.toString('base64url') }))).toBe('DECODE');
    }
    for (const deviceId of ['x', `${dev.deviceId}0`, undefined]) expect(code(await open({ deviceId, nonce, signature: sign(nonce) })), String(deviceId)).toBe('DECODE');
    expect(code(await open({ deviceId: '0'.repeat(32), nonce, signature: sign(nonce) }))).toBe('NOT_FOUND');
    // None of that spent the challenge.
    expect((await open({ deviceId: dev.deviceId, nonce, signature: sign(nonce) })).status).toBe(200);
  });

  it('a challenge is asked for by a well-formed device id only', async () => {
    for (const deviceId of ['x', undefined, 5]) expect(code(await call(relay.url, 'POST', '/v1/session/challenge', { deviceId })), String(deviceId)).toBe('DECODE');
    expect(code(await call(relay.url, 'POST', '/v1/session/challenge', { deviceId: '0'.repeat(32) }))).toBe('NOT_FOUND');
  });
});
