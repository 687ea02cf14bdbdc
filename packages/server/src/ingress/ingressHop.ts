/**
 * @module ingressHop
 * `hardline ingress`: an Oblivious HTTP relay resource (RFC 9458 §2, "Oblivious Relay
 * Resource") run by someone other than the relay's operator. It takes `message/ohttp-req`
 * bodies on POST `/` (or `/v1/ohttp`) and forwards each to the target relay's `/v1/ohttp`,
 * then returns what came back. It also hands out the relay's key config (`GET /v1/ohttp/keys`),
 * fetched by the hop and the same for every client (sharedKeyConfig.ts), so that no client asks
 * the relay for it from its own address. It sees client addresses and ciphertext; the relay sees the
 * hop's address and the plaintext. Neither sees both (docs/protocol.md §7).
 *
 * What it deliberately does not do (RFC 9458 §6.2): forward any client header (no
 * Forwarded, Via or X-Forwarded-For, no user agent), log an address or a body, or keep
 * anything once a request is answered but the key config. Bounds: body size, a per-address rate,
 * a cap in flight, an upstream timeout. Nothing else is served: every other method or path is a 404.
 *
 * A web app reaches the hop cross-origin: `allowOrigins` names the apps (their relays'
 * origins) whose preflights it answers and whose pages may read its answers (hopCors.ts). A
 * browser request from any other origin is refused, and gets no CORS header to read it by.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { HardlineError } from '@hardline/protocol';
import { HopCors } from './hopCors.ts';
import { AddressBuckets, DEFAULT_HOP_LIMITS, type HopLimits } from './hopLimits.ts';
import { privateUpstream, type Upstream } from './hopUpstream.ts';
import { RETRY_MS, SharedKeyConfig } from './sharedKeyConfig.ts';

export type IngressHopOptions = {
  /** The relay's base URL; requests go to `${target}/v1/ohttp`. */
  readonly target: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8090; 0 picks a free port. */
  readonly port?: number;
  readonly limits?: Partial<HopLimits>;
  /** Start, stop and counts only. */
  readonly log?: (line: string) => void;
  /** Web apps' origins (`https://relay.example.org`) that may post through the hop from a browser. */
  readonly allowOrigins?: readonly string[];
  /** Wraps how requests reach the target; tests pass one that records what left the hop. */
  readonly upstream?: (send: Upstream) => Upstream;
  /**
   * PEM files: the hop speaks HTTPS itself. Its per-address limit needs the clients' own
   * addresses; behind a TLS proxy every request carries the proxy's, so one stranger (or a
   * few dozen busy apps) would use up the budget of everyone behind it.
   */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
};

export type IngressHopHandle = { readonly url: string; readonly port: number; close(): Promise<void> };

const REQ_TYPE = 'message/ohttp-req';
const KEYS_PATH = '/v1/ohttp/keys';
const RES_TYPE = 'message/ohttp-res';
/** The target's unsealed answers (key or decryption errors) are small JSON; bigger is not forwarded. */
const MAX_ERROR_BODY = 4096;

