/**
 * The shape of a KeyPackage upload and of a claim, from a device or stranger probing the
 * bounds: the list empty, at its bound and one past it, an item of another type, a KeyPackage
 * exactly as long as allowed and one character longer, text that is not base64url, capability
 * hashes of the wrong form. Each must fail as itself (DECODE, TOO_LARGE), or reach the
 * KeyPackage check (INVALID_KEYPACKAGE) when only the content is wrong, and nothing is kept.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_KEYPACKAGE_BYTES, MAX_KEYPACKAGES_PER_UPLOAD } from '../src/routes/keyPackageRoutes.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let dev: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  dev = await enrolDevice(relay.url, relay.adminToken, 'kim');
});

const hash = () => randomBytes(32).toString('base64url');
const item = (keyPackage: unknown, extra: Record<string, unknown> = {}) => ({ keyPackage, readCapHash: hash(), ...extra });
/** `null`: no Authorization header. */
const upload = (keyPackages: unknown, token: string | null = dev.token) => call(relay.url, 'POST', '/v1/keypackages', { keyPackages }, token ?? undefined);
const code = (r: { body: any }) => r.body.error?.code as string | undefined;
const MAX_CHARS = Math.ceil((MAX_KEYPACKAGE_BYTES * 4) / 3);

describe('KeyPackage upload shape', () => {
  it('needs a session, before anything of the body counts', async () => {
    expect(code(await upload([item('AAAA')], null))).toBe('UNAUTHENTICATED');
    expect(code(await upload('junk', null))).toBe('UNAUTHENTICATED');
  });

  it('a list of 1 to 100 items: empty or not a list is DECODE, 101 is TOO_LARGE', async () => {
    for (const list of [[], undefined, null, 'AAAA', { 0: item('AAAA') }]) expect(code(await upload(list)), JSON.stringify(list)).toBe('DECODE');
    expect(code(await upload(Array.from({ length: MAX_KEYPACKAGES_PER_UPLOAD + 1 }, () => item('AAAA'))))).toBe('TOO_LARGE');
    // 100 is a list the relay looks into: the first item is then refused for its content.
    const hundred = await upload(Array.from({ length: MAX_KEYPACKAGES_PER_UPLOAD }, () => item('AAAA')));
    expect(hundred.body.error).toMatchObject({ code: 'INVALID_KEYPACKAGE', index: 0 });
  });

  it('each item is an object with a base64url KeyPackage of at most 16 KiB', async () => {
    for (const it of [null, 'AAAA', 5, [item('AAAA')]]) expect(code(await upload([it])), JSON.stringify(it)).toBe('DECODE');
    for (const kp of ['', 'AA===', 'AA+A', 'AA/A', 'AA A', 'A=A', 7, null, undefined]) expect(code(await upload([item(kp)])), String(kp)).toBe('DECODE');
    for (const kp of ['AA==', 'AAA=', 'A'.repeat(MAX_CHARS)]) expect(code(await upload([item(kp)])), kp.slice(0, 8)).toBe('INVALID_KEYPACKAGE');
    expect(code(await upload([item('A'.repeat(MAX_CHARS + 1))]))).toBe('TOO_LARGE');
  });

  it('each item names a 32-byte read capability hash; a read secret, when given, is 32 bytes too', async () => {
    for (const readCapHash of [undefined, '', 'AA', randomBytes(31).toString('base64url'), randomBytes(33).toString('hex'), 32]) {
      expect(code(await upload([{ keyPackage: 'AAAA', readCapHash }])), String(readCapHash)).toBe('DECODE');
    }
    expect(code(await upload([{ keyPackage: 'AAAA', readCapHash: randomBytes(32).toString('hex') }]))).toBe('INVALID_KEYPACKAGE');
    for (const readSecret of ['', 'AA', null, 5]) expect(code(await upload([item('AAAA', { readSecret })])), String(readSecret)).toBe('DECODE');
    expect((await call(relay.url, 'GET', '/v1/keypackages/count', undefined, dev.token)).body).toEqual({ count: 0, lastResort: false });
  });

  it('the count needs a session too', async () => {
    expect(code(await call(relay.url, 'GET', '/v1/keypackages/count'))).toBe('UNAUTHENTICATED');
  });
});

describe('claims', () => {
  it('a malformed device id is DECODE, before any token is asked for', async () => {
    for (const deviceId of [undefined, 'x', '0'.repeat(31), 'G'.repeat(32)]) {
      expect(code(await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId })), String(deviceId)).toBe('DECODE');
    }
  });

  it('a claim without a token is refused before the relay says whether the device exists', async () => {
    for (const deviceId of [dev.deviceId, '0'.repeat(32)]) {
      const r = await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId });
      expect(r.status, deviceId).toBe(401);
      expect(code(r)).toBe('TOKEN_REQUIRED');
    }
  });
});
