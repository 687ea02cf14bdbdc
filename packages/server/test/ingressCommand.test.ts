/**
 * @module ingressCommand.test
 * `hardline ingress` as a hop operator runs it: it forwards an encapsulated request to the
 * relay and back, says nothing about the request on stderr, and refuses a missing target. And
 * what leaves the hop: nothing of the client's request but its encapsulated body.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { BIN } from '../../../test/support/cliHarness.ts';
import { startIngressHop } from '../src/ingress/ingressHop.ts';
import { gatewayConfig, throughHop } from './support/ohttpClient.ts';
import { startTestRelay } from './support/testRelay.ts';
import { spawnListening } from './support/cliProcess.ts';

it('forwards through the CLI hop and logs counts only', async () => {
  const relay = await startTestRelay();
  const { child, url, stderr } = await spawnListening(BIN, ['ingress', '--target', relay.url, '--port', '0']);
  try {
    const startup = stderr();
    const r = await throughHop(url, await gatewayConfig(relay.url), { method: 'GET', path: '/v1/tokens/claim/key' });
    expect(r.status).toBe(200);
    expect(r.body.publicKey).toEqual(expect.any(String));
    expect(stderr()).toBe(startup);
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    expect(stderr()).toContain('1 forwarded');
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}, 60_000);

it('refuses to start without a target', async () => {
  const child = spawn(process.execPath, [BIN, 'ingress', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  expect(await new Promise((r) => child.once('exit', r))).toBe(2);
  expect(err).toContain('--target');
}, 60_000);

it('passes on no header of the client: no address, no user agent, no cookie', async () => {
  const seen: IncomingHttpHeaders[] = [];
  const target = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"CRYPTO","message":"x"}}'));
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const hop = await startIngressHop({ target: `http://127.0.0.1:${(target.address() as AddressInfo).port}`, port: 0 });
  try {
    const r = await fetch(hop.url, {
      method: 'POST',
      headers: { 'content-type': 'message/ohttp-req', 'user-agent': 'alice-phone/1.0', cookie: 'id=alice', 'x-forwarded-for': '10.1.2.3', forwarded: 'for=10.1.2.3', 'accept-language': 'fr' },
      body: new Uint8Array(64),
    });
    expect(r.status).toBe(400);
    expect(Object.keys(seen[0]!).sort()).toEqual(['connection', 'content-length', 'content-type', 'host']);
    expect(JSON.stringify(seen)).not.toMatch(/alice|10\.1\.2\.3|fr/);
  } finally {
    await hop.close();
    target.close();
  }
});
