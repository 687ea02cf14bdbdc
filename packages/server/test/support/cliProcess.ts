/**
 * @module cliProcess
 * The real `hardline` CLI as a child process (server, ingress), for tests of its flags: waits
 * for its "listening on URL" line and keeps what it wrote to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type ListeningProcess = {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything written to stderr so far. */
  stderr(): string;
};

/** Starts `node BIN ...args` and resolves once it prints its URL; rejects if it exits first. */
export async function spawnListening(bin: string, args: readonly string[]): Promise<ListeningProcess> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${err}`)));
  });
  return { child, url, stderr: () => err };
}
