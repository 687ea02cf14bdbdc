/**
 * @module commands/server
 * `hardline server`: runs the relay on embedded SQLite, and the organisation's TURN relay for
 * calls: an external coturn given by --turn-url/--turn-secret, or a local coturn it starts.
 * `--ingress-url` names an ingress hop someone else runs, for the web app's anonymous actions.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { findTurnserver, parseIngressUrl, PUSH_ROUND_POLICIES, PushRoundLevels, resolveLimits, startCoturn, startRelay, type CoturnHandle, type PushRoundLevel, type RelayLimits, type TurnConfig } from '@hardline/server';
import { HardlineError } from '@hardline/protocol';
import { parse } from '../args.ts';
import { pushFrom } from './serverPush.ts';
import type { Io } from '../output.ts';

export async function serverCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    data: { type: 'string', default: './data' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    suite: { type: 'string' },
    turn: { type: 'string', default: 'auto' },
    'turn-url': { type: 'string' },
    'turn-secret': { type: 'string' },
    'turn-secret-file': { type: 'string' },
    'turn-transport': { type: 'string' },
    'turn-host': { type: 'string' },
    'web-root': { type: 'string' },
    'allowed-hosts': { type: 'string' },
    push: { type: 'string', default: 'on' },
    'push-subject': { type: 'string' },
    'push-rounds': { type: 'string', default: 'balanced' },
    limits: { type: 'string' },
    'ingress-url': { type: 'string' },
  });
  const limits = values.limits === undefined ? undefined : limitsFrom(values.limits);
  const push = pushFrom(values.push!, values['push-subject']);
  const pushRounds = PushRoundLevels.find((l): l is PushRoundLevel => l === values['push-rounds']);
  if (!pushRounds) throw new HardlineError('USAGE', `--push-rounds is ${PushRoundLevels.join(', ')}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new HardlineError('USAGE', `invalid port ${values.port}`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new HardlineError('USAGE', '--tls-cert and --tls-key go together');
  const turnSecret = secretFrom(values['turn-secret'], values['turn-secret-file'], process.env.HARDLINE_TURN_SECRET);
  if (Boolean(values['turn-url']) !== Boolean(turnSecret)) {
    throw new HardlineError('USAGE', '--turn-url and the TURN secret (--turn-secret-file, $HARDLINE_TURN_SECRET or --turn-secret) go together');
  }
  const allowedHosts = values['allowed-hosts']?.split(',').map((h) => h.trim());
  if (allowedHosts?.some((h) => !/^[a-z0-9.-]+$|^\[?[0-9a-f:.]+\]?$/i.test(h))) {
    throw new HardlineError('USAGE', '--allowed-hosts takes host names or IP addresses, comma-separated, without ports');
  }
  if (!['auto', 'off'].includes(values.turn!)) throw new HardlineError('USAGE', '--turn is auto or off');
  const turnTls = turnTlsFrom(values);
  // Checked before coturn starts, so a typo leaves nothing running.
  const ingress = values['ingress-url'] === undefined ? undefined : ingressUrlFrom(values['ingress-url']);

  let coturn: CoturnHandle | undefined;
  let turn: TurnConfig | undefined;
  if (values['turn-url']) {
    turn = { urls: values['turn-url'].split(','), secret: turnSecret! };
  } else if (values.turn === 'auto') {
    const binary = findTurnserver();
    if (binary) {
      const loopback = values.host === '127.0.0.1' || values.host === 'localhost';
      const pidFile = join(resolve(values.data!), 'coturn.pid');
      reapStaleCoturn(pidFile);
      coturn = await startCoturn(binary, { listenIp: loopback ? '127.0.0.1' : values.host, allowLoopbackPeers: loopback, ...(turnTls ? { tls: turnTls } : {}) });
      turn = coturn.config;
      mkdirSync(resolve(values.data!), { recursive: true });
      if (coturn.child.pid) writeFileSync(pidFile, String(coturn.child.pid));
    }
  }

  const relay = await startRelay({
    host: values.host,
    port,
    dataDir: resolve(values.data!),
    tlsCert: values['tls-cert'],
    tlsKey: values['tls-key'],
    suite: values.suite,
    turn,
    ...(allowedHosts ? { allowedHosts } : {}),
    ...(push !== undefined ? { push } : {}),
    pushRounds: { level: pushRounds },
    ...(limits ? { limits } : {}),
    ...(ingress ? { ingressUrl: ingress.href } : {}),
    // Default: packages/web/dist of this checkout. The relay warns here if it is not built.
    ...(values['web-root'] ? { webRoot: resolve(values['web-root']) } : {}),
    log: (line) => io.err(line),
  }).catch(async (e) => {
    await coturn?.stop();
    throw e;
  });
  io.out(`listening on ${relay.url}`);
  if (relay.adminToken) {
    io.out(`admin token: ${relay.adminToken}`);
    io.err(`the admin token is shown only this once; to replace it later, run on this host: hardline admin token --rotate --data ${values.data}`);
  }
  if (turn) io.err(`calls are relayed through TURN at ${turn.urls.join(', ')}${coturn ? ' (coturn started by hardline, relay-only)' : ''}`);
  if (turn && !turn.urls.every((u) => u.startsWith('turns:'))) {
    io.err('TURN is not over TLS only: an observer of its link pairs the legs of every call from the peer addresses it reads (--tls-cert, or --turn-transport tls)');
  }
  if (push === false) io.err('push wake-ups are off (--push off): the web app says that calls ring only while it is open');
  else io.err('push wake-ups through the browser vendors\' push services are on (--push off to turn them off)');
  io.err(pushRounds === 'off' ? 'pushes to open apps go at once (--push-rounds off): an observer of the relay\'s link can pair each post with its push' : `pushes to open apps go in rounds (--push-rounds ${pushRounds}): up to ${PUSH_ROUND_POLICIES[pushRounds].roundMs / 1000} s more delay per message`);
  if (!ingress) io.err('no ingress hop for the web app (--ingress-url): the relay sees the address each web app posts from');
  if (!turn) io.err('warning: no TURN server (install coturn, or pass --turn-url/--turn-secret): calls will use direct connections, which reveal IP addresses to peers');
  await new Promise<void>((done) => {
    const stop = () => {
      Promise.allSettled([relay.close(), coturn?.stop()]).then(() => done());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

function ingressUrlFrom(value: string) {
  try {
    return parseIngressUrl(value);
  } catch (e) {
    throw new HardlineError('USAGE', `--ingress-url: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * `--limits FILE`: a JSON object of relay limits (docs/protocol.md, "Relay limits"), e.g.
 * `{"maxConnectionsPerAddress": 4096}` for an office behind one NAT address. Names and values
 * are checked here, so a typo stops the start instead of being ignored.
 */
