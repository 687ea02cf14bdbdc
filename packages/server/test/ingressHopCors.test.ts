/**
 * @module ingressHopCors.test
 * The ingress hop and the relay's announcement of it, from the attacker's side (issue 12):
 * another site tries to use the hop from its visitors' browsers (preflight and plain POST), or
 * to get a cookie-bearing answer; and an operator's `--ingress-url` tries to widen the web
 * app's Content-Security-Policy beyond the hop's origin, or to send the app over plain http.
 * The relay's own web app, listed with `--allow-origin`, gets through and reads its answers.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encapsulateRequest } from '@hardline/protocol/ohttp';
import { BIN } from '../../../test/support/cliHarness.ts';
import { startIngressHop, type IngressHopHandle } from '../src/ingress/ingressHop.ts';
import { startRelay } from '../src/startRelay.ts';
import { gatewayConfig, innerBytes } from './support/ohttpClient.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';

type Raw = { status: number; headers: IncomingHttpHeaders; body: Buffer };

function raw(url: string, method: string, headers: Record<string, string>, body?: Uint8Array): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const corsHeaders = (h: IncomingHttpHeaders) => Object.keys(h).filter((k) => k.startsWith('access-control-'));

let relay: TestRelay;
let hop: IngressHopHandle;
let app: string;
/** What left the hop for the relay: each request's content type. */
const upstream: string[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
  app = new URL(relay.url).origin;
  hop = await startIngressHop({
    target: relay.url,
    port: 0,
    allowOrigins: [app],
    upstream: (send) => (url, body, type, timeout) => {
      upstream.push(type);
      return send(url, body, type, timeout);
    },
  });
});
afterAll(async () => {
  await hop?.close();
});

async function encapsulated(): Promise<Uint8Array> {
  const { encapsulated } = await encapsulateRequest(await gatewayConfig(relay.url), innerBytes({ method: 'GET', path: '/v1/tokens/claim/key' }));
  return new Uint8Array(encapsulated);
}

