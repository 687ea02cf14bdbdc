/**
 * @module turn/coturnProcess
 * Finds and starts Debian's coturn (`turnserver`) in relay-only mode with the TURN REST
 * secret, so every call's media goes device -> organisation relay -> device and no peer learns
 * another's address. Its logs go nowhere: coturn logs client IP addresses, which Hardline
 * promises not to keep.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { HardlineError } from '@hardline/protocol';
import type { TurnConfig } from './turnCredentials.ts';

export function findTurnserver(): string | undefined {
  for (const candidate of ['/usr/bin/turnserver', '/usr/local/bin/turnserver']) {
    const r = spawnSync(candidate, ['--help'], { stdio: 'ignore', timeout: 5000 });
    if (r.error === undefined) return candidate;
  }
  return undefined;
}

export type CoturnOptions = {
  readonly listenIp?: string;
  readonly port?: number;
  readonly minPort?: number;
  readonly maxPort?: number;
  /** Only for tests and single-machine demos: lets relayed peers be on 127.0.0.1. */
  readonly allowLoopbackPeers?: boolean;
  /** The TURN REST secret; random when absent. Pass the old one to restart coturn in place. */
  readonly secret?: string;
  /**
   * TURN over TLS only (`turns:`, RFC 8656 §3.1), with this certificate. On plain UDP anyone on
   * the link between a device and coturn reads each packet's peer address (XOR-PEER-ADDRESS
   * hides nothing: it is XORed with a public constant) and the SRTP SSRC, and pairs the two
   * legs of every call without timing anything (docs/protocol.md §7). The relayed side stays
   * UDP: both legs of a call are allocations on this one coturn, so it never leaves the host.
   */
  readonly tls?: TurnTls;
};

export type TurnTls = {
  readonly cert: string;
  readonly key: string;
  /** The name the certificate is for, put in the `turns:` URL (browsers check it). Default: the listening IP. */
  readonly host?: string;
  /** Default 5349, or a free port if that one is taken. */
  readonly port?: number;
};

export type CoturnHandle = {
  readonly config: TurnConfig;
  readonly child: ChildProcess;
  /** Mode 0600 in a 0700 folder, removed when coturn exits: where the secret is passed. */
  readonly configFile: string;
  stop(): Promise<void>;
};

async function freeUdpPort(ip: string, preferred: number): Promise<number> {
  const tryBind = (port: number) =>
    new Promise<number | undefined>((done) => {
      const s = createSocket('udp4');
      s.once('error', () => {
        s.close();
        done(undefined);
      });
      s.bind(port, ip, () => {
        const p = s.address().port;
        s.close(() => done(p));
      });
    });
  return (await tryBind(preferred)) ?? (await tryBind(0))!;
}

async function freeTcpPort(ip: string, preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((done) => {
      const s = createServer();
      s.once('error', () => done(undefined));
      s.listen(port, ip, () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => done(p));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0))!;
}

/** The listener flags and the URLs devices are given, for plain UDP or TLS only. */
async function listeners(ip: string, port: number, tls: TurnTls | undefined): Promise<{ args: string[]; urls: string[] }> {
  if (!tls) return { args: ['--no-tls'], urls: [`turn:${ip}:${port}?transport=udp`] };
  for (const [what, file] of [['certificate', tls.cert], ['key', tls.key]] as const) {
    if (!existsSync(file)) throw new HardlineError('USAGE', `the TURN TLS ${what} ${file} does not exist`);
  }
  const tlsPort = await freeTcpPort(ip, tls.port ?? 5349);
  // Only the TLS listener: a device that fell back to UDP would give the link its peer addresses.
  // TLS 1.2 and up: coturn otherwise takes 1.0 and 1.1 wherever its OpenSSL still allows them
  // (OpenSSL 1.1, or 3 at security level 0), and a device or middlebox pushed down to them
  // gives the link's observer a weaker cipher to attack (RFC 8996 deprecates both).
  const args = [`--tls-listening-port=${tlsPort}`, `--cert=${tls.cert}`, `--pkey=${tls.key}`, '--no-tlsv1', '--no-tlsv1_1', '--no-udp', '--no-tcp'];
  return { args, urls: [`turns:${tls.host ?? ip}:${tlsPort}?transport=tcp`] };
}

export async function startCoturn(binary: string, options: CoturnOptions = {}): Promise<CoturnHandle> {
  const ip = options.listenIp ?? '127.0.0.1';
  const port = await freeUdpPort(ip, options.port ?? 3478);
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const listen = await listeners(ip, port, options.tls);
  const configDir = mkdtempSync(join(tmpdir(), 'hardline-coturn-'));
  const configFile = join(configDir, 'turnserver.conf');
  writeFileSync(configFile, `use-auth-secret\nstatic-auth-secret=${secret}\n`, { mode: 0o600 });
  const removeConfig = () => rmSync(configDir, { recursive: true, force: true });
  // No -n: with it coturn would ignore -c. -c names our file, so /etc/turnserver.conf is not read.
  const args = [
    `--listening-ip=${ip}`,
    `--relay-ip=${ip}`,
    `--listening-port=${port}`,
    `--min-port=${options.minPort ?? 49160}`,
    `--max-port=${options.maxPort ?? 49460}`,
    // The secret is in the config file, not here: a command line is readable by every local
    // user (`ps`, /proc/PID/cmdline).
    '-c',
    configFile,
    '--realm=hardline',
    '--fingerprint',
    ...listen.args,
    '--no-dtls',
    '--no-cli',
    '--no-tcp-relay',
    '--no-multicast-peers',
    '--no-stdout-log',
    '--log-file=/dev/null',
    ...(options.allowLoopbackPeers ? ['--allow-loopback-peers'] : []),
  ];
  const child = spawn(binary, args, { stdio: 'ignore' });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(done, 400);
    child.once('exit', (code) => {
      clearTimeout(timer);
      removeConfig();
      fail(new Error(`coturn exited at start (${code})`));
    });
  });
  child.removeAllListeners('exit');
  // Kept while coturn runs (it may read it again), gone with it.
  child.once('exit', removeConfig);
  return {
    config: { urls: listen.urls, secret },
    child,
    configFile,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