export async function startIngressHop(options: IngressHopOptions): Promise<IngressHopHandle> {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new HardlineError('USAGE', 'the hop needs both a TLS certificate and its key, or neither');
  const limits = { ...DEFAULT_HOP_LIMITS, ...options.limits };
  const gateway = new URL('/v1/ohttp', options.target);
  const cors = new HopCors(options.allowOrigins);
  const pool = privateUpstream(limits.maxBodyBytes);
  const upstream = options.upstream ? options.upstream(pool.send) : pool.send;
  const log = options.log ?? (() => {});
  const buckets = new AddressBuckets(limits.perAddressPerMinute);
  const keyConfig = new SharedKeyConfig(pool.get, new URL(KEYS_PATH, options.target), limits.upstreamTimeoutMs);
  // The relay is asked for its key config on this timer, never because a client asked (sharedKeyConfig.ts).
  const keyTimer = setInterval(() => void keyConfig.refresh(), RETRY_MS);
  keyTimer.unref();
  let inFlight = 0;
  const counts = { forwarded: 0, refused: 0, failed: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    const ours = path === '/' || path === '/v1/ohttp';
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && ours) {
      const preflight = cors.forPreflight(origin, req.headers['access-control-request-method'], req.headers['access-control-request-headers']);
      if (preflight.kind !== 'allowed') return refuse(res, 403, 'FORBIDDEN', 'this hop does not serve web apps from that origin');
      res.writeHead(204, { ...preflight.headers, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (req.method === 'GET' && path === KEYS_PATH) return serveKeyConfig(req, res);
    if (req.method !== 'POST' || !ours) return refuse(res, 404, 'NOT_FOUND', 'this hop only forwards POST / with message/ohttp-req');
    const allowed = cors.forRequest(origin);
    if (allowed.kind === 'refused') return refuse(res, 403, 'FORBIDDEN', 'this hop does not serve web apps from that origin');
    // A listed app reads every answer, refusals included (a stale key must be told from a dead hop).
    const h = allowed.kind === 'allowed' ? allowed.headers : {};
    const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== REQ_TYPE) return refuse(res, 415, 'VALIDATION', `this hop only forwards ${REQ_TYPE}`, h);
    if (!buckets.take(req.socket.remoteAddress ?? '')) return refuse(res, 429, 'RATE_LIMITED', 'too many requests from this address; retry in a minute', h);
    if (inFlight >= limits.maxInFlight) return refuse(res, 503, 'UNAVAILABLE', 'the hop is busy; retry shortly', h);
    inFlight++;
    try {
      const body = await readBounded(req, limits.maxBodyBytes);
      if (body === 'too-large') return refuse(res, 413, 'TOO_LARGE', `an encapsulated request is at most ${limits.maxBodyBytes} bytes`, h);
      let answer;
      try {
        answer = await upstream(gateway, body, REQ_TYPE, limits.upstreamTimeoutMs);
      } catch {
        counts.failed++;
        return refuse(res, 502, 'UNAVAILABLE', 'the relay behind this hop did not answer', h);
      }
      const answerType = answer.contentType?.split(';')[0]?.trim().toLowerCase();
      const bytes = answer.body;
      if (answer.status === 200 && answerType === RES_TYPE) {
        counts.forwarded++;
        res.writeHead(200, { ...h, 'Content-Type': RES_TYPE, 'Content-Length': bytes.length, 'Cache-Control': 'no-store' });
        res.end(bytes);
        return;
      }
      // The gateway could not open the request (stale key, bad ciphertext): its small JSON
      // error goes back as is, so the client can tell a stale key config from a dead hop.
      counts.refused++;
      if (answerType === 'application/json' && bytes.length <= MAX_ERROR_BODY && answer.status >= 400) {
        res.writeHead(answer.status, { ...h, 'Content-Type': 'application/json', 'Content-Length': bytes.length, 'Cache-Control': 'no-store' });
        res.end(bytes);
        return;
      }
      return refuse(res, 502, 'UNAVAILABLE', 'the relay behind this hop gave an answer that is not an encapsulated response', h);
    } finally {
      inFlight--;
    }
  };

  /** The relay's key config, the same for every client (sharedKeyConfig.ts); a simple GET, no preflight. */
  const serveKeyConfig = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const allowed = cors.forRequest(req.headers.origin);
    if (allowed.kind === 'refused') return refuse(res, 403, 'FORBIDDEN', 'this hop does not serve web apps from that origin');
    const h = allowed.kind === 'allowed' ? allowed.headers : {};
    if (!buckets.take(req.socket.remoteAddress ?? '')) return refuse(res, 429, 'RATE_LIMITED', 'too many requests from this address; retry in a minute', h);
    const answer = await keyConfig.current();
    if ('unavailable' in answer) return refuse(res, 502, 'UNAVAILABLE', answer.unavailable, h);
    res.writeHead(200, { ...h, 'Content-Type': 'application/ohttp-keys', 'Content-Length': answer.body.length, 'Cache-Control': 'no-store' });
    res.end(answer.body);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const tls = options.tlsCert !== undefined && options.tlsKey !== undefined;
  const timeouts = { headersTimeout: 10_000, requestTimeout: 60_000 };
  const server = tls ? createTlsServer({ cert: readFileSync(options.tlsCert!), key: readFileSync(options.tlsKey!), handshakeTimeout: 10_000, ...timeouts }, onRequest) : createServer(timeouts, onRequest);
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8090, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`ingress hop listening on ${url}, forwarding to ${gateway.origin}`);
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(keyTimer);
        server.close(() => resolve());
        server.closeAllConnections();
        pool.close();
        log(`ingress hop stopped; ${counts.forwarded} forwarded, ${counts.refused} refused by the relay, ${counts.failed} failed`);
      }),
  };
}

function refuse(res: ServerResponse, status: number, code: string, message: string, cors: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify({ error: { code, message } });
  // The body may still be arriving; close rather than read it.
  res.writeHead(status, { ...cors, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(text);
}

function readBounded(req: IncomingMessage, limit: number): Promise<Uint8Array | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks, size))));
    req.on('error', reject);
  });
}
