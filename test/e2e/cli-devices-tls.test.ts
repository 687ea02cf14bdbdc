/**
 * Device linking and revocation through the CLI, a reused enrolment code, the X-Wing suite,
 * and the whole flow over HTTPS/WSS with the relay's --tls-cert/--tls-key.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../../packages/server/test/support/selfSignedCert.ts';
import { cli, BIN, invite, jsonLines, ok, startRelayProcess, tempDir, type RelayProcess } from '../support/cliHarness.ts';

let relay: RelayProcess;
const home = { alice: tempDir('alice'), alice2: tempDir('alice2'), bob: tempDir('bob') };
const h = (who: keyof typeof home) => ['--home', home[who]];

beforeAll(async () => {
  relay = await startRelayProcess();
}, 60_000);

afterAll(async () => {
  await relay?.stop();
});

describe('devices through the CLI', () => {
  it('refuses a code that was already used', async () => {
    const code = await invite(relay);
    await ok([...h('alice'), 'register', '--server', relay.url, '--code', code, '--handle', 'alice']);
    const again = await cli(['--home', tempDir('mallory'), 'register', '--server', relay.url, '--code', code, '--handle', 'mallory']);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/BAD_CODE/);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    await ok([...h('bob'), 'register', '--server', relay.url, '--code', await invite(relay), '--handle', 'bob']);
  }, 60_000);

  it('links a device, both receive and send, then revokes it', async () => {
    await ok([...h('alice'), 'send', 'bob', 'one']);
    await ok([...h('bob'), 'read']);
    const linkOut = await ok([...h('alice'), 'device', 'link']);
    const code = linkOut.trim().split('\n').at(-1)!;
    const joined = await ok([...h('alice2'), 'device', 'join', code, '--server', relay.url]);
    expect(joined).toMatch(/joined as alice/);
    // Until alice's first device certifies it, the new device is offered to nobody: bob's read
    // reports it as unverifiable.
    expect(jsonLines(await ok([...h('bob'), 'read', '--json']))).toContainEqual(expect.objectContaining({ warning: 'unverifiable-device', handle: 'alice' }));
    // The handshake: the device that made the code certifies the new one, which collects it.
    await ok([...h('alice'), 'read']);
    await ok([...h('alice2'), 'read']);
    expect(jsonLines(await ok([...h('bob'), 'read', '--json']))).toEqual([]);
    const devices = jsonLines(await ok([...h('alice'), 'device', 'list', '--json']));
    expect(devices).toHaveLength(2);
    const second = devices.find((d) => !d.current)!;

    await ok([...h('bob'), 'send', 'alice', 'to every device of alice']);
    expect(jsonLines(await ok([...h('alice'), 'read', '--json'])).map((m) => m.text)).toEqual(['to every device of alice']);
    expect(jsonLines(await ok([...h('alice2'), 'read', '--json'])).map((m) => m.text)).toEqual(['to every device of alice']);
    await ok([...h('alice2'), 'send', 'bob', 'from the linked device']);
    expect(jsonLines(await ok([...h('bob'), 'read', '--json'])).map((m) => [m.from, m.text])).toEqual([['alice', 'from the linked device']]);

    await ok([...h('alice'), 'device', 'revoke', second.deviceId!]);
    await ok([...h('bob'), 'send', 'alice', 'after the revocation']);
    expect(jsonLines(await ok([...h('alice'), 'read', '--json'])).map((m) => m.text)).toContain('after the revocation');
    const revoked = await cli([...h('alice2'), 'read', '--json']);
    expect(revoked.code).toBe(4);
    expect(revoked.stderr).toMatch(/revoked/i);
    expect(revoked.stdout).not.toMatch(/after the revocation/);
  }, 180_000);
});

describe('verifying a contact through the CLI', () => {
  it('shows the safety number, marks a contact verified only with the right digits, and contacts list shows the mark', async () => {
    const number = (await ok([...h('alice'), 'verify', 'bob'])).trim();
    expect(number).toMatch(/^(\d{5} ){11}\d{5}$/);
    // Bob's side computes the same number from the two identity keys.
    expect((await ok([...h('bob'), 'verify', 'alice'])).trim()).toBe(number);
    const wrong = await cli([...h('alice'), 'verify', 'bob', '--number', '00000 '.repeat(12)]);
    expect(wrong.code).toBe(6);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    await ok([...h('alice'), 'contacts', 'add', 'bob', '--name', 'Bob']);
    expect(jsonLines(await ok([...h('alice'), 'contacts', 'list', '--json']))).toEqual([{ handle: 'bob', name: 'Bob', verified: false }]);
    expect(await ok([...h('alice'), 'verify', 'bob', '--number', number])).toMatch(/bob is verified/);
    expect(jsonLines(await ok([...h('alice'), 'contacts', 'list', '--json']))).toEqual([{ handle: 'bob', name: 'Bob', verified: true }]);
    expect((await cli([...h('alice'), 'verify'])).code).toBe(2);
    expect((await cli([...h('alice'), 'verify', 'nobody-here'])).code).toBe(3);
  }, 120_000);
});

describe('X-Wing and TLS', () => {
  it('runs the whole flow over https/wss with the post-quantum suite', async () => {
    const dir = tempDir('tls');
    const { cert, key } = selfSignedCert(dir, 'DNS:localhost,IP:127.0.0.1');
    const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data', join(dir, 'data'), '--tls-cert', cert, '--tls-key', key, '--suite', 'MLS_256_XWING_AES256GCM_SHA512_Ed25519', '--turn', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      for (let i = 0; i < 300 && !/admin token/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      const url = /listening on (\S+)/.exec(out)![1]!;
      expect(url).toMatch(/^https:\/\//);
      const token = /admin token: (\S+)/.exec(out)![1]!;
      const env = { NODE_EXTRA_CA_CERTS: cert };
      const run = async (args: string[]) => {
        const r = await cli(args, { env });
        if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
        return r.stdout;
      };
      const code = (await run(['admin', 'invite', '--server', url, '--token', token])).trim().split('\n').at(-1)!;
      const code2 = (await run(['admin', 'invite', '--server', url, '--token', token])).trim().split('\n').at(-1)!;
      const a = tempDir('pq-a');
      const b = tempDir('pq-b');
      await run(['--home', a, 'register', '--server', url, '--code', code, '--handle', 'alice']);
      await run(['--home', b, 'register', '--server', url, '--code', code2, '--handle', 'bob']);
      await run(['--home', a, 'send', 'bob', 'post-quantum over tls']);
      expect(jsonLines(await run(['--home', b, 'read', '--json'])).map((m) => m.text)).toEqual(['post-quantum over tls']);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
