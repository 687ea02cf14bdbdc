/**
 * The request listener from a client's side, with routes written for the test
 * (support/handlerHarness.ts): a body the handler never reads, a body that stops half way, a
 * body over the route's own bound, a spent body budget, a handler that throws something
 * unknown or something that cannot be written, a query string, a missing or foreign Host.
 * What is checked is what the client sees: status, code, the headers that tell it to wait or
 * that the connection is done, and whether the relay reported the failure as its own.
 */
import { TooLargeError, ValidationError } from '@hardline/protocol';
import { describe, expect, it } from 'vitest';
import { RelayError } from '../src/errors/relayError.ts';
import { JSON_BODY_LIMIT, ok, type Route, type RouteRequest } from '../src/http/route.ts';
import { sourceKey } from '../src/limits/sourceLimits.ts';
import { refusalCounts } from '../src/org/refusalCounts.ts';
import { ask, rawExchange, startHarness } from './support/handlerHarness.ts';

const seen: RouteRequest[] = [];
const routes: Route[] = [
  { method: 'POST', path: '/echo', handle: async (_ctx, req) => ok({ got: await req.json(), params: req.params }) },
  { method: 'GET', path: '/things/:id', handle: async (_ctx, req) => (seen.push(req), ok({ id: req.params.id, conn: req.conn })) },
  { method: 'POST', path: '/twice', handle: async (_ctx, req) => ok({ a: (await req.bytes()).length, b: (await req.bytes()).length, c: await req.json() }) },
  { method: 'POST', path: '/ignore', handle: async () => ok({ ignored: true }) },
  {
    method: 'POST',
    path: '/refuse',
    handle: async () => {
      throw new RelayError('FORBIDDEN', 'no');
    },
  },
  {
    method: 'POST',
    path: '/read-then-refuse',
    handle: async (_ctx, req) => {
      await req.json();
      throw new ValidationError('bad field');
    },
  },
  {
    method: 'POST',
    path: '/read-then-too-large',
    handle: async (_ctx, req) => {
      throw new TooLargeError('blob', (await req.bytes()).length, 1);
    },
  },
  { method: 'POST', path: '/small', bodyLimit: 10, handle: async (_ctx, req) => ok({ n: (await req.bytes()).length }) },
  {
    method: 'GET',
    path: '/conflict',
    handle: async () => {
      throw new RelayError('CONFLICT', 'changed', { details: { version: 3 } });
    },
  },
  {
    method: 'GET',
    path: '/wait',
    handle: async () => {
      throw new RelayError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 7 });
    },
  },
  {
    method: 'GET',
    path: '/boom',
    handle: async () => {
      throw new Error('a bug');
    },
  },
  {
    method: 'GET',
    path: '/unwritable',
    handle: async () => {
      throw new RelayError('CONFLICT', 'x', { details: { version: 1n as unknown as number } });
    },
  },
  { method: 'GET', path: '/bytes', handle: async () => ({ status: 201, body: new Uint8Array([1, 2, 3]), contentType: 'application/x-test' }) },
  { method: 'GET', path: '/typed-text', handle: async () => ({ status: 200, body: 'abc', contentType: 'application/x-test' }) },
  { method: 'GET', path: '/nothing', handle: async () => ok(undefined, 202) },
  {
    method: 'POST',
    path: '/slow',
    handle: async (_ctx, req) => {
      const body = await req.json();
      // Work that outlasts the body deadline, after the whole body has arrived.
      await new Promise((resolve) => setTimeout(resolve, 600));
      return ok(body);
    },
  },
];

const keepAlive = { connection: 'keep-alive' };

