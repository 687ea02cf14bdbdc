/**
 * @module ingressHopTls.test
 * The hop's per-address limit is only fair if the hop sees each client's own address. The README
 * used to put the hop behind a TLS proxy, where every request carries the proxy's address: one
 * stranger sending junk at 10 a second (or a few dozen apps at `strict`) then used up the one
 * shared budget and every web app's posts, claims and TURN purchases were refused. The hop now
 * terminates TLS itself (`--tls-cert`/`--tls-key`). Played here: a stranger at 127.0.0.2 spends
 * his budget over HTTPS; a client at 127.0.0.3 is still served. (Loopback answers the whole
 * 127/8, so two source addresses need no network.)
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startIngressHop, type IngressHopHandle } from '../src/ingress/ingressHop.ts';
import { haveOpenssl, selfSignedCert } from './support/selfSignedCert.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let hop: IngressHopHandle;
let ca: Buffer;

beforeAll(async () => {
  if (!haveOpenssl()) return;
  const { cert, key } = selfSignedCert();
  ca = readFileSync(cert);
  relay = await startTestRelay();
  hop = await startIngressHop({ target: relay.url, port: 0, tlsCert: cert, tlsKey: key, limits: { perAddressPerMinute: 3 } });
});
afterAll(async () => {
  await hop?.close();
  await relay?.close();
});

/** A junk encapsulated request from `from`; the status the hop answers with. */
function post(from: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${hop.url}/`, { method: 'POST', ca, localAddress: from, headers: { 'content-type': 'message/ohttp-req' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(Buffer.alloc(64, 7));
  });
}

it.runIf(haveOpenssl())('serves HTTPS itself, and one address spending its budget leaves another served', async () => {
  expect(hop.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const stranger = [];
  for (let i = 0; i < 5; i++) stranger.push(await post('127.0.0.2'));
  // Junk reaches the relay's gateway, which cannot open it; past the budget the hop refuses.
  expect(stranger.slice(0, 3).every((s) => s !== 429)).toBe(true);
  expect(stranger.slice(3)).toEqual([429, 429]);
  expect(await post('127.0.0.3')).not.toBe(429);
});

it('refuses a certificate without its key, before listening', async () => {
  await expect(startIngressHop({ target: 'http://127.0.0.1:1', port: 0, tlsCert: '/nonexistent.pem' })).rejects.toMatchObject({ code: 'USAGE' });
});