describe('the hop answers CORS for the web apps it lists, and for no one else', () => {
  it('answers the relay app\'s preflight for POST with content-type, without credentials', async () => {
    const r = await raw(hop.url, 'OPTIONS', { origin: app, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe(app);
    expect(r.headers['access-control-allow-methods']).toBe('POST');
    expect(r.headers['access-control-allow-headers']).toBe('content-type');
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    expect(r.headers.vary).toBe('Origin');
  });

  it('gives another site\'s preflight no CORS header, whatever it asks', async () => {
    for (const [origin, method, headers] of [
      ['https://evil.example', 'POST', 'content-type'],
      ['null', 'POST', 'content-type'],
      [`${app}.evil.example`, 'POST', 'content-type'],
      [app.replace('http:', 'https:'), 'POST', 'content-type'],
      // The listed app, asking for more than an encapsulated request needs.
      [app, 'PUT', 'content-type'],
      [app, 'POST', 'content-type, x-client-id'],
      [app, 'POST', 'cookie'],
    ] as const) {
      const r = await raw(hop.url, 'OPTIONS', { origin, 'access-control-request-method': method, 'access-control-request-headers': headers });
      expect(r.status, `${origin} ${method} ${headers}`).toBe(403);
      expect(corsHeaders(r.headers), `${origin} ${method} ${headers}`).toEqual([]);
    }
  });

  it('lets the relay\'s app read what it posted, without credentials', async () => {
    const before = upstream.length;
    const r = await raw(hop.url, 'POST', { origin: app, 'content-type': 'message/ohttp-req', cookie: 'hop=1' }, await encapsulated());
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('message/ohttp-res');
    expect(r.headers['access-control-allow-origin']).toBe(app);
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(upstream.length).toBe(before + 1);
  });

  it('passes the app\'s Origin, cookie and user agent on to no one (RFC 9458 §6.2)', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const target = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"CRYPTO","message":"x"}}'));
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const hidden = await startIngressHop({ target: `http://127.0.0.1:${(target.address() as AddressInfo).port}`, port: 0, allowOrigins: [app] });
    try {
      const r = await raw(hidden.url, 'POST', { origin: app, 'content-type': 'message/ohttp-req', cookie: 'id=alice', 'user-agent': 'alice-phone' }, new Uint8Array(64));
      expect(r.status).toBe(400);
      expect(r.headers['access-control-allow-origin']).toBe(app);
      expect(Object.keys(seen[0]!).sort()).toEqual(['connection', 'content-length', 'content-type', 'host']);
    } finally {
      await hidden.close();
      target.close();
    }
  });

  it('forwards nothing for another site, and a refusal to the listed app still carries its CORS header', async () => {
    const before = upstream.length;
    const evil = await raw(hop.url, 'POST', { origin: 'https://evil.example', 'content-type': 'message/ohttp-req' }, await encapsulated());
    expect(evil.status).toBe(403);
    expect(corsHeaders(evil.headers)).toEqual([]);
    expect(upstream.length).toBe(before);
    // The app must tell a refusal (a stale key, a full hop) from a dead hop: it can read this one.
    const wrongType = await raw(hop.url, 'POST', { origin: app, 'content-type': 'text/plain' }, new Uint8Array(8));
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers['access-control-allow-origin']).toBe(app);
  });

  it('serves a client with no Origin (the CLI) as before, with no CORS header', async () => {
    const r = await raw(hop.url, 'POST', { 'content-type': 'message/ohttp-req' }, await encapsulated());
    expect(r.status).toBe(200);
    expect(corsHeaders(r.headers)).toEqual([]);
  });

  it('answers no browser at all when no origin is listed', async () => {
    const bare = await startIngressHop({ target: relay.url, port: 0 });
    try {
      const r = await raw(bare.url, 'OPTIONS', { origin: app, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
      expect(r.status).toBe(403);
      expect(corsHeaders(r.headers)).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('refuses at start an origin list that would let any site in', async () => {
    for (const bad of ['*', 'null', 'http://relay.example.org', 'https://relay.example.org/app', 'https://relay.example.org?x', 'relay.example.org', 'https://[::1]']) {
      await expect(startIngressHop({ target: relay.url, port: 0, allowOrigins: [bad] }), bad).rejects.toMatchObject({ code: 'VALIDATION' });
    }
  });
});

describe('the relay names the hop to its web app, and lets the page reach that origin alone', () => {
  let webRoot: string;
  beforeAll(() => {
    webRoot = join(tmpDir('hardline-hop-app-'), 'dist');
    mkdirSync(webRoot, { recursive: true });
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>app</title>');
  });

  const connectSrc = (r: Raw) => /connect-src ([^;]*)/.exec(String(r.headers['content-security-policy']))?.[1];

  it('adds exactly the hop\'s origin to connect-src and announces the hop in /v1/org', async () => {
    const withHop = await startTestRelay({ webRoot, ingressUrl: 'https://hop.example.net/v1/ohttp' });
    const page = await raw(`${withHop.url}/`, 'GET', {});
    expect(connectSrc(page)).toBe(`'self' ws://${new URL(withHop.url).host} https://hop.example.net`);
    const org = JSON.parse((await raw(`${withHop.url}/v1/org`, 'GET', {})).body.toString('utf8'));
    expect(org.ingress).toBe('https://hop.example.net/v1/ohttp');
  });

  it('adds nothing without a hop, and announces none', async () => {
    const plain = await startTestRelay({ webRoot });
    const page = await raw(`${plain.url}/`, 'GET', {});
    expect(connectSrc(page)).toBe(`'self' ws://${new URL(plain.url).host}`);
    const org = JSON.parse((await raw(`${plain.url}/v1/org`, 'GET', {})).body.toString('utf8'));
    expect(org.ingress).toBeNull();
  });

  it('refuses a hop URL that is plain http off loopback, or that would write into the policy', async () => {
    for (const bad of [
      'http://hop.example.net',
      'ftp://hop.example.net',
      'not a url',
      // A host the URL parser lets through but a CSP reads as more sources or a new directive.
      'https://hop.example.net;script-src',
      'https://hop,evil.example',
      "https://hop'unsafe-inline'.example",
      'https://hop*.example',
      'https://[::1]:8090',
      'https://user:pass@hop.example.net',
      'https://hop.example.net/somewhere',
      'https://hop.example.net/?x=1',
    ]) {
      await expect(startRelay({ port: 0, dataDir: tmpDir(), ingressUrl: bad, webRoot }), bad).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    const loopback = await startTestRelay({ webRoot, ingressUrl: 'http://127.0.0.1:8090' });
    expect(connectSrc(await raw(`${loopback.url}/`, 'GET', {}))).toContain(' http://127.0.0.1:8090');
  });

  it('the CLI refuses a bad --ingress-url and a bad --allow-origin with a usage error', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let err = '';
        child.stderr!.on('data', (d) => (err += d));
        child.once('exit', (code) => resolve({ code, err }));
      });
    const server = await run(['server', '--port', '0', '--data', join(tmpDir(), 'd'), '--turn', 'off', '--push', 'off', '--ingress-url', 'http://hop.example.net']);
    expect(server.code).toBe(2);
    expect(server.err).toContain('--ingress-url');
    const ingress = await run(['ingress', '--target', 'http://127.0.0.1:9', '--port', '0', '--allow-origin', '*']);
    expect(ingress.code).toBe(2);
    expect(ingress.err).toContain('--allow-origin');
  }, 60_000);
});
