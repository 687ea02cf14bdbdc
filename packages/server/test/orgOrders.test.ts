/**
 * The relay's order routes, from a hostile caller's side: only the admin token installs the org
 * key, and only once; later orders need the org key's signature, not a token; garbage, a wrong
 * signature, a stale chain position and a policy version that does not go up are refused with
 * typed errors, and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrgKey, orderHash, signOrder, type OrgKeyPair, type SignedOrder } from '@hardline/protocol';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let alice: TestDevice;
const key: OrgKeyPair = newOrgKey();
let genesis: SignedOrder;

beforeAll(async () => {
  relay = await startTestRelay();
  alice = await enrolDevice(relay.url, relay.adminToken, 'alice');
  genesis = signOrder(key, 'org-key', { name: 'Acme' }, { seq: 1, prev: '0'.repeat(64) });
});
afterAll(async () => relay?.close());

const head = async () => (await call(relay.url, 'GET', '/v1/org/head')).body as { seq: number; hash: string; policyVersion: number };
const post = (order: unknown) => call(relay.url, 'POST', '/v1/org/orders', { order });
const next = async () => {
  const h = await head();
  return { seq: h.seq + 1, prev: h.hash };
};

describe('installing the org key', () => {
  it('needs the admin token: a device session or no token is refused', async () => {
    for (const token of [undefined, alice.token]) expect((await call(relay.url, 'POST', '/v1/org/key', { order: genesis }, token)).status).toBe(401);
    expect((await head()).seq).toBe(0);
  });

  it('works once; a second key is refused', async () => {
    expect((await call(relay.url, 'POST', '/v1/org/key', { order: genesis }, relay.adminToken)).status).toBe(200);
    const other = signOrder(newOrgKey(), 'org-key', { name: 'Evil' }, { seq: 1, prev: '0'.repeat(64) });
    expect((await call(relay.url, 'POST', '/v1/org/key', { order: other }, relay.adminToken)).body.error.code).toBe('CONFLICT');
    expect((await call(relay.url, 'GET', '/v1/org')).body.orgKey).toBe(key.publicKey);
    expect(await head()).toMatchObject({ seq: 1, hash: orderHash(genesis) });
  });
});

describe('posting orders', () => {
  it('refuses malformed orders with DECODE and stores nothing', async () => {
    const valid = signOrder(key, 'revocation', { handle: 'alice' as never, deviceId: alice.deviceId as never, wipe: false }, await next());
    const bad: unknown[] = [undefined, null, 'x', 7, [], {}, { ...valid, v: 2 }, { ...valid, seq: -1 }, { ...valid, prev: 'zz' }, { ...valid, kind: 'root' }, { ...valid, body: { handle: 'A!', deviceId: alice.deviceId } }, { ...valid, orgKey: 'AAAA' }];
    for (const order of bad) {
      const r = await post(order);
      expect(r.status, JSON.stringify(order)).toBe(400);
    }
    expect((await post({ ...valid, body: { name: 'x'.repeat(70_000) } })).status).toBe(413);
    expect((await head()).seq).toBe(1);
  });

  it('refuses an order signed by another key, even one claiming the org key', async () => {
    const forged = signOrder(newOrgKey(), 'revocation', { handle: 'alice' as never, deviceId: alice.deviceId as never, wipe: true }, await next());
    expect((await post(forged)).status).toBe(403);
    expect((await post({ ...forged, orgKey: key.publicKey })).status).toBe(403);
    expect((await call(relay.url, 'GET', '/v1/directory', undefined, alice.token)).status).toBe(200);
  });

  it('refuses an order out of chain position (replayed or skipping ahead)', async () => {
    const h = await head();
    expect((await post(signOrder(key, 'policy', { version: 1, defaults: {}, groups: [] } as never, { seq: h.seq + 2, prev: h.hash }))).body.error.code).toBe('CONFLICT');
    expect((await post(signOrder(key, 'policy', { version: 1, defaults: {}, groups: [] } as never, { seq: h.seq + 1, prev: '1'.repeat(64) }))).body.error.code).toBe('CONFLICT');
    expect((await post(genesis)).status).toBe(400);
  });

  it('takes a signed policy without any token, and refuses one whose version does not go up', async () => {
    expect((await post(signOrder(key, 'policy', { version: 3, defaults: {}, groups: [] } as never, await next()))).status).toBe(200);
    expect((await head()).policyVersion).toBe(3);
    const r = await post(signOrder(key, 'policy', { version: 3, defaults: { calls: false }, groups: [] } as never, await next()));
    expect(r.body.error.code).toBe('VALIDATION');
  });

  it('a device reads the chain and the policy with its session; a stranger cannot', async () => {
    expect((await call(relay.url, 'GET', '/v1/org/orders/after/0')).status).toBe(401);
    const r = await call(relay.url, 'GET', '/v1/org/orders/after/0', undefined, alice.token);
    expect(r.body.orders.map((o: SignedOrder) => o.kind)).toEqual(['org-key', 'policy']);
    expect((await call(relay.url, 'GET', '/v1/policy', undefined, alice.token)).body.order.body.version).toBe(3);
    expect((await call(relay.url, 'GET', '/v1/org/orders/after/x', undefined, alice.token)).status).toBe(400);
  });
});

describe('briefing counts', () => {
  it('counts enrolments, flags a device on an old policy, and is for the admin token only', async () => {
    await post(signOrder(key, 'policy', { version: 4, defaults: { linking: 'forbidden' }, groups: [] } as never, await next()));
    expect((await call(relay.url, 'POST', '/v1/devices/link-codes', {}, alice.token)).body.error.code).toBe('POLICY_FORBIDS');
    const b = (await call(relay.url, 'GET', '/v1/admin/briefing/7', undefined, relay.adminToken)).body;
    expect(b.counts.enrolments).toBe(1);
    // The oversized order above was refused 413: counted by code, nothing else.
    expect(b.relayRefusals).toMatchObject({ TOO_LARGE: 1 });
    expect(b.policyVersion).toBe(4);
    expect(b.devicesOnOldPolicy).toEqual([{ deviceId: alice.deviceId, handle: 'alice', policyVersion: 0 }]);
    expect((await call(relay.url, 'GET', '/v1/admin/briefing/7', undefined, alice.token)).status).toBe(401);
  });
});
