/**
 * Enrolment from someone holding a real invite code and trying to plant something with it: an
 * identity key that is not one (the key-transparency log would carry it for good), a signature
 * key no signature can be checked against (all zeros: a small-order point), no display name.
 * A refusal must leave the code usable, and the directory must show what the rules allow.
 */
import { randomBytes } from 'node:crypto';
import { newIdentityKey } from '@hardline/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { newDeviceKeys, type DeviceKeys } from './support/deviceKeys.ts';
import { enrolDevice, invite, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let watcher: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  watcher = await enrolDevice(relay.url, relay.adminToken, 'watcher');
});

async function enrol(code: string, handle: string, extra: Record<string, unknown> = {}, keys: DeviceKeys = newDeviceKeys(), publicKeyText = keys.publicKeyB64) {
  const { body: ch } = await call(relay.url, 'POST', '/v1/enrol/challenge');
  const signature = keys.sign(`hardline/v1/enrol\n${ch.nonce}\n${code}\n${handle}\n${publicKeyText}`);
  return call(relay.url, 'POST', '/v1/enrol', { code, handle, signaturePublicKey: publicKeyText, nonce: ch.nonce, signature, ...extra });
}

const logSize = async () => (await call(relay.url, 'GET', '/v1/transparency/head', undefined, watcher.token)).body.treeSize as number;
const listed = async (handle: string) => (await call(relay.url, 'GET', '/v1/directory', undefined, watcher.token)).body.users.find((u: { handle: string }) => u.handle === handle);

describe('enrolment', () => {
  it('an identity key that is not 32 bytes of base64url is VALIDATION; nothing is logged and the code still works', async () => {
    const code = await invite(relay.url, relay.adminToken);
    const before = await logSize();
    for (const identityKey of [randomBytes(31).toString('base64url'), randomBytes(33).toString('base64url'), 'AAAA', 7, null, [newIdentityKey().publicKey], '']) {
      expect((await enrol(code, 'ivy', { identityKey })).body.error?.code, JSON.stringify(identityKey)).toBe('VALIDATION');
    }
    expect(await logSize()).toBe(before);
    expect(await listed('ivy')).toBeUndefined();
    const identity = newIdentityKey();
    const ok = await enrol(code, 'ivy', { identityKey: identity.publicKey });
    expect(ok.body).toEqual({ userId: expect.any(String), deviceId: expect.any(String), handle: 'ivy' });
    expect(await logSize()).toBe(before + 1);
    expect((await listed('ivy')).identityKey).toBe(identity.publicKey);
  });

  it('a signature key no signature can be checked against is VALIDATION, and the code still works', async () => {
    const code = await invite(relay.url, relay.adminToken);
    const zeros = Buffer.alloc(32).toString('base64url');
    expect((await enrol(code, 'zed', {}, newDeviceKeys(), zeros)).body.error?.code).toBe('VALIDATION');
    // A key of the wrong length, or text around a right one.
    const keys = newDeviceKeys();
    expect((await enrol(code, 'zed', {}, keys, randomBytes(31).toString('base64url'))).body.error?.code).toBe('DECODE');
    // The key's text is bounded at 64 characters before it is decoded.
    expect((await enrol(code, 'zed', {}, keys, `${keys.publicKeyB64}${'A'.repeat(21)}`)).body.error?.code).toBe('DECODE');
    expect((await enrol(code, 'zed', {}, keys, `${keys.publicKeyB64}${'A'.repeat(22)}`)).body.error?.code).toBe('VALIDATION');
    expect((await enrol(code, 'zed')).status).toBe(200);
  });

  it('no display name, or null, shows the handle; no identity key shows none', async () => {
    expect((await enrol(await invite(relay.url, relay.adminToken), 'nameless')).status).toBe(200);
    expect((await enrol(await invite(relay.url, relay.adminToken), 'nulled', { displayName: null })).status).toBe(200);
    for (const handle of ['nameless', 'nulled']) {
      const u = await listed(handle);
      expect(u.displayName, handle).toBe(handle);
      expect(u).not.toHaveProperty('identityKey');
    }
    expect((await enrol(await invite(relay.url, relay.adminToken), 'named', { displayName: 'Named One' })).status).toBe(200);
    expect((await listed('named')).displayName).toBe('Named One');
  });
});
