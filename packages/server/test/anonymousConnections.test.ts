/**
 * One anonymous call, one connection (http/oneCallConnections.ts), seen by a client that keeps
 * its connections alive the way a browser or Node's fetch does: every answer of an anonymous
 * route, success or refusal, closes the connection, so the next call (a session call, or
 * another claim) cannot ride it and be tied to it. Session and public routes keep theirs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { ask } from './support/handlerHarness.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let dev: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  dev = await enrolDevice(relay.url, relay.adminToken, 'olga');
});

const json = (body: unknown, extra: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  return { headers: { connection: 'keep-alive', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...extra }, send: text };
};

describe('anonymous calls', () => {
  it('close their connection after a success', async () => {
    for (const [method, path, opts] of [
      ['GET', '/v1/tokens/claim/key', { headers: { connection: 'keep-alive' } }],
      ['POST', '/v1/turn/credentials', json({})],
    ] as const) {
      const r = await ask(relay.url, method, path, opts);
      expect(r.status, path).toBe(200);
      expect(r.headers.connection, path).toBe('close');
    }
  });

  it('close their connection after a refusal of a whole body', async () => {
    for (const [method, path, body] of [
      ['POST', '/v1/keypackages/claim', {}],
      ['POST', '/v1/keypackages/claim', { deviceId: dev.deviceId }],
      ['PUT', '/v1/blobs/00000000000000000000000000000000', { version: 0 }],
    ] as const) {
      const r = await ask(relay.url, method, path, json(body));
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.headers.connection, path).toBe('close');
    }
  });

  it('session and public routes keep the connection', async () => {
    const dir = await ask(relay.url, 'GET', '/v1/directory', { headers: { connection: 'keep-alive', authorization: `Bearer ${dev.token}` } });
    expect(dir.status).toBe(200);
    expect(dir.headers.connection).toBe('keep-alive');
    expect((await ask(relay.url, 'GET', '/v1/org', { headers: { connection: 'keep-alive' } })).headers.connection).toBe('keep-alive');
    const refused = await ask(relay.url, 'POST', '/v1/tokens/claim', json({ request: 5 }, { authorization: `Bearer ${dev.token}` }));
    expect(refused.status).toBe(400);
    expect(refused.headers.connection).toBe('keep-alive');
  });
});
