/**
 * @module tcpTap
 * A network observer on one TCP link (a device's connection to TURN over TLS, say): a proxy that
 * forwards every byte both ways and keeps a copy of each direction of each connection, which is
 * what a tap on the link reads. Tests then look in the copy for what must not be readable there
 * (a STUN magic cookie, an SRTP SSRC, a peer address).
 */
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';

export type TappedConnection = { readonly up: Buffer[]; readonly down: Buffer[] };

export class TcpTap {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly connections: TappedConnection[],
  ) {}

  /** Listens on 127.0.0.1 (a free port unless `port` is given) and forwards to `target`. */
  static async start(target: { host: string; port: number }, port = 0): Promise<TcpTap> {
    const conns: TappedConnection[] = [];
    const server = createServer((client) => {
      const c: TappedConnection = { up: [], down: [] };
      conns.push(c);
      const upstream = createConnection(target);
      client.on('data', (d) => c.up.push(Buffer.from(d)));
      upstream.on('data', (d) => c.down.push(Buffer.from(d)));
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    return new TcpTap(server, (server.address() as AddressInfo).port, conns);
  }

  /** Every byte seen, one buffer per connection and direction. */
  streams(): Buffer[] {
    return this.connections.flatMap((c) => [Buffer.concat(c.up), Buffer.concat(c.down)]);
  }

  bytes(): number {
    return this.streams().reduce((n, b) => n + b.length, 0);
  }

  /** Whether `needle` appears anywhere in what the tap read. */
  saw(needle: Uint8Array): boolean {
    return this.streams().some((s) => s.includes(Buffer.from(needle)));
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

/**
 * Walks a stream as TLS records (RFC 8446 §5.1: type, legacy version 0x0303 or 0x0301, length):
 * true when the whole stream is TLS records and nothing else, as a tap on a TLS link must see it.
 */
export function onlyTlsRecords(stream: Buffer): boolean {
  let i = 0;
  while (i < stream.length) {
    if (i + 5 > stream.length) return false;
    const type = stream[i]!;
    const major = stream[i + 1]!;
    if (type < 0x14 || type > 0x17 || major !== 0x03) return false;
    i += 5 + stream.readUInt16BE(i + 3);
  }
  return i === stream.length;
}
