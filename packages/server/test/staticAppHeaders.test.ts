/**
 * The web app's files from a hostile browser's or client's side: the exact Content-Security-Policy
 * (so an injected script can load nothing and send nowhere else), a Host header that tries to
 * widen connect-src, paths that climb out of the app's folder, and API paths that must never be
 * answered from disk.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../src/http/staticApp.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';

let relay: TestRelay;
let secretDir: string;
beforeAll(async () => {
  const base = tmpDir('hardline-static-');
  const webRoot = join(base, 'dist');
  mkdirSync(join(webRoot, 'assets'), { recursive: true });
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(webRoot, 'assets', 'app-1234.js'), 'export {};');
  writeFileSync(join(webRoot, 'sw.js'), 'self;');
  // A file beside the app's folder, sharing its name as a prefix: must stay out of reach.
  secretDir = join(base, 'dist-secret');
  mkdirSync(secretDir);
  writeFileSync(join(secretDir, 'key.txt'), 'SECRET');
  writeFileSync(join(base, 'outside.txt'), 'SECRET');
  relay = await startTestRelay({ webRoot });
});

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A request with the path exactly as written (fetch would normalise `..` away). */
function raw(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(relay.url), { method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self' ws://HOST; " +
  "manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

describe('static app headers', () => {
  it('serves the page under the exact policy, isolation and no framing', async () => {
    const host = new URL(relay.url).host;
    const r = await raw('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>app</title>');
    expect(r.headers).toMatchObject({
      'content-security-policy': POLICY.replace('HOST', host),
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'permissions-policy': 'camera=(self), microphone=(self), geolocation=(), payment=(), usb=()',
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
    });
  });

  it('uses wss under TLS, and reflects no Host header that is not a plain host', () => {
    expect(contentSecurityPolicy('chat.example.org:8443', true)).toContain("connect-src 'self' wss://chat.example.org:8443;");
    expect(contentSecurityPolicy('[::1]:8080', false)).toContain("connect-src 'self' ws://[::1]:8080;");
    for (const hostile of ['evil.example; script-src *', 'a b', "x.org 'unsafe-inline'", 'x.org:123456', '']) {
      expect(contentSecurityPolicy(hostile, false), hostile).toContain("connect-src 'self'; ");
    }
    expect(contentSecurityPolicy(undefined, true)).toContain("connect-src 'self'; ");
  });

  it('caches hashed assets for good and revalidates the rest; HEAD sends no body', async () => {
    const js = await raw('/assets/app-1234.js');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await raw('/sw.js')).headers['cache-control']).toBe('no-cache');
    const head = await raw('/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String('<!doctype html><title>app</title>'.length));
    expect(head.body).toBe('');
  });

  it('never serves a file outside the app folder, however the path is spelt', async () => {
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/..%2foutside.txt', '/../dist-secret/key.txt', '/%2e%2e%2fdist-secret%2fkey.txt', '/assets/../../outside.txt', '/index.html%00', '/%E0%A4%A']) {
      const r = await raw(path);
      expect(r.body, path).not.toContain('SECRET');
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.body).error.code).toBe('NOT_FOUND');
    }
  });

  it('leaves /v1/ to the API and other methods to the router', async () => {
    expect((await raw('/v1/org')).headers['content-security-policy']).toBeUndefined();
    const post = await raw('/', 'POST');
    expect(post.status).toBe(404);
    expect(post.headers['content-security-policy']).toBeUndefined();
  });
});
