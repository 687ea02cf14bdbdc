/**
 * The relay refuses KeyPackages it would only hand on to be choked on (issue 10): an
 * authenticated device uploads junk, another device's packages, packages signed by another
 * key, tampered ones, or ones of another suite. Each is refused as INVALID_KEYPACKAGE (400)
 * naming the item and the reason, and nothing of the upload is kept.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST_QUANTUM_SUITE } from '@hardline/protocol';
import { newDeviceKeys } from './support/deviceKeys.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let mallory: TestDevice;
let victim: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  mallory = await enrolDevice(relay.url, relay.adminToken, 'mallory');
  victim = await enrolDevice(relay.url, relay.adminToken, 'victim');
});

const b64 = (b: Buffer) => b.toString('base64url');
const item = (kp: Buffer, extra: Record<string, string> = {}) => ({ keyPackage: b64(kp), readCapHash: b64(randomBytes(32)), ...extra });

async function upload(items: unknown[]) {
  return call(relay.url, 'POST', '/v1/keypackages', { keyPackages: items }, mallory.token);
}

async function expectRefused(items: unknown[], index: number, reason: string) {
  const r = await upload(items);
  expect(r.status).toBe(400);
  expect(r.body.error).toMatchObject({ code: 'INVALID_KEYPACKAGE', index, reason });
  expect(r.body.error.message).toContain(`keyPackages[${index}]`);
  // Nothing of a refused upload is kept.
  expect((await call(relay.url, 'GET', '/v1/keypackages/count', undefined, mallory.token)).body).toEqual({ count: 0, lastResort: false });
}

describe('POST /v1/keypackages refuses what is not a KeyPackage of the uploading device', () => {
  it('"AAAA" and other junk: 400, not 200', async () => {
    await expectRefused([item(Buffer.from('AAAA', 'base64url'))], 0, 'decode');
    await expectRefused([item(randomBytes(300))], 0, 'decode');
  });

  it("another device's genuine KeyPackage", async () => {
    const [theirs] = await newKeyPackages(victim, 1);
    await expectRefused([item(theirs!)], 0, 'credential');
  });

  it('a credential with its own device id under another handle', async () => {
    const [kp] = await newKeyPackages({ ...mallory, handle: 'victim' }, 1);
    await expectRefused([item(kp!)], 0, 'credential');
  });

  it('its own credential, signed by a key the device did not enrol with', async () => {
    const [kp] = await newKeyPackages({ ...mallory, keys: newDeviceKeys() }, 1);
    await expectRefused([item(kp!)], 0, 'signature-key');
  });

  it('a credential without a device certificate, or with one for another key', async () => {
    const [bare] = await newKeyPackages(mallory, 1, { certificate: 'none' });
    await expectRefused([item(bare!)], 0, 'certificate');
    const [other] = await newKeyPackages(mallory, 1, { certificate: 'other-key' });
    await expectRefused([item(other!)], 0, 'certificate');
  });

  it('a tampered signature, and a tampered init key', async () => {
    const [a, b] = await newKeyPackages(mallory, 2);
    a![a!.length - 1]! ^= 1;
    await expectRefused([item(a!)], 0, 'signature');
    // MLSMessage header (4) + version (2) + suite (2) + length (1): the init key starts at 9.
    b![20]! ^= 1;
    await expectRefused([item(b!)], 0, 'signature');
  });

  it("another suite than the organisation's", async () => {
    const [pq] = await newKeyPackages(mallory, 1, { suite: POST_QUANTUM_SUITE });
    await expectRefused([item(pq!)], 0, 'suite');
  });

  it('one bad item refuses the whole batch, naming it', async () => {
    const good = await newKeyPackages(mallory, 2);
    await expectRefused([item(good[0]!), item(good[1]!), item(randomBytes(300))], 2, 'decode');
  });

  it('last-resort rules: its read secret, and one per device', async () => {
    const [lr1, lr2] = await newKeyPackages(mallory, 2, { lastResort: true });
    const [normal] = await newKeyPackages(mallory, 1);
    const secret = { readSecret: b64(randomBytes(32)) };
    await expectRefused([item(lr1!)], 0, 'last-resort');
    await expectRefused([item(normal!, secret)], 0, 'last-resort');
    await expectRefused([item(lr1!, secret), item(lr2!, secret)], 1, 'last-resort');
  });

  it('accepts its own, correctly signed KeyPackages', async () => {
    const kps = await newKeyPackages(mallory, 3);
    const [lr] = await newKeyPackages(mallory, 1, { lastResort: true });
    const r = await upload([...kps.map((k) => item(k)), item(lr!, { readSecret: b64(randomBytes(32)) })]);
    expect(r).toEqual({ status: 200, body: { count: 3, lastResort: true } });
  });
});
