/**
 * @module tls.test
 * With --tls-cert/--tls-key the one port serves HTTPS and WSS.
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import WebSocket from 'ws';
import { expect, it } from 'vitest';
import { startTestRelay } from './support/testRelay.ts';
import { haveOpenssl, selfSignedCert } from './support/selfSignedCert.ts';

it.runIf(haveOpenssl())('serves HTTPS and WSS on one port', async () => {
  const { cert, key } = selfSignedCert();
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
