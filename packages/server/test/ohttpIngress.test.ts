/**
 * @module ohttpIngress.test
 * A real relay and a real ingress hop in one process: posts and claims go through the hop
 * (RFC 9458), the relay sees the hop's connection and not the client's, and the hop sees
 * ciphertext only. Then the attacker's side: a tampered request, a stale key, a session route
 * smuggled through the gateway, and floods at the hop.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTokens } from '../../../test/support/privacyPassTokens.ts';
import { startIngressHop, type IngressHopHandle } from '../src/ingress/ingressHop.ts';
import { GATEWAY_KEYS_FILE, GatewayKeys } from '../src/ohttp/gatewayKeys.ts';
import type { ObserverEvent } from '../src/observer/observerEvent.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { kpMailbox, postFrame } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { gatewayConfig, innerBytes, throughHop } from './support/ohttpClient.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';
import { encapsulateRequest, type KeyConfig } from '@hardline/protocol/ohttp';

let relay: TestRelay;
let hop: IngressHopHandle;
let dana: TestDevice;
let config: KeyConfig;
const events: ObserverEvent[] = [];
/** Every body the hop sent on to the relay, as the relay received it. */
const forwarded: Uint8Array[] = [];

beforeAll(async () => {
  relay = await startTestRelay({ observer: (e) => events.push(e) });
  hop = await startIngressHop({
    target: relay.url,
    port: 0,
    upstream: (send) => (url, body, type, timeout) => {
      forwarded.push(new Uint8Array(body));
      return send(url, body, type, timeout);
    },
  });
  dana = await enrolDevice(relay.url, relay.adminToken, 'dana');
  config = await gatewayConfig(relay.url);
});
afterAll(async () => hop.close());

const hasBytes = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).includes(Buffer.from(needle));

describe('posts and claims through the hop', () => {
  it('claims a KeyPackage and posts into its mailbox; the relay sees the hop, the hop sees ciphertext', async () => {
    const kp = (await newKeyPackages(dana, 1))[0]!;
    const readCap = randomBytes(32);
    const up = await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: [{ keyPackage: kp.toString('base64url'), readCapHash: randomBytes(32).toString('base64url') }] }, dana.token);
    expect(up.status).toBe(200);
    const [token] = await fetchTokens(relay.url, dana.token, 1);
    // Every connection so far was the client's own, straight to the relay.
    const direct = new Set(events.map((e) => e.conn));

    const claim = await throughHop(hop.url, config, { method: 'POST', path: '/v1/keypackages/claim', json: { deviceId: dana.deviceId, token } });
    expect(claim.status).toBe(200);
    expect(Buffer.from(claim.body.keyPackage, 'base64url')).toEqual(kp);
    const m = kpMailbox(kp, readCap);
    const p = postFrame(m, 'through the hop');
    const post = await throughHop(hop.url, config, { method: 'POST', path: '/v1/post', bytes: p.frame });
    expect(post).toEqual({ status: 200, body: { accepted: p.envelopeId } });
    expect((await relay.store.getMailbox(m.id))).toBeDefined();

    const claimed = events.find((e) => e.kind === 'claim')!;
    const posted = events.find((e) => e.kind === 'post')!;
    expect(posted.mailboxId).toBe(m.id);
    // The relay's trace ties both actions to the hop's connection, none of the client's.
    expect(direct.has(claimed.conn)).toBe(false);
    expect(direct.has(posted.conn)).toBe(false);

    // What the hop handled names neither the mailbox, nor its send capability, nor the device.
    expect(forwarded.length).toBe(2);
    for (const body of forwarded) {
      for (const secret of [Buffer.from(m.id, 'hex'), Buffer.from(m.id), m.sendCap, Buffer.from(dana.deviceId), Buffer.from(token!), kp.subarray(0, 64)]) {
        expect(hasBytes(body, secret)).toBe(false);
      }
    }
  });

  it('reads and writes a blob by capability through the hop', async () => {
    const [token] = await fetchTokens(relay.url, dana.token, 1, 'blob');
    const id = randomBytes(16).toString('hex');
    const cap = randomBytes(32).toString('hex');
    const data = Buffer.alloc(16 * 1024, 7).toString('base64url');
    const auth: [string, string][] = [['authorization', `Capability ${cap}`]];
    const put = await throughHop(hop.url, config, { method: 'PUT', path: `/v1/blobs/${id}`, json: { version: 0, data, token }, headers: auth });
    expect(put).toEqual({ status: 200, body: { version: 1 } });
    const got = await throughHop(hop.url, config, { method: 'GET', path: `/v1/blobs/${id}`, headers: auth });
    expect(got.body).toEqual({ version: 1, data });
  });

  it("a stranger's forged tokens through the hop do not lock the hop's other users out", async () => {
    // Every request through the hop carries the hop's address: a per-address throttle there
    // would be one bucket for all its users, emptied by ten forgeries a minute.
    const [real, honest] = await fetchTokens(relay.url, dana.token, 2, 'blob');
    const forged = (): string => {
      const t = Buffer.from(real!, 'base64url');
      randomBytes(32).copy(t, 2); // a fresh nonce: passes every cheap check, fails the evaluation
      return t.toString('base64url');
    };
    const newBlob = (token: string) => {
      const auth: [string, string][] = [['authorization', `Capability ${randomBytes(32).toString('hex')}`]];
      return throughHop(hop.url, config, { method: 'PUT', path: `/v1/blobs/${randomBytes(16).toString('hex')}`, json: { version: 0, data: Buffer.alloc(16 * 1024, 7).toString('base64url'), token }, headers: auth });
    };
    for (let i = 0; i < 15; i++) expect((await newBlob(forged())).body.error.code).toBe('TOKEN_INVALID');
    expect(await newBlob(honest!)).toEqual({ status: 200, body: { version: 1 } });
  });
});

