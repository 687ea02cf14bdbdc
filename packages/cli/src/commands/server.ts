/**
 * @module commands/server
 * `hardline server`: runs the relay on embedded SQLite.
 */
import { resolve } from 'node:path';
import { startRelay } from '@hardline/server';
import { parse } from '../args.ts';
import type { Io } from '../output.ts';

export async function serverCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    data: { type: 'string', default: './data' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    suite: { type: 'string' },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${values.port}`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new Error('--tls-cert and --tls-key go together');
  const relay = await startRelay({
    host: values.host,
    port,
    dataDir: resolve(values.data!),
    tlsCert: values['tls-cert'],
    tlsKey: values['tls-key'],
    suite: values.suite,
    log: (line) => io.err(line),
  });
  io.out(`listening on ${relay.url}`);
  if (relay.adminToken) io.out(`admin token: ${relay.adminToken}`);
  await new Promise<void>((done) => {
    const stop = () => {
      relay.close().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
