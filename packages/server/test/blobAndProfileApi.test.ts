/**
 * `PUT /v1/profile` and the directory's published phone and email; `GET`/`PUT /v1/blobs/:id`
 * with capability access, compare-and-swap, bucket sizes and bad input (docs/protocol.md §6, §9).
 */
import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BLOB_BUCKETS } from '@hardline/protocol';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { fetchTokens } from '../../../test/support/privacyPassTokens.ts';

let relay: TestRelay;
let dev: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  dev = await enrolDevice(relay.url, relay.adminToken, 'publisher');
});

async function http(method: string, path: string, body: unknown, authorization?: string) {
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(relay.url + path, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any };
}

const bucket = (n = BLOB_BUCKETS[0]) => randomBytes(n).toString('base64url');

describe('profile', () => {
  it('publishes a phone and email, shows them in the directory, and clears them', async () => {
    const r = await http('PUT', '/v1/profile', { displayName: 'Pub Lisher', phone: '+31612345678', email: ' Pub@Org.Example ' }, `Bearer ${dev.token}`);
    expect(r).toEqual({ status: 200, body: { handle: 'publisher', displayName: 'Pub Lisher', phone: '+31612345678', email: 'pub@org.example' } });
    const dir = await http('GET', '/v1/directory', undefined, `Bearer ${dev.token}`);
    expect(dir.body.users.find((u: { handle: string }) => u.handle === 'publisher')).toMatchObject({ phone: '+31612345678', email: 'pub@org.example' });
    await http('PUT', '/v1/profile', { phone: null, email: '' }, `Bearer ${dev.token}`);
    const after = (await http('GET', '/v1/directory', undefined, `Bearer ${dev.token}`)).body.users.find((u: { handle: string }) => u.handle === 'publisher');
    expect(after.phone).toBeUndefined();
    expect(after.email).toBeUndefined();
  });

  it('refuses bad values and missing sessions', async () => {
    for (const body of [{ phone: '0612345678' }, { phone: '+0123' }, { phone: 31612345678 }, { email: 'not-an-email' }, { displayName: '' }, { displayName: 'x'.repeat(65) }]) {
      const r = await http('PUT', '/v1/profile', body, `Bearer ${dev.token}`);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
    expect((await http('PUT', '/v1/profile', { phone: '+31612345678' })).status).toBe(401);
    expect((await http('PUT', '/v1/profile', '{nope', `Bearer ${dev.token}`)).body.error.code).toBe('DECODE');
  });
});

describe('blobs', () => {
  const cap = randomBytes(32).toString('hex');
  const auth = `Capability ${cap}`;
  const id = randomBytes(16).toString('hex');

  it('creates with version 0, then compare-and-swaps, answering CONFLICT with the current version', async () => {
    expect((await http('GET', `/v1/blobs/${id}`, undefined, auth)).status).toBe(404);
    const data = bucket();
    const [token] = await fetchTokens(relay.url, dev.token, 1, 'blob');
    expect(await http('PUT', `/v1/blobs/${id}`, { version: 0, data, token }, auth)).toEqual({ status: 200, body: { version: 1 } });
    expect(await http('GET', `/v1/blobs/${id}`, undefined, auth)).toEqual({ status: 200, body: { version: 1, data } });
    const stale = await http('PUT', `/v1/blobs/${id}`, { version: 0, data: bucket() }, auth);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', version: 1 });
    expect((await http('PUT', `/v1/blobs/${id}`, { version: 1, data: bucket(BLOB_BUCKETS[1]) }, auth)).body).toEqual({ version: 2 });
  });

  it('needs the capability, and stores only its hash', async () => {
    expect((await http('GET', `/v1/blobs/${id}`, undefined)).body.error.code).toBe('UNAUTHENTICATED');
    expect((await http('GET', `/v1/blobs/${id}`, undefined, `Bearer ${dev.token}`)).body.error.code).toBe('UNAUTHENTICATED');
    const wrong = `Capability ${randomBytes(32).toString('hex')}`;
    const r = await http('GET', `/v1/blobs/${id}`, undefined, wrong);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('BAD_CAPABILITY');
    // A wrong capability learns nothing about the version either.
    const w = await http('PUT', `/v1/blobs/${id}`, { version: 0, data: bucket() }, wrong);
    expect(w.body.error).toEqual({ code: 'BAD_CAPABILITY', message: expect.any(String) });
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(`${relay.dataDir}/relay.db`, { readonly: true });
    try {
      const row = db.prepare('select cap_hash from blobs where id = ?').get(Buffer.from(id, 'hex')) as { cap_hash: Buffer };
      expect(row.cap_hash).toEqual(createHash('sha256').update(Buffer.from(cap, 'hex')).digest());
    } finally {
      db.close();
    }
  });

  it('refuses bad ids, versions, data and sizes', async () => {
    const bad: [string, unknown, string][] = [
      ['/v1/blobs/NOTHEX', { version: 0, data: bucket() }, 'DECODE'],
      [`/v1/blobs/${id}abc`, { version: 0, data: bucket() }, 'DECODE'],
      [`/v1/blobs/${randomBytes(16).toString('hex')}`, { version: -1, data: bucket() }, 'VALIDATION'],
      [`/v1/blobs/${randomBytes(16).toString('hex')}`, { version: '0', data: bucket() }, 'VALIDATION'],
      [`/v1/blobs/${randomBytes(16).toString('hex')}`, { version: 0, data: '***' }, 'DECODE'],
      [`/v1/blobs/${randomBytes(16).toString('hex')}`, { version: 0, data: randomBytes(1000).toString('base64url') }, 'VALIDATION'],
      [`/v1/blobs/${randomBytes(16).toString('hex')}`, { version: 0 }, 'DECODE'],
      [`/v1/blobs/${randomBytes(16).toString('hex')}`, 'not json', 'DECODE'],
    ];
    for (const [path, body, code] of bad) {
      const r = await http('PUT', path, body, auth);
      expect(r.body.error?.code, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(code);
    }
    expect((await http('PUT', `/v1/blobs/${id}`, { version: 0, data: 'x' }, 'Capability abc')).status).toBe(401);
  });

  it('refuses a body over the bound with 413', async () => {
    const big = 'A'.repeat(3 * 1024 * 1024);
    const r = await http('PUT', `/v1/blobs/${randomBytes(16).toString('hex')}`, { version: 0, data: big }, auth);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('TOO_LARGE');
  });
});
