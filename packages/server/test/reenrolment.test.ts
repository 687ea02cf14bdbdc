/**
 * Re-enrolment (issue 8.1): a person whose only device is lost gets a new invite for their own
 * handle from the security team. The new device replaces every old one at once: the old ones are
 * revoked (sessions end, inbox sockets close), the user keeps their id and handle, and the
 * directory shows the new key, which is what tells their contacts that the keys changed.
 * A stranger's plain invite can never take an existing handle.
 */
import { describe, expect, it } from 'vitest';
import { call } from './support/httpApi.ts';
import { enrolDevice, enrolWithCode, invite, openSession } from './support/enrolDevice.ts';
import { startTestRelay } from './support/testRelay.ts';

describe('re-enrolment with an invite for an existing handle', () => {
  it('replaces every device of the person, who keeps their id and handle', async () => {
    const relay = await startTestRelay();
    const phone = await enrolDevice(relay.url, relay.adminToken, 'ines');
    const { body: link } = await call(relay.url, 'POST', '/v1/devices/link-codes', {}, phone.token);
    const laptop = await enrolWithCode(relay.url, link.code, 'ines');
    const laptopSession = await openSession(relay.url, laptop.body.deviceId, laptop.keys);
    const friend = await enrolDevice(relay.url, relay.adminToken, 'joost');

    const fresh = await enrolWithCode(relay.url, await invite(relay.url, relay.adminToken, 'ines'), 'ines');
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ userId: phone.userId, handle: 'ines' });

    // Both old devices are out: their sessions died, and they cannot open new ones.
    for (const token of [phone.token, laptopSession.body.token]) expect((await call(relay.url, 'GET', '/v1/directory', undefined, token)).status).toBe(401);
    const again = await openSession(relay.url, phone.deviceId, phone.keys);
    expect(again.body.error.code).toBe('REVOKED');

    const dir = await call(relay.url, 'GET', '/v1/directory', undefined, friend.token);
    const ines = dir.body.users.find((u: { handle: string }) => u.handle === 'ines');
    expect(ines.devices.map((d: { deviceId: string; revoked: boolean }) => [d.deviceId, d.revoked])).toEqual([
      [phone.deviceId, true],
      [laptop.body.deviceId, true],
      [fresh.body.deviceId, false],
    ]);
    expect(ines.devices.at(-1).signaturePublicKey).toBe(fresh.keys.publicKeyB64);
    expect((await openSession(relay.url, fresh.body.deviceId, fresh.keys)).status).toBe(200);
  });

  it('a plain invite cannot take an existing handle, and a handle invite is for that handle only', async () => {
    const relay = await startTestRelay();
    const owner = await enrolDevice(relay.url, relay.adminToken, 'karel');
    const taken = await enrolWithCode(relay.url, await invite(relay.url, relay.adminToken), 'karel');
    expect(taken.body.error.code).toBe('CONFLICT');
    const wrong = await enrolWithCode(relay.url, await invite(relay.url, relay.adminToken, 'lotte'), 'karel');
    expect(wrong.body.error.code).toBe('BAD_CODE');
    // Nothing happened to the owner.
    expect((await call(relay.url, 'GET', '/v1/directory', undefined, owner.token)).status).toBe(200);
  });
});
