/**
 * The operator's side of the CLI: replacing the admin token on the relay's host while the
 * relay runs, giving the token to `admin invite` without putting it in argv, and
 * `hardline server` telling the operator when the web app is not built.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, startRelayProcess, tempDir, type RelayProcess } from '../support/cliHarness.ts';

let relay: RelayProcess;
/** Everything the relay process writes after it started. */
let relayOutput = '';

beforeAll(async () => {
  relay = await startRelayProcess();
  relay.child.stdout!.on('data', (d) => (relayOutput += d));
  relay.child.stderr!.on('data', (d) => (relayOutput += d));
}, 60_000);

afterAll(async () => {
  await relay?.stop();
});

const invite = (...args: string[]) => cli(['admin', 'invite', '--server', relay.url, ...args]);

describe('hardline admin token --rotate', () => {
  it('prints a new token once, on stdout only; the running relay takes it and refuses the old one', async () => {
    expect((await invite('--token', relay.adminToken)).code).toBe(0);

    const r = await cli(['admin', 'token', '--rotate', '--data', relay.dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    const token = r.stdout.trim();
    expect(r.stderr).toMatch(/old one no longer works/);
    expect(r.stderr).not.toContain(token);

    // No restart: the relay process reads the new hash on the next admin request.
    const old = await invite('--token', relay.adminToken);
    expect(old.code).toBe(4);
    expect(old.stderr).toMatch(/UNAUTHENTICATED/);
    expect((await invite('--token', token)).code).toBe(0);

    // A second rotation retires the first rotated token as well.
    const next = (await cli(['admin', 'token', '--rotate', '--data', relay.dataDir])).stdout.trim();
    expect((await invite('--token', token)).code).toBe(4);
    expect((await invite('--token', next)).code).toBe(0);

    // Never logged by the relay, and not kept in its files (only the hash is).
    expect(relayOutput).not.toContain(token);
    expect(relayOutput).not.toContain(next);
    const files = Buffer.concat(readdirSync(relay.dataDir).filter((f) => f.startsWith('relay.db')).map((f) => readFileSync(join(relay.dataDir, f))));
    expect(files.includes(Buffer.from(next))).toBe(false);
    relay.adminToken = next;
  }, 60_000);

  it('refuses bad use with a clear error and the right exit code, and creates nothing', async () => {
    const noData = await cli(['admin', 'token', '--rotate']);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/missing --data/);

    const noRotate = await cli(['admin', 'token', '--data', relay.dataDir]);
    expect(noRotate.code).toBe(2);
    expect(noRotate.stderr).toMatch(/cannot be shown again.*--rotate/);
    expect(noRotate.stdout).toBe('');

    expect((await cli(['admin', 'token', '--rotate', '--data', relay.dataDir, '--force'])).code).toBe(2);
    expect((await cli(['admin', 'tokens'])).code).toBe(2);

    // A directory that holds no relay: exit 3, and it is not turned into an empty relay.
    const empty = tempDir('no-relay');
    const notFound = await cli(['admin', 'token', '--rotate', '--data', empty]);
    expect(notFound.code).toBe(3);
    expect(notFound.stderr).toMatch(/no relay database in .*no-relay/);
    expect(readdirSync(empty)).toEqual([]);
    const missing = join(empty, 'typo');
    expect((await cli(['admin', 'token', '--rotate', '--data', missing])).code).toBe(3);
    expect(existsSync(missing)).toBe(false);

    // A file that is not a SQLite database: exit 7 (corrupt), not a stack trace.
    const junk = tempDir('junk-relay');
    writeFileSync(join(junk, 'relay.db'), 'this is not a database, just sixteen+ bytes of text');
    const corrupt = await cli(['admin', 'token', '--rotate', '--data', junk]);
    expect(corrupt.code).toBe(7);
    expect(corrupt.stderr.trim().split('\n')).toHaveLength(1);

    // The relay still answers to the token it had.
    expect((await invite('--token', relay.adminToken)).code).toBe(0);
  }, 60_000);
});

describe('the admin token outside argv (where `ps` would show it)', () => {
  it('is read from --token-file (trailing newline allowed) or $HARDLINE_ADMIN_TOKEN', async () => {
    const file = join(tempDir('token-file'), 'admin-token');
    writeFileSync(file, `${relay.adminToken}\n`, { mode: 0o600 });
    const fromFile = await invite('--token-file', file, '--handle', 'carol');
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(/enrolment code for carol/);

    const fromEnv = await cli(['admin', 'invite', '--server', relay.url], { env: { HARDLINE_ADMIN_TOKEN: relay.adminToken } });
    expect(fromEnv.code).toBe(0);

    // A wrong token in the file is refused like a wrong --token.
    writeFileSync(file, 'not-the-token\n');
    expect((await invite('--token-file', file)).code).toBe(4);
  });

  it('refuses two sources at once, a missing file, an empty file, and no token at all', async () => {
    const file = join(tempDir('token-file'), 'admin-token');
    writeFileSync(file, relay.adminToken);
    const both = await invite('--token', relay.adminToken, '--token-file', file);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/not both/);

    const missing = await invite('--token-file', join(tempDir('token-file'), 'absent'));
    expect(missing.code).toBe(3);

    writeFileSync(file, '\n');
    expect((await invite('--token-file', file)).code).toBe(2);

    const none = await cli(['admin', 'invite', '--server', relay.url], { env: { HARDLINE_ADMIN_TOKEN: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--token-file/);
  });
});

describe('hardline server without a built web app', () => {
  it('warns on stderr at start, and serves a page at / that says how to build it', async () => {
    const webRoot = tempDir('unbuilt-web');
    const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data', tempDir('relay'), '--turn', 'off', '--web-root', webRoot], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const until = Date.now() + 30_000;
      while (!/listening on \S+\n/.test(stdout) || !/not built/.test(stderr)) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`server did not start: ${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(stderr).toMatch(/warning: the web app is not built.*npm run build.*npm start/);
      // First start: the token on stdout, and on stderr how to replace it, without the token.
      const token = /admin token: (\S+)/.exec(stdout)![1]!;
      expect(stderr).toMatch(/hardline admin token --rotate --data/);
      expect(stderr).not.toContain(token);

      const url = /listening on (\S+)/.exec(stdout)![1]!;
      const page = await fetch(url);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('npm run build');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
