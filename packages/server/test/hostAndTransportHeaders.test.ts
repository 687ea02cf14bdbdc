/**
 * @module hostAndTransportHeaders.test
 * DNS rebinding from the attacker's side: a hostile page whose own name now points at the
 * relay sends requests (API, app, WebSocket) with its Host. The relay answers only to the
 * names it was given (default: its listening host and the loopback names), with 421 for any
 * other and 400 for none, and never copies the Host header into a response. Over TLS every
 * response carries HSTS; over plain http none does.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { defaultAllowedHosts } from '../src/http/allowedHosts.ts';
import { selfSignedCert } from './support/selfSignedCert.ts';
import { startTestRelay } from './support/testRelay.ts';

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

function get(url: string, path: string, host: string, ca?: Buffer): Promise<Reply> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers: { host }, ...(ca ? { ca } : {}) }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes, for what a browser would never send (no Host) and for a WebSocket upgrade. */
function raw(url: string, text: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => s.write(text));
    let out = '';
    s.on('data', (c) => (out += c));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('allowed hosts', () => {
  it('answers its own names and refuses a rebound one on the API, the app and WebSockets', async () => {
    const relay = await startTestRelay();
    const port = new URL(relay.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, `[::1]:${port}`]) {
      expect((await get(relay.url, '/v1/org', host)).status, host).toBe(200);
    }
    for (const path of ['/v1/org', '/', '/index.html', '/no-such-thing']) {
      const r = await get(relay.url, path, `attacker.example:${port}`);
      expect(r.status, path).toBe(421);
      expect(JSON.parse(r.body).error.code).toBe('MISDIRECTED');
      expect(JSON.stringify(r.headers)).not.toContain('attacker.example');
    }
    const upgrade = await raw(
      relay.url,
      `GET /v1/inbox HTTP/1.1\r\nHost: attacker.example:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 421 /);
    const noHost = await raw(relay.url, 'GET /v1/org HTTP/1.0\r\n\r\n');
    expect(noHost).toMatch(/^HTTP\/1\.[01] 400 /);
  });

  it('answers only the names the operator gave, when given', async () => {
    const relay = await startTestRelay({ allowedHosts: ['hardline.example.org'] });
    expect((await get(relay.url, '/v1/org', 'hardline.example.org')).status).toBe(200);
    expect((await get(relay.url, '/v1/org', 'Hardline.Example.Org:443')).status).toBe(200);
    expect((await get(relay.url, '/v1/org', 'localhost')).status).toBe(421);
    expect((await get(relay.url, '/v1/org', 'hardline.example.org.attacker.example')).status).toBe(421);
  });

  it('defaults to the listening host and the loopback names, and to loopback only on a wildcard', () => {
    expect(defaultAllowedHosts('relay.internal')).toEqual(['relay.internal', 'localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('::1')).toEqual(['[::1]', 'localhost', '127.0.0.1']);
    expect(defaultAllowedHosts('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });
});

describe('HSTS', () => {
  it('is sent on every response over TLS and never over plain http', async () => {
    const { cert, key } = selfSignedCert();
    const tls = await startTestRelay({ tlsCert: cert, tlsKey: key });
    const ca = readFileSync(cert);
    const host = new URL(tls.url).host;
    for (const path of ['/v1/org', '/', '/no-such-thing']) {
      expect((await get(tls.url, path, host, ca)).headers['strict-transport-security'], path).toBe('max-age=31536000');
    }
    const plain = await startTestRelay();
    for (const path of ['/v1/org', '/', '/no-such-thing']) {
      expect((await get(plain.url, path, new URL(plain.url).host)).headers['strict-transport-security'], path).toBeUndefined();
    }
  });
});
