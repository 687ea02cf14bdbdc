/**
 * @module commands/ingress
 * `hardline ingress --target URL`: runs an Oblivious HTTP hop (packages/server/src/ingress/)
 * in front of a relay, for an operator other than the relay's. It logs its start, its stop and
 * counts; never an address or a body. `--allow-origin` (repeatable, or comma-separated) names
 * the web apps that may use it from a browser: the relay's own origin, for its web app.
 */
import { startIngressHop } from '@hardline/server';
import { HardlineError } from '@hardline/protocol';
import { parse, requireString } from '../args.ts';
import type { Io } from '../output.ts';

export async function ingressCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    target: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8090' },
    'max-body': { type: 'string' },
    'per-minute': { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  });
  const target = requireString(values.target, '--target');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new HardlineError('USAGE', `--target must be the relay's URL (https://relay.example.org), not ${target}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new HardlineError('USAGE', '--target must be an http(s) URL');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new HardlineError('USAGE', `invalid port ${values.port}`);
  const count = (v: string | undefined, flag: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) throw new HardlineError('USAGE', `${flag} takes a positive whole number`);
    return n;
  };
  const maxBodyBytes = count(values['max-body'], '--max-body');
  const perAddressPerMinute = count(values['per-minute'], '--per-minute');
  const allowOrigins = (values['allow-origin'] ?? []).flatMap((v) => v.split(',')).map((o) => o.trim()).filter(Boolean);
  // A bad --allow-origin throws VALIDATION here: exit code 2 and a one-line message.
  const hop = await startIngressHop({
    target: url.href,
    host: values.host,
    port,
    limits: { ...(maxBodyBytes ? { maxBodyBytes } : {}), ...(perAddressPerMinute ? { perAddressPerMinute } : {}) },
    allowOrigins,
    log: (line) => io.err(line),
    ...(values['tls-cert'] !== undefined ? { tlsCert: values['tls-cert'] } : {}),
    ...(values['tls-key'] !== undefined ? { tlsKey: values['tls-key'] } : {}),
  });
  // Before "listening": whoever waits for that line has the whole startup on stderr.
  io.err(allowOrigins.length > 0 ? `web apps allowed to post through this hop: ${allowOrigins.join(', ')}` : 'no --allow-origin: only non-browser clients (the CLI) can use this hop');
  io.out(`listening on ${hop.url}`);
  if (!hop.url.startsWith('https:') && values.host !== '127.0.0.1' && values.host !== 'localhost' && values.host !== '::1') {
    io.err('warning: plain HTTP on a reachable address: give --tls-cert and --tls-key; behind a TLS proxy every client shares the proxy\'s per-address budget');
  }
  if (url.protocol === 'http:' && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    io.err('warning: the target is plain http: the hop-to-relay leg shows the hop\'s traffic to anyone on the path (it stays encapsulated)');
  }
  await new Promise<void>((done) => {
    const stop = () => void hop.close().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
