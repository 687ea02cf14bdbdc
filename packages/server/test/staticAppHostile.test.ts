/**
 * The served web app, at the edges staticAppHeaders.test.ts leaves: the ingress hop's origin
 * is the one other place connect-src names (and only when the operator named a hop), a Host
 * that is a host with text after it widens nothing, a folder is not a file, a query string is
 * not part of the path, and each kind of file goes out under its own type (a browser sniffing
 * a type is how an upload becomes a script).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../src/http/staticApp.ts';
import { startHarness, type Harness } from './support/handlerHarness.ts';
import { tmpDir } from './support/tmpDir.ts';

let app: Harness;
let hopped: Harness;
beforeAll(async () => {
  const root = join(tmpDir('hardline-static-hostile-'), 'dist');
  mkdirSync(join(root, 'assets', 'folder.js'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  for (const f of ['a.css', 'a.svg', 'a.png', 'a.webmanifest', 'a.json', 'a.txt', 'a.woff2', 'a.wasm', 'noext']) writeFileSync(join(root, f), 'x');
  app = await startHarness([], { webApp: { root, tls: false } });
  hopped = await startHarness([], { webApp: { root, tls: true, ingressOrigin: 'https://hop.example.org' } });
});

function get(h: Harness, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(h.url), { path, headers: { host: `localhost:${h.port}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the served app', () => {
  it('connect-src names the ingress hop only when there is one', async () => {
    expect(contentSecurityPolicy('localhost:1', false, 'https://hop.example.org')).toContain("connect-src 'self' ws://localhost:1 https://hop.example.org; ");
    expect(contentSecurityPolicy(undefined, false, 'https://hop.example.org')).toContain("connect-src 'self' https://hop.example.org; ");
    expect(contentSecurityPolicy('localhost:1', false, '')).toContain("connect-src 'self' ws://localhost:1; ");
    expect((await get(hopped, '/')).headers['content-security-policy']).toContain(`connect-src 'self' wss://localhost:${hopped.port} https://hop.example.org; `);
    expect((await get(app, '/')).headers['content-security-policy']).toContain(`connect-src 'self' ws://localhost:${app.port}; `);
  });

  it('a Host with anything before or after a host name adds nothing to connect-src', () => {
    for (const host of ['evil.example/x', 'x evil.example', 'evil.example:80/x', '[::1]x', 'x[::1]', '[::1]:80 x', 'a.example:', 'a.example:123456']) {
      expect(contentSecurityPolicy(host, false), host).toContain("connect-src 'self'; ");
    }
    expect(contentSecurityPolicy('A.Example:8', false)).toContain("connect-src 'self' ws://A.Example:8; ");
    expect(contentSecurityPolicy('[fe80::1]', false)).toContain("connect-src 'self' ws://[fe80::1]; ");
  });

  it('a folder is not a file, and a query string is not part of the path', async () => {
    expect((await get(app, '/assets/folder.js')).status).toBe(404);
    expect((await get(app, '/assets')).status).toBe(404);
    const q = await get(app, '/a.css?v=1/../../secret');
    expect(q.status).toBe(200);
    expect(q.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(app, '/?x=1')).headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('each file goes out under its own type, anything unknown as bytes', async () => {
    const types: Record<string, string> = {
      '/a.css': 'text/css; charset=utf-8',
      '/a.svg': 'image/svg+xml',
      '/a.png': 'image/png',
      '/a.webmanifest': 'application/manifest+json',
      '/a.json': 'application/json',
      '/a.txt': 'text/plain; charset=utf-8',
      '/a.woff2': 'font/woff2',
      '/a.wasm': 'application/octet-stream',
      '/noext': 'application/octet-stream',
    };
    for (const [path, type] of Object.entries(types)) {
      const r = await get(app, path);
      expect(r.headers['content-type'], path).toBe(type);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cache-control'], path).toBe('no-cache');
    }
  });
});
