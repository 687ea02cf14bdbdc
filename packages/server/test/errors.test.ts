/**
 * @module errors.test
 * Malformed input to every endpoint and frame type: oversized, truncated, random bytes and
 * broken JSON. Each gets its typed error, the relay keeps serving, stored envelopes survive.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_POST_FRAME, decodePostReply } from '@hardline/protocol';
import { allRoutes } from '../src/routes/allRoutes.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { openInbox, TestSocket } from './support/wsClient.ts';

let relay: TestRelay;
let dev: TestDevice;
let keep: TestMailbox;
const kept: string[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
  dev = await enrolDevice(relay.url, relay.adminToken, 'fuzz');
  keep = await createMailbox(relay.store);
  for (let i = 0; i < 5; i++) {
    const p = postFrame(keep, `kept ${i}`);
    await call(relay.url, 'POST', '/v1/post', p.frame);
    kept.push(p.envelopeId);
  }
});

const endpoints = allRoutes.map((r) => ({ method: r.method, path: r.path.replace(':id', '0'.repeat(32)) }));
const tokenFor = (path: string) => (path.startsWith('/v1/admin') ? relay.adminToken : dev.token);

async function expectTypedError(r: { status: number; body: any }, codes: string[]) {
  expect(r.body?.error, JSON.stringify(r.body)).toBeDefined();
  expect(codes).toContain(r.body.error.code);
  expect(typeof r.body.error.message).toBe('string');
  expect(r.status).toBeGreaterThanOrEqual(400);
  expect(r.status).toBeLessThan(500);
}

describe('HTTP endpoints', () => {
  it.each(endpoints.filter((e) => e.method === 'POST'))('$path: malformed JSON, random bytes, wrong shapes', async ({ path }) => {
    const bodies: (string | Uint8Array)[] = ['{bad', '[]', 'null', '"str"', '{"deviceId":5,"token":[1],"keyPackages":{}}', randomBytes(300)];
    for (const body of bodies) {
      const r = await call(relay.url, 'POST', path, body, tokenFor(path));
      if (r.status < 400) continue; // a bodiless endpoint may rightly succeed (e.g. a challenge)
      await expectTypedError(r, ['DECODE', 'VALIDATION', 'NOT_FOUND', 'NO_MAILBOX', 'BAD_CAPABILITY', 'UNAUTHENTICATED', 'FORBIDDEN']);
    }
  });

  it.each(endpoints.filter((e) => e.method === 'POST'))('$path: an oversized body is 413 TOO_LARGE', async ({ path }) => {
    const r = await call(relay.url, 'POST', path, Buffer.alloc(3 * 1024 * 1024, 0x7b), tokenFor(path)).catch(() => undefined);
    // Either the typed answer arrives, or the relay cut the connection after answering.
    if (r) {
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('TOO_LARGE');
    }
  });

  it('a lying Content-Length is refused before any body is read', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${relay.url}/v1/enrol`, { method: 'POST', headers: { 'content-length': String(1 << 30) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(status).toBe(413);
  });

  it('unknown paths, methods and broken escapes are typed errors', async () => {
    await expectTypedError(await call(relay.url, 'GET', '/v1/nope'), ['NOT_FOUND']);
    await expectTypedError(await call(relay.url, 'GET', '/v1/enrol'), ['NOT_FOUND']);
    await expectTypedError(await call(relay.url, 'POST', '/v1/devices/%E0%A4%A/revoke', {}, dev.token), ['DECODE']);
    await expectTypedError(await call(relay.url, 'GET', '/v1/directory', undefined, 'x'.repeat(2000)), ['UNAUTHENTICATED']);
  });

  it('POST /v1/post: truncated, random, bad bucket and oversized frames', async () => {
    const good = postFrame(keep).frame;
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'DECODE'],
      [good.subarray(0, 20), 'DECODE'],
      [good.subarray(0, 60), 'DECODE'],
      [good.subarray(0, good.length - 1), 'DECODE'],
      [randomBytes(good.length), 'DECODE'],
      [Buffer.concat([good, Buffer.alloc(1)]), 'DECODE'],
    ];
    for (const [frame, code] of cases) await expectTypedError(await call(relay.url, 'POST', '/v1/post', frame), [code]);
    const big = await call(relay.url, 'POST', '/v1/post', Buffer.alloc(MAX_POST_FRAME + 1));
    expect(big.status).toBe(413);
  });
});

describe('WebSocket frames', () => {
  it('WS /v1/post answers every bad frame with a typed rejection and stays open', async () => {
    const ws = await TestSocket.open(relay.url, '/v1/post');
    const good = postFrame(keep).frame;
    const bad = [new Uint8Array(0), good.subarray(0, 40), randomBytes(1057), Buffer.concat([good, Buffer.alloc(3)])];
    for (const b of bad) ws.send(b);
    ws.send('text is not a post frame');
    for (let i = 0; i < bad.length + 1; i++) {
      const r = decodePostReply(await ws.binary());
      expect(r.status).toBe('rejected');
      expect(r.status === 'rejected' && r.code).toBe('DECODE');
    }
    const fine = postFrame(keep, 'after the noise');
    ws.send(fine.frame);
    expect(decodePostReply(await ws.binary())).toEqual({ status: 'accepted', envelopeId: fine.envelopeId });
    await relay.store.ackEnvelopes([[keep.id, fine.envelopeId]], Date.now());
    ws.close();
  });

  it('WS /v1/post closes with 1009 on an oversized frame', async () => {
    const ws = await TestSocket.open(relay.url, '/v1/post');
    ws.send(Buffer.alloc(MAX_POST_FRAME + 1));
    expect(await ws.closed()).toBe(1009);
  });

  it('WS /v1/inbox closes with 4400 on malformed frames, 4401 before auth', async () => {
    const cases: [string | Uint8Array, boolean, number][] = [
      ['{bad', true, 4400],
      [randomBytes(100), true, 4400],
      [JSON.stringify({ type: 'subscribe', mailboxes: [{ id: 'zz', readCap: 'x' }] }), true, 4400],
      [JSON.stringify({ type: 'ack', items: [[1, 2, 3]] }), true, 4400],
      [JSON.stringify({ type: 'what' }), true, 4400],
      [JSON.stringify({ type: 'subscribe', mailboxes: [] }), false, 4401],
      ['{bad', false, 4400],
    ];
    for (const [frame, authed, code] of cases) {
      const s = await TestSocket.open(relay.url, '/v1/inbox');
      if (authed) s.sendJson({ type: 'auth', token: dev.token });
      s.send(frame);
      expect(await s.closed(), String(frame)).toBe(code);
      const err = s.frames.find((f) => !f.binary);
      if (err) expect(JSON.parse(err.data.toString()).type).toBe('error');
    }
  });

  it('WS /v1/inbox closes with 1009 on an oversized frame', async () => {
    const s = await TestSocket.open(relay.url, '/v1/inbox');
    s.send('x'.repeat((1 << 20) + 1));
    expect(await s.closed()).toBe(1009);
  });

  it('an unknown WebSocket path is refused', async () => {
    await expect(TestSocket.open(relay.url, '/v1/other')).rejects.toThrow();
  });
});

describe('after all of it', () => {
  it('the relay still serves and every stored envelope is intact', async () => {
    expect((await call(relay.url, 'GET', '/v1/org')).status).toBe(200);
    const { socket } = await openInbox(relay.url, dev.token, [keep]);
    const got: string[] = [];
    for (let i = 0; i < kept.length; i++) got.push((await socket.binary()).subarray(17, 33).toString('hex'));
    await socket.json('drained');
    expect(got).toEqual(kept);
    expect(relay.logs.filter((l) => l.includes('internal error'))).toEqual([]);
    socket.close();
  });
});
