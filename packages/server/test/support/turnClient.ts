/**
 * @module turnClient
 * coturn's own test client (`turnutils_uclient`), run to the end or killed after `timeoutMs`:
 * what it printed, for a test to judge (an allocation made, data relayed).
 */
import { spawn } from 'node:child_process';

export function runTurnClient(args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((done) => {
    const p = spawn('/usr/bin/turnutils_uclient', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', () => {
      clearTimeout(timer);
      done(out);
    });
  });
}
