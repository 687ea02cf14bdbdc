/**
 * @module ohttpLocks.test
 * The commit lock through a real hop and gateway: a device takes, confirms and releases an
 * epoch's lock without a session, so the operator cannot tie the commit that follows to the
 * device. The lock still holds against a second taker that comes through the hop too.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyConfig } from '@hardline/protocol/ohttp';
import { startIngressHop, type IngressHopHandle } from '../src/ingress/ingressHop.ts';
import { gatewayConfig, throughHop } from './support/ohttpClient.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let hop: IngressHopHandle;
let config: KeyConfig;

beforeAll(async () => {
  relay = await startTestRelay();
  hop = await startIngressHop({ target: relay.url, port: 0 });
  config = await gatewayConfig(relay.url);
});
afterAll(async () => hop.close());

describe('the commit lock through the gateway', () => {
  it('is taken, confirmed and released through the hop, and still excludes a second taker', async () => {
    const token = randomBytes(32).toString('hex');
    const take = await throughHop(hop.url, config, { method: 'POST', path: '/v1/locks', json: { token } });
    expect(take.status).toBe(201);
    const hold = take.body.hold as string;
    expect((await throughHop(hop.url, config, { method: 'POST', path: '/v1/locks', json: { token } })).body.error.code).toBe('CONFLICT');
    expect(await throughHop(hop.url, config, { method: 'POST', path: '/v1/locks/confirm', json: { token, hold } })).toEqual({ status: 200, body: { locked: true } });

    const other = randomBytes(32).toString('hex');
    const second = await throughHop(hop.url, config, { method: 'POST', path: '/v1/locks', json: { token: other } });
    expect(second.status).toBe(201);
    expect(await throughHop(hop.url, config, { method: 'POST', path: '/v1/locks/release', json: { token: other, hold: second.body.hold } })).toEqual({ status: 200, body: { released: true } });
    // Released, so anyone may take it again.
    expect((await throughHop(hop.url, config, { method: 'POST', path: '/v1/locks', json: { token: other } })).status).toBe(201);
  });
});
