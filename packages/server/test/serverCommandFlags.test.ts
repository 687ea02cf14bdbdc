/**
 * @module serverCommandFlags.test
 * `hardline server` as an operator runs it: a data folder left world-readable, the TURN secret
 * in a file, and the relay's public name in --allowed-hosts. The folder is fixed and stderr
 * says so; the secret is on no command line; only the named host is answered.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { BIN } from '../../../test/support/cliHarness.ts';
import { findTurnserver } from '../src/index.ts';
import { spawnListening } from './support/cliProcess.ts';
import { haveOpenssl, selfSignedCert } from './support/selfSignedCert.ts';
import { tmpDir } from './support/tmpDir.ts';

function statusFor(url: string, host: string): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: '/v1/org', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

it('tightens a loose data folder, takes the TURN secret from a file and answers only --allowed-hosts', async () => {
  const dir = tmpDir();
  const data = join(dir, 'data');
  mkdirSync(data);
  chmodSync(data, 0o755);
  const secret = randomBytes(24).toString('base64url');
  const secretFile = join(dir, 'turn-secret');
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  const { child, url, stderr } = await spawnListening(BIN, ['server', '--port', '0', '--data', data, '--turn-url', 'turn:127.0.0.1:3478?transport=udp', '--turn-secret-file', secretFile, '--allowed-hosts', 'hardline.example.org,127.0.0.1']);
  try {
    const err = stderr();
    expect(err).toContain(`data folder ${data} had mode 0755; changed to 0700`);
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(readFileSync(`/proc/${child.pid}/cmdline`).includes(Buffer.from(secret))).toBe(false);
    expect(err).not.toContain(secret);
    expect(await statusFor(url, 'hardline.example.org')).toBe(200);
    expect(await statusFor(url, new URL(url).host)).toBe(200);
    expect(await statusFor(url, 'localhost')).toBe(421);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}, 60_000);

it('refuses --allowed-hosts with a port or junk in it', async () => {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data', join(tmpDir(), 'd'), '--turn', 'off', '--allowed-hosts', 'relay.example.org:443'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise((r) => child.once('exit', r));
  expect(code).toBe(2);
  expect(err).toContain('--allowed-hosts takes host names');
}, 60_000);

/** `hardline server ARGS` that must refuse to start: its exit code and stderr. */
async function refused(args: string[]): Promise<{ code: unknown; err: string }> {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data', join(tmpDir(), 'd'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise((r) => child.once('exit', r));
  return { code, err };
}

it('refuses TURN transport flags that cannot be honoured, before anything starts', async () => {
  // TLS needs the certificate; a transport other than tls or udp is a typo.
  expect(await refused(['--turn-transport', 'tls'])).toMatchObject({ code: 2, err: expect.stringContaining('--turn-transport tls needs the certificate') });
  expect(await refused(['--turn-transport', 'dtls'])).toMatchObject({ code: 2, err: expect.stringContaining('--turn-transport is tls or udp') });
  // A name for TLS that TURN over UDP would never use; an external TURN gets its URLs as given.
  expect(await refused(['--turn-host', 'turn.example.org'])).toMatchObject({ code: 2, err: expect.stringContaining('--turn-host goes with TURN over TLS') });
  expect(await refused(['--turn-url', 'turn:turn.example.org:3478', '--turn-secret', 'x'.repeat(32), '--turn-transport', 'tls'])).toMatchObject({
    code: 2,
    err: expect.stringContaining('with --turn-url, give turns: URLs instead'),
  });
}, 60_000);

/**
 * `hardline server` with a certificate for `san` and `args`, stopped once it has said where calls
 * are relayed: what it said on stderr.
 */
async function startupLog(san: string, args: string[]): Promise<string> {
  const { cert, key } = selfSignedCert(tmpDir(), san);
  const { child, stderr } = await spawnListening(BIN, ['server', '--port', '0', '--data', join(tmpDir(), 'd'), '--tls-cert', cert, '--tls-key', key, ...args]);
  try {
    for (let i = 0; i < 100 && !stderr().includes('calls are relayed'); i++) await new Promise((r) => setTimeout(r, 100));
    return stderr();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

it.skipIf(!haveOpenssl() || !findTurnserver())('with --tls-cert, starts its coturn on TLS only, at the name in --allowed-hosts, and says so', async () => {
  const log = await startupLog('DNS:localhost,IP:127.0.0.1', ['--allowed-hosts', 'localhost,127.0.0.1']);
  expect(log).toMatch(/calls are relayed through TURN at turns:localhost:\d+\?transport=tcp \(coturn started by hardline/);
  expect(log).not.toContain('TURN is not over TLS only');
}, 60_000);

it('refuses a TURN-over-TLS name no device can reach or no URL can carry, before anything starts', async () => {
  const tls = ['--tls-cert', join(tmpDir(), 'cert.pem'), '--tls-key', join(tmpDir(), 'key.pem')];
  // --host 0.0.0.0 and no --allowed-hosts: "turns:0.0.0.0" would be handed to every device.
  expect(await refused([...tls, '--host', '0.0.0.0'])).toMatchObject({ code: 2, err: expect.stringContaining('needs the name devices reach it at') });
  expect(await refused([...tls, '--turn-host', '::'])).toMatchObject({ code: 2, err: expect.stringContaining('needs the name devices reach it at') });
  // A port in the name would end up in the URL twice; a label starting with a hyphen is no name.
  expect(await refused([...tls, '--turn-host', 'dead.beef:443'])).toMatchObject({ code: 2, err: expect.stringContaining('is not a host name or an IP address') });
  expect(await refused([...tls, '--turn-host=-turn.example.org'])).toMatchObject({ code: 2, err: expect.stringContaining('is not a host name or an IP address') });
}, 60_000);

it.skipIf(!haveOpenssl() || !findTurnserver())('puts an IPv6 --turn-host in brackets in the turns: URL', async () => {
  const log = await startupLog('IP:::1,IP:127.0.0.1', ['--turn-host', '::1']);
  expect(log).toMatch(/calls are relayed through TURN at turns:\[::1\]:\d+\?transport=tcp /);
}, 60_000);
