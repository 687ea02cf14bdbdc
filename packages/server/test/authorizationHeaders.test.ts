/**
 * Authorization headers from a sloppy or hostile client: a valid token or capability with
 * anything around it is refused as a whole, never trimmed down to the valid part. A relay that
 * took "the first thing that looks like a token" would let a proxy or a confused client
 * smuggle credentials inside other headers' syntax.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let dev: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  dev = await enrolDevice(relay.url, relay.adminToken, 'dora');
});

async function status(method: string, path: string, authorization: string): Promise<{ status: number; code: string | undefined }> {
  const res = await fetch(relay.url + path, { method, headers: { authorization } });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code };
}

const wrapped = (header: string) => [`${header} extra`, `x${header}`, header.replace(' ', '  '), header.toLowerCase(), `${header},${header}`];

describe('authorization headers', () => {
  it('a session token inside anything else is refused', async () => {
    expect((await status('GET', '/v1/directory', `Bearer ${dev.token}`)).status).toBe(200);
    for (const h of wrapped(`Bearer ${dev.token}`)) expect(await status('GET', '/v1/directory', h), h).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('the admin token inside anything else is refused', async () => {
    expect((await status('GET', '/v1/admin/devices', `Bearer ${relay.adminToken}`)).status).toBe(200);
    for (const h of wrapped(`Bearer ${relay.adminToken}`)) expect(await status('GET', '/v1/admin/devices', h), h).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('a blob capability must be exactly "Capability <64 hex>"', async () => {
    const id = randomBytes(16).toString('hex');
    const cap = randomBytes(32).toString('hex');
    expect(await status('GET', `/v1/blobs/${id}`, `Capability ${cap}`)).toEqual({ status: 404, code: 'NOT_FOUND' });
    for (const h of [...wrapped(`Capability ${cap}`), `Capability ${cap.slice(1)}`, `Capability ${cap}0`, `Capability ${randomBytes(32).toString('base64url')}`]) {
      expect(await status('GET', `/v1/blobs/${id}`, h), h).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });
});