describe('answers and errors', () => {
  it('routes by path alone (a query string is not part of it), with params and the connection id', async () => {
    const h = await startHarness(routes);
    const r = await ask(h.url, 'GET', '/things/a%20b?x=1&y=/things/z');
    expect(r.body).toEqual({ id: 'a b', conn: 7 });
    expect(seen.at(-1)?.source).toBe(sourceKey('127.0.0.1'));
    expect((await ask(h.url, 'GET', '/things?x=/things/y')).body.error.code).toBe('NOT_FOUND');
    const other = await ask(h.url, 'PUT', '/things/a');
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
  });

  it('a typed error keeps its code and status; its details and Retry-After reach the client', async () => {
    const h = await startHarness(routes);
    const c = await ask(h.url, 'GET', '/conflict');
    expect(c.status).toBe(409);
    expect(c.body).toEqual({ error: { code: 'CONFLICT', message: 'changed', version: 3 } });
    expect(c.headers['retry-after']).toBeUndefined();
    const w = await ask(h.url, 'GET', '/wait');
    expect(w.status).toBe(429);
    expect(w.headers['retry-after']).toBe('7');
    expect(w.body.error.code).toBe('RATE_LIMITED');
    expect(h.internalErrors).toEqual([]);
    expect(refusalCounts(h.ctx, 0)).toEqual({ RATE_LIMITED: 1 });
  });

  it('an unknown error is a 500 INTERNAL that names nothing, and is reported as the relay\'s own', async () => {
    const h = await startHarness(routes);
    const r = await ask(h.url, 'GET', '/boom');
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('INTERNAL');
    expect(r.text).not.toContain('a bug');
    expect(h.internalErrors).toHaveLength(1);
    expect((h.internalErrors[0] as Error).message).toBe('a bug');
  });

  it('an answer that cannot be written is still a bare 500, and the relay hears of it', async () => {
    const h = await startHarness(routes);
    const r = await ask(h.url, 'GET', '/unwritable');
    expect(r.status).toBe(500);
    expect(r.text).toBe('');
    expect(h.internalErrors).toHaveLength(1);
    expect(h.internalErrors[0]).toBeInstanceOf(TypeError);
  });

  it('raw bytes go out as the handler typed them, JSON otherwise; no body is {}', async () => {
    const h = await startHarness(routes);
    const b = await ask(h.url, 'GET', '/bytes');
    expect(b.status).toBe(201);
    expect(b.headers).toMatchObject({ 'content-type': 'application/x-test', 'content-length': '3', 'cache-control': 'no-store' });
    expect([...Buffer.from(b.text, 'latin1')]).toEqual([1, 2, 3]);
    const t = await ask(h.url, 'GET', '/typed-text');
    expect(t.headers['content-type']).toBe('application/json');
    expect(t.text).toBe('"abc"');
    const n = await ask(h.url, 'GET', '/nothing');
    expect(n.status).toBe(202);
    expect(n.text).toBe('{}');
    expect(n.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': '2', 'cache-control': 'no-store' });
  });
});

describe('Host and transport', () => {
  it('no Host is a 400, a foreign Host a 421; neither reaches a route, and both close', async () => {
    const h = await startHarness(routes);
    const none = await rawExchange(h.port, 'GET /things/x HTTP/1.0\r\n\r\n');
    expect(none).toMatch(/^HTTP\/1\.[01] 400 /);
    expect(none).toMatch(/\r\nConnection: close\r\n/i);
    expect(none).toContain('"code":"VALIDATION"');
    const before = seen.length;
    const foreign = await rawExchange(h.port, 'GET /things/x HTTP/1.1\r\nHost: attacker.example\r\nConnection: keep-alive\r\n\r\n');
    expect(foreign).toMatch(/^HTTP\/1\.1 421 /);
    expect(foreign).toMatch(/\r\nConnection: close\r\n/i);
    expect(foreign).toContain('"code":"MISDIRECTED"');
    expect(seen.length).toBe(before);
  });

  it('HSTS only where the site is TLS', async () => {
    const tls = await startHarness(routes, { tls: true });
    expect((await ask(tls.url, 'GET', '/things/x')).headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await ask(tls.url, 'GET', '/nowhere')).headers['strict-transport-security']).toBe('max-age=31536000');
    const plain = await startHarness(routes);
    expect((await ask(plain.url, 'GET', '/things/x')).headers['strict-transport-security']).toBeUndefined();
  });
});

