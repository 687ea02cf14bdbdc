/**
 * The routes anyone may call, probed at their edges: the Oblivious HTTP gateway fed another
 * content type, the token routes asked for a purpose that does not exist or with a request of
 * another type, TURN credentials on a relay without TURN (nothing to pay for, so no token is
 * taken), blob versions one past their bound or not whole numbers.
 */
import { randomBytes } from 'node:crypto';
import { BLOB_BUCKETS } from '@hardline/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let dev: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay({ limits: { tokenKeyLifetimeDays: 9 } });
  dev = await enrolDevice(relay.url, relay.adminToken, 'anya');
});

const code = (r: { body: any }) => r.body.error?.code as string | undefined;

describe('the Oblivious HTTP gateway', () => {
  const post = (contentType: string | undefined) =>
    fetch(`${relay.url}/v1/ohttp`, { method: 'POST', headers: contentType === undefined ? {} : { 'content-type': contentType }, body: new Uint8Array(randomBytes(64)) });

  it('takes only message/ohttp-req (any case, with parameters)', async () => {
    for (const t of [undefined, 'application/json', 'message/ohttp-res', 'message/ohttp-req-x', 'text/plain; x=message/ohttp-req']) {
      const r = await post(t);
      expect(r.status, t).toBe(400);
      expect(((await r.json()) as any).error.code, t).toBe('VALIDATION');
    }
    for (const t of ['message/ohttp-req', 'Message/OHTTP-Req', ' message/ohttp-req ; charset=binary']) {
      const r = await post(t);
      // Past the type check: random bytes are then not a request under the relay's key.
      const body = await r.text();
      expect(body, t).not.toContain('"code":"VALIDATION"');
    }
  });

  it('publishes its key config as application/ohttp-keys', async () => {
    const r = await fetch(`${relay.url}/v1/ohttp/keys`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/ohttp-keys');
    expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(32);
  });
});

describe('token routes', () => {
  it('give each purpose its key and lifetime, and refuse a purpose that does not exist', async () => {
    for (const purpose of ['claim', 'blob', 'turn']) {
      const r = await call(relay.url, 'GET', `/v1/tokens/${purpose}/key`);
      expect(r.body, purpose).toMatchObject({ keyId: expect.any(String), publicKey: expect.stringMatching(/^[A-Za-z0-9_-]+$/), createdAt: expect.any(Number), lifetimeDays: 9 });
    }
    for (const purpose of ['claims', 'CLAIM', 'x', 'toString', 'constructor']) {
      expect(code(await call(relay.url, 'GET', `/v1/tokens/${purpose}/key`)), purpose).toBe('DECODE');
      expect(code(await call(relay.url, 'POST', `/v1/tokens/${purpose}`, { request: 'AAAA' }, dev.token)), purpose).toBe('DECODE');
    }
  });

  it('a batch request must be text, and only a session may ask', async () => {
    for (const request of [5, null, ['AAAA'], { a: 1 }]) {
      expect(code(await call(relay.url, 'POST', '/v1/tokens/claim', { request }, dev.token)), JSON.stringify(request)).toBe('DECODE');
    }
    expect(code(await call(relay.url, 'POST', '/v1/tokens/claim', { request: 'AAAA' }))).toBe('UNAUTHENTICATED');
  });
});

describe('TURN credentials without a TURN server', () => {
  it('are an empty answer that costs no token, for anyone', async () => {
    for (const body of [{}, { token: 'junk' }]) {
      expect((await call(relay.url, 'POST', '/v1/turn/credentials', body)).body).toEqual({ iceServers: [], ttlSeconds: 0, relayOnly: false });
    }
  });
});

describe('blob versions', () => {
  const put = (version: unknown) =>
    call(relay.url, 'PUT', `/v1/blobs/${randomBytes(16).toString('hex')}`, { version, data: randomBytes(BLOB_BUCKETS[0]!).toString('base64url') }, undefined);

  it('are whole numbers from 0 to 2^53 - 2', async () => {
    const auth = { authorization: `Capability ${randomBytes(32).toString('hex')}`, 'content-type': 'application/json' };
    const send = async (version: unknown) => {
      const r = await fetch(`${relay.url}/v1/blobs/${randomBytes(16).toString('hex')}`, { method: 'PUT', headers: auth, body: JSON.stringify({ version, data: randomBytes(BLOB_BUCKETS[0]!).toString('base64url') }) });
      return ((await r.json()) as any).error?.code as string | undefined;
    };
    for (const version of [-1, 1.5, '0', null, undefined, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1e300]) {
      expect(await send(version), String(version)).toBe('VALIDATION');
    }
    // In range: a version for a blob that does not exist yet is a conflict, not a bad value.
    expect(await send(Number.MAX_SAFE_INTEGER - 1)).toBe('CONFLICT');
    expect(await send(1)).toBe('CONFLICT');
    // Without a capability the version is never looked at.
    expect(code(await put(0))).toBe('UNAUTHENTICATED');
  });
});
