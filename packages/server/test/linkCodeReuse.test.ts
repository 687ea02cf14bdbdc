/**
 * A link code is one-time, like an invite: whoever sees it after use (a photographed QR code, a
 * shoulder-surfed screen) must not enrol another device into that user's account with it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice, enrolWithCode } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});

async function devicesOf(token: string, handle: string): Promise<string[]> {
  const dir = await call(relay.url, 'GET', '/v1/directory', undefined, token);
  return dir.body.users.find((u: any) => u.handle === handle).devices.map((d: any) => d.deviceId);
}

describe('link codes', () => {
  it('cannot be used a second time, by the same handle or another', async () => {
    const alice = await enrolDevice(relay.url, relay.adminToken, 'alice');
    const { body } = await call(relay.url, 'POST', '/v1/devices/link-codes', {}, alice.token);
    const linked = await enrolWithCode(relay.url, body.code, 'alice');
    expect(linked.status).toBe(200);
    expect(linked.body.userId).toBe(alice.userId);

    const replay = await enrolWithCode(relay.url, body.code, 'alice');
    expect(replay.status).toBe(403);
    expect(replay.body.error.code).toBe('BAD_CODE');
    const mallory = await enrolWithCode(relay.url, body.code, 'mallory');
    expect(mallory.body.error.code).toBe('BAD_CODE');
    expect(await devicesOf(alice.token, 'alice')).toEqual([alice.deviceId, linked.body.deviceId]);
  });

  it('is refused when lower-cased and without dashes, once used', async () => {
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const { body } = await call(relay.url, 'POST', '/v1/devices/link-codes', {}, bob.token);
    expect((await enrolWithCode(relay.url, body.code, 'bob')).status).toBe(200);
    const variant = body.code.toLowerCase().replaceAll('-', '');
    expect((await enrolWithCode(relay.url, variant, 'bob')).body.error.code).toBe('BAD_CODE');
    expect(await devicesOf(bob.token, 'bob')).toHaveLength(2);
  });
});