describe('bodies', () => {
  it('a body read whole keeps the connection; the handler reads it once however often it asks', async () => {
    const h = await startHarness(routes);
    const e = await ask(h.url, 'POST', '/echo', { headers: { ...keepAlive, 'content-type': 'application/json', 'content-length': 7 }, send: '{"a":1}' });
    expect(e.body).toEqual({ got: { a: 1 }, params: {} });
    expect(e.headers.connection).toBe('keep-alive');
    const t = await ask(h.url, 'POST', '/twice', { headers: { ...keepAlive, 'content-length': 7 }, send: '{"b":2}' });
    expect(t.body).toEqual({ a: 7, b: 7, c: { b: 2 } });
    // One reservation per body, for its declared length, from the caller's address; all released.
    expect(h.reserved).toEqual([
      [sourceKey('127.0.0.1'), 7],
      [sourceKey('127.0.0.1'), 7],
    ]);
    expect(h.released.count).toBe(2);
  });

  it('an error after the body was read whole keeps the connection', async () => {
    const h = await startHarness(routes);
    const r = await ask(h.url, 'POST', '/read-then-refuse', { headers: keepAlive, send: '{}' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    expect(r.headers.connection).toBe('keep-alive');
  });

  it('a body the handler never reads is not read to its end: the connection closes after the answer', async () => {
    const h = await startHarness(routes);
    const r = await ask(h.url, 'POST', '/ignore', { headers: { ...keepAlive, 'content-length': 1000 }, send: 'x'.repeat(10), hold: true });
    expect(r.body).toEqual({ ignored: true });
    expect(r.headers.connection).toBe('close');
    const refused = await ask(h.url, 'POST', '/refuse', { headers: { ...keepAlive, 'content-length': 1000 }, send: 'x'.repeat(10), hold: true });
    expect(refused.status).toBe(403);
    expect(refused.headers.connection).toBe('close');
    expect(h.reserved).toEqual([]);
  });

  it("a declared body over the route's own bound is 413 before the handler runs, counted, and closes", async () => {
    const h = await startHarness(routes);
    const atBound = await ask(h.url, 'POST', '/small', { headers: keepAlive, send: '0123456789' });
    expect(atBound.body).toEqual({ n: 10 });
    const over = await ask(h.url, 'POST', '/small', { headers: { ...keepAlive, 'content-length': 11 }, send: '0', hold: true });
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('TOO_LARGE');
    expect(over.headers.connection).toBe('close');
    // Even when all of it has arrived: the client is told it may not go on with this connection.
    // A handler that read the body and found it too large (a blob over the relay's size) closes too.
    const late = await ask(h.url, 'POST', '/read-then-too-large', { headers: { ...keepAlive, 'content-length': 2 }, send: '{}' });
    expect(late.status).toBe(413);
    expect(late.headers.connection).toBe('close');
    // Other routes are bound at JSON_BODY_LIMIT.
    const big = await ask(h.url, 'POST', '/echo', { headers: { ...keepAlive, 'content-length': JSON_BODY_LIMIT + 1 }, send: '{', hold: true });
    expect(big.status).toBe(413);
    expect(h.reserved.map(([, n]) => n)).toEqual([10, 2]);
    expect(refusalCounts(h.ctx, 0)).toEqual({ TOO_LARGE: 3 });
  });

  it('a spent body budget (relay-wide or for this address) is 503 with Retry-After, and closes', async () => {
    const h = await startHarness(routes);
    for (const refuse of ['relay', 'source'] as const) {
      h.refuse = refuse;
      const r = await ask(h.url, 'POST', '/echo', { headers: { ...keepAlive, 'content-length': 100 }, send: '{', hold: true });
      expect(r.status, refuse).toBe(503);
      expect(r.body.error.code).toBe('UNAVAILABLE');
      expect(r.headers['retry-after']).toBe('5');
      expect(r.headers.connection).toBe('close');
    }
    expect(h.internalErrors).toEqual([]);
  });

  it('the body deadline is for the body only: a handler slower than it still answers', async () => {
    const h = await startHarness(routes, { bodyTimeoutMs: 200 });
    const r = await ask(h.url, 'POST', '/slow', { headers: { ...keepAlive, 'content-length': 7 }, send: '{"s":1}' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ s: 1 });
  });

  it('a body that stops half way gets a 408 at the body deadline, and the socket is destroyed', async () => {
    const h = await startHarness(routes, { bodyTimeoutMs: 200 });
    const out = await rawExchange(h.port, 'POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"a":');
    expect(out).toMatch(/^HTTP\/1\.1 408 /);
    expect(out).toContain('"code":"TIMEOUT"');
    // The budget it held is given back once the connection is gone.
    await expect.poll(() => h.released.count).toBe(1);
  });
});
