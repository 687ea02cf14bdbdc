/**
 * @module tls.test
 * With --tls-cert/--tls-key the one port serves HTTPS and WSS.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import WebSocket from 'ws';
import { expect, it } from 'vitest';
import { startTestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

it.runIf(haveOpenssl())('serves HTTPS and WSS on one port', async () => {
  const dir = tmpDir();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const relay = await startTestRelay({ tlsCert: cert, tlsKey: key });
  expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const ca = readFileSync(cert);
  const body = await new Promise<string>((resolve, reject) => {
    get(`${relay.url}/v1/org`, { ca }, (res) => {
      let s = '';
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve(s));
    }).on('error', reject);
  });
  expect(JSON.parse(body).ciphersuite).toBeTypeOf('string');
  const ws = new WebSocket(`${relay.url.replace('https', 'wss')}/v1/inbox`, { ca });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send('{"type":"auth","token":"x"}');
  const code = await new Promise((resolve) => ws.once('close', resolve));
  expect(code).toBe(4401);
});
