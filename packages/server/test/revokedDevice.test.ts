/**
 * A revoked device from the attacker's side (a stolen laptop the user revoked): it cannot finish
 * a session with a challenge it fetched before the revocation, cannot fetch a new one, and no
 * member can claim its KeyPackages, which would add it back into a conversation.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { fetchTokens } from '../../../test/support/privacyPassTokens.ts';

let relay: TestRelay;
let thief: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  thief = await enrolDevice(relay.url, relay.adminToken, 'laptop');
});

const b64 = (b: Buffer) => b.toString('base64url');

describe('a revoked device', () => {
  it('loses its session, its challenge in hand, new challenges and its KeyPackages', async () => {
    const keyPackages = (await newKeyPackages(thief, 2)).map((k) => ({ keyPackage: b64(k), readCapHash: b64(randomBytes(32)) }));
    expect((await call(relay.url, 'POST', '/v1/keypackages', { keyPackages }, thief.token)).status).toBe(200);
    const early = await call(relay.url, 'POST', '/v1/session/challenge', { deviceId: thief.deviceId });
    expect(early.status).toBe(200);

    expect((await call(relay.url, 'POST', `/v1/admin/devices/${thief.deviceId}/revoke`, {}, relay.adminToken)).status).toBe(200);

    const signature = thief.keys.sign(`hardline/v1/session\n${early.body.nonce}\n${thief.deviceId}`);
    const late = await call(relay.url, 'POST', '/v1/session', { deviceId: thief.deviceId, nonce: early.body.nonce, signature });
    expect(late).toMatchObject({ status: 403, body: { error: { code: 'REVOKED' } } });
    expect((await call(relay.url, 'POST', '/v1/session/challenge', { deviceId: thief.deviceId })).body.error.code).toBe('REVOKED');
    // Paid for by an honest device's token: the claim itself is refused, not the payment.
    const [token] = await fetchTokens(relay.url, (await enrolDevice(relay.url, relay.adminToken, 'payer')).token, 1);
    expect((await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: thief.deviceId, token })).body.error.code).toBe('REVOKED');
  });

  it('a challenge fetched for one device does not open a session for another', async () => {
    const a = await enrolDevice(relay.url, relay.adminToken, 'anna');
    const b = await enrolDevice(relay.url, relay.adminToken, 'bert');
    const ch = await call(relay.url, 'POST', '/v1/session/challenge', { deviceId: a.deviceId });
    const signature = b.keys.sign(`hardline/v1/session\n${ch.body.nonce}\n${b.deviceId}`);
    const r = await call(relay.url, 'POST', '/v1/session', { deviceId: b.deviceId, nonce: ch.body.nonce, signature });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('KeyPackage uploads refuse a non-object item, an empty list and a padded or foreign encoding', async () => {
    const d = await enrolDevice(relay.url, relay.adminToken, 'kpup');
    const readCapHash = b64(randomBytes(32));
    for (const keyPackages of [[], [null], ['x'], [{ keyPackage: ` ${b64(randomBytes(10))}`, readCapHash }], [{ keyPackage: `${b64(randomBytes(10))}!`, readCapHash }], [{ keyPackage: 7, readCapHash }]]) {
      const r = await call(relay.url, 'POST', '/v1/keypackages', { keyPackages }, d.token);
      expect(r.body.error?.code, JSON.stringify(keyPackages)).toBe('DECODE');
    }
  });
});