function limitsFrom(file: string): Partial<RelayLimits> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new HardlineError('NOT_FOUND', `cannot read the limits file ${file}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HardlineError('USAGE', `the limits file ${file} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HardlineError('USAGE', `the limits file ${file} must hold a JSON object`);
  try {
    resolveLimits(parsed as Record<string, unknown>);
  } catch (e) {
    throw new HardlineError('USAGE', `${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parsed as Partial<RelayLimits>;
}

/**
 * The TURN secret from a file or the environment, which `ps` does not show, or from the flag,
 * which it does (kept for scripts that pass it so).
 */
function secretFrom(flag: string | undefined, file: string | undefined, env: string | undefined): string | undefined {
  if (flag !== undefined && file !== undefined) throw new HardlineError('USAGE', 'give the TURN secret by --turn-secret or by --turn-secret-file, not both');
  if (file === undefined) return flag ?? (env || undefined);
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    throw new HardlineError('NOT_FOUND', `cannot read the TURN secret file ${file}`);
  }
}

/**
 * A relay killed with SIGKILL cannot stop the coturn it started; the next start in the same
 * data directory stops that orphan, if the pid still belongs to a turnserver.
 */
function reapStaleCoturn(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmd.includes('turnserver')) process.kill(pid, 'SIGTERM');
  } catch {
    // Gone already, or not ours to inspect.
  }
}

/**
 * The local coturn's transport: TLS, with the relay's own certificate, whenever the relay has
 * one (`--turn-transport udp` opts out); plain UDP otherwise. `--turn-host`: the name in the
 * certificate that devices are told to reach TURN at (default: the first --allowed-hosts, else --host).
 */
function turnTlsFrom(values: Record<string, string | boolean | undefined>): { cert: string; key: string; host: string } | undefined {
  const explicit = values['turn-transport'] as string | undefined;
  if (explicit !== undefined && explicit !== 'tls' && explicit !== 'udp') throw new HardlineError('USAGE', '--turn-transport is tls or udp');
  if (values['turn-url']) {
    if (explicit !== undefined || values['turn-host'] !== undefined) throw new HardlineError('USAGE', '--turn-transport and --turn-host are for the coturn hardline starts; with --turn-url, give turns: URLs instead');
    return undefined;
  }
  const transport = explicit ?? (values['tls-cert'] ? 'tls' : 'udp');
  if (values['turn-host'] !== undefined && transport !== 'tls') throw new HardlineError('USAGE', '--turn-host goes with TURN over TLS (--tls-cert, or --turn-transport tls)');
  if (transport === 'udp') return undefined;
  if (!values['tls-cert']) throw new HardlineError('USAGE', '--turn-transport tls needs the certificate: --tls-cert and --tls-key');
  const host = turnHostFrom((values['turn-host'] as string | undefined) ?? (values['allowed-hosts'] as string | undefined)?.split(',')[0]?.trim() ?? (values.host as string));
  return { cert: resolve(values['tls-cert'] as string), key: resolve(values['tls-key'] as string), host };
}

/**
 * The host part of the `turns:` URL devices are given: a DNS name, an IPv4 address, or an IPv6
 * address in brackets (RFC 7065; bare, its colons would read as a port). Not the address that
 * means "every interface" (`--host 0.0.0.0` with no --allowed-hosts): no device reaches TURN
 * there, and a browser may take it for itself.
 */
function turnHostFrom(given: string): string {
  const bare = given.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family !== 0 && /^[0:.]+$/.test(bare)) {
    throw new HardlineError('USAGE', `TURN over TLS needs the name devices reach it at, which its certificate is for, not ${given}: --turn-host (or --allowed-hosts)`);
  }
  if (family === 6) return `[${bare}]`;
  if (family === 4) return bare;
  if (!/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i.test(bare)) throw new HardlineError('USAGE', `--turn-host ${given} is not a host name or an IP address`);
  return bare;
}
