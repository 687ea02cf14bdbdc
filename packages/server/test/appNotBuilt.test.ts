/**
 * @module appNotBuilt.test
 * A relay whose web app is not built says so: a warning in its log at start, and at `/` a
 * small page (503) that says how to build it, under the same CSP and cross-origin isolation
 * as the app. Building while the relay runs is picked up without a restart.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startTestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';

it('serves a how-to-build page at / and warns at start when the web app is not built', async () => {
  const webRoot = tmpDir('hardline-web-');
  const relay = await startTestRelay({ webRoot });
  expect(relay.logs.join('\n')).toMatch(/warning: the web app is not built.*npm run build.*npm start/);

  for (const path of ['/', '/index.html']) {
    const res = await fetch(relay.url + path);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('npm run build');
    expect(html).toContain('npm start');
    // Anyone can load this page: it names no path on the relay's host.
    expect(html).not.toContain(webRoot);
  }
  const head = await fetch(relay.url, { method: 'HEAD' });
  expect(head.status).toBe(503);
  expect(await head.text()).toBe('');

  // Other paths are still the API's, and the API works.
  expect((await fetch(`${relay.url}/assets/app.js`)).status).toBe(404);
  expect((await fetch(`${relay.url}/v1/org`)).status).toBe(200);

  // `npm run build` while the relay runs: the next load gets the app.
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Hardline</title>');
  const built = await fetch(relay.url);
  expect(built.status).toBe(200);
  expect(await built.text()).toContain('<title>Hardline</title>');
});

it('a relay without a web app (webRoot: false) neither warns nor serves the page', async () => {
  const relay = await startTestRelay({ webRoot: false });
  expect(relay.logs.join('\n')).not.toContain('not built');
  const res = await fetch(relay.url);
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toBe('application/json');
});