describe('what the gateway refuses', () => {
  it('refuses a tampered request, unsealed, with a clear error, and acts on nothing', async () => {
    const before = events.length;
    const { encapsulated } = await encapsulateRequest(config, innerBytes({ method: 'GET', path: '/v1/tokens/claim/key' }));
    encapsulated[encapsulated.length - 3]! ^= 0x40;
    const r = await fetch(hop.url, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: new Uint8Array(encapsulated) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'CRYPTO', message: 'the encapsulated request did not decrypt' });
    expect(events.slice(before).filter((e) => e.kind === 'post' || e.kind === 'claim')).toEqual([]);
  });

  it('tells a client with a stale key config so (OHTTP_KEY)', async () => {
    const { encapsulated } = await encapsulateRequest({ ...config, keyId: (config.keyId + 100) % 256 }, innerBytes({ method: 'GET', path: '/v1/tokens/claim/key' }));
    const r = await fetch(hop.url, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: new Uint8Array(encapsulated) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('OHTTP_KEY');
  });

  it('never reaches a session route, with or without a session', async () => {
    const withSession = await throughHop(hop.url, config, { method: 'GET', path: '/v1/directory', headers: [['authorization', `Bearer ${dana.token}`]] });
    expect(withSession.status).toBe(403);
    expect(withSession.body.error.code).toBe('FORBIDDEN');
    const upload = await throughHop(hop.url, config, { method: 'POST', path: '/v1/keypackages', json: { keyPackages: [] } });
    expect(upload.status).toBe(403);
    expect(upload.body.error.message).toMatch(/not reachable through the gateway/);
    // A bearer token on an anonymous route is refused too: it would name the device.
    const claimWithSession = await throughHop(hop.url, config, { method: 'GET', path: '/v1/tokens/claim/key', headers: [['authorization', `Bearer ${dana.token}`]] });
    expect(claimWithSession.status).toBe(403);
    // The gateway is no way around the gateway.
    const nested = await throughHop(hop.url, config, { method: 'POST', path: '/v1/ohttp', bytes: new Uint8Array(64) });
    expect(nested.status).toBe(403);
  });

  it('answers a malformed inner request inside the encapsulation', async () => {
    const { encapsulated, context } = await encapsulateRequest(config, Uint8Array.of(2, 0, 0));
    const r = await fetch(hop.url, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: new Uint8Array(encapsulated) });
    expect(r.status).toBe(200);
    const { decapsulateResponse, decodeBinaryHttpResponse } = await import('@hardline/protocol/ohttp');
    const inner = decodeBinaryHttpResponse(await decapsulateResponse(context, new Uint8Array(await r.arrayBuffer())));
    expect(inner.status).toBe(400);
  });
});

describe('the hop', () => {
  it('forwards nothing but POSTed message/ohttp-req, within its bounds', async () => {
    const small = await startIngressHop({ target: relay.url, port: 0, limits: { maxBodyBytes: 1024, perAddressPerMinute: 3 } });
    try {
      expect((await fetch(small.url)).status).toBe(404);
      expect((await fetch(`${small.url}/v1/directory`, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: 'x' })).status).toBe(404);
      expect((await fetch(small.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(415);
      const post = (size: number) => fetch(small.url, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: new Uint8Array(size) });
      expect((await post(2048)).status).toBe(413);
      // Garbage reaches the gateway, which cannot open it: its unsealed 400 comes back.
      expect((await post(64)).status).toBe(400);
      expect((await post(64)).status).toBe(400);
      // Three per minute from one address, then 429.
      expect((await fetch(small.url, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: new Uint8Array(64) })).status).toBe(429);
    } finally {
      await small.close();
    }
  });
});

describe('gateway keys', () => {
  it('are kept 0600 across restarts, and a rotation keeps the old key for its grace period', () => {
    const dir = tmpDir();
    let now = 0;
    const keys = new GatewayKeys(dir, { rotateDays: 30, graceDays: 7, now: () => now });
    expect(statSync(join(dir, GATEWAY_KEYS_FILE)).mode & 0o777).toBe(0o600);
    const first = keys.held()[0]!;
    expect(new GatewayKeys(dir, { now: () => now }).held()[0]!.privateKey).toEqual(first.privateKey);
    now = 31 * 86_400_000;
    const rotated = keys.held();
    expect(rotated.map((k) => k.config.keyId)).toEqual([first.config.keyId + 1, first.config.keyId]);
    now += 8 * 86_400_000;
    expect(keys.held().map((k) => k.config.keyId)).toEqual([first.config.keyId + 1]);
    expect(statSync(join(dir, GATEWAY_KEYS_FILE)).mode & 0o777).toBe(0o600);
  });
});
