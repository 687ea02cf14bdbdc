/**
 * @module test/support/cliHarness
 * Runs the real `hardline` binary as a subprocess, and the real relay as a subprocess, on
 * 127.0.0.1 with a random port and a fresh SQLite data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const BIN = join(REPO, 'packages/cli/bin/hardline.mjs');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hardline-${prefix}-`));
}

export type CliResult = { code: number; stdout: string; stderr: string };

export function cli(args: string[], opts: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', fail);
    p.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

export async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  if (r.code !== 0) throw new Error(`hardline ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export type RelayProcess = { url: string; adminToken: string; dataDir: string; child: ChildProcess; stop(signal?: NodeJS.Signals): Promise<void> };

export function startRelayProcess(dataDir = tempDir('relay'), port = 0): Promise<RelayProcess> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'server', '--port', String(port), '--data', dataDir, '--turn', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let url = '';
    let adminToken = '';
    const timer = setTimeout(() => fail(new Error(`relay did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      url ||= /listening on (\S+)/.exec(out)?.[1] ?? '';
      adminToken ||= /admin token: (\S+)/.exec(out)?.[1] ?? '';
      if (url && (adminToken || out.includes('\n') && !/admin token/.test(out) && out.trim().split('\n').length >= 1 && out.includes('listening'))) {
        // On a restart no admin token is printed; give it a moment to show up on first start.
        setTimeout(() => {
          adminToken ||= /admin token: (\S+)/.exec(out)?.[1] ?? '';
          clearTimeout(timer);
          done({
            url,
            adminToken,
            dataDir,
            child,
            stop: (signal = 'SIGTERM') =>
              new Promise((r) => {
                if (child.exitCode !== null) return r();
                child.once('exit', () => r());
                child.kill(signal);
              }),
          });
        }, 150);
      }
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => fail(new Error(`relay exited ${code}: ${out}`)));
  });
}

export async function invite(relay: RelayProcess, handle?: string): Promise<string> {
  const out = await ok(['admin', 'invite', '--server', relay.url, '--token', relay.adminToken, ...(handle ? ['--handle', handle] : [])]);
  return out.trim().split('\n').at(-1)!;
}

export function jsonLines(s: string): Record<string, string>[] {
  return s.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}
