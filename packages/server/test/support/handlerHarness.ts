/**
 * @module handlerHarness
 * The relay's request listener (http/httpHandler.ts) on a real socket, with routes a test
 * writes itself and a stand-in context that records what the listener did with it: internal
 * errors reported, body bytes reserved and released. So a test can make a handler throw what no
 * real route throws (an unknown error, a detail that cannot be serialised), and see exactly how
 * the listener answers and when it closes the connection.
 */
import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { afterAll } from 'vitest';
import { answerBody } from './answerBody.ts';
import { createHttpHandler, type WebApp } from '../../src/http/httpHandler.ts';
import type { Route } from '../../src/http/route.ts';
import type { RelayContext } from '../../src/relayContext.ts';

export type Reservation = 'relay' | 'source' | undefined;

export type Harness = {
  readonly url: string;
  readonly port: number;
  readonly ctx: RelayContext;
  /** Values passed to ctx.internalError. */
  readonly internalErrors: unknown[];
  /** Each reservation as [source, bytes]; `released` counts the releases. */
  readonly reserved: [string, number][];
  readonly released: { count: number };
  /** What the next reservations answer: undefined grants them. */
  refuse: Reservation;
};

const servers: { close: () => void }[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

export async function startHarness(routes: Route[], opts: { tls?: boolean; bodyTimeoutMs?: number; webApp?: WebApp } = {}): Promise<Harness> {
  const internalErrors: unknown[] = [];
  const reserved: [string, number][] = [];
  const released = { count: 0 };
  const h = { refuse: undefined as Reservation };
  const ctx = {
    now: () => Date.now(),
    internalError: (e: unknown) => internalErrors.push(e),
    limits: { bodyTimeoutMs: opts.bodyTimeoutMs ?? 30_000 },
    sources: {
      reserve: (_kind: string, source: string, bytes: number) => {
        if (h.refuse) return h.refuse;
        reserved.push([source, bytes]);
        return { release: () => released.count++ };
      },
    },
  } as unknown as RelayContext;
  const server = createServer(createHttpHandler(ctx, routes, () => 7, { tls: opts.tls ?? false, allowedHosts: new Set(['127.0.0.1', 'localhost']) }, opts.webApp));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  servers.push({ close: () => server.close() });
  server.on('connection', (s) => servers.push({ close: () => s.destroy() }));
  return Object.assign(h, { url: `http://127.0.0.1:${port}`, port, ctx, internalErrors, reserved, released });
}

export type Answer = { status: number; headers: IncomingHttpHeaders; text: string; body: any };

/**
 * One request on a keep-alive agent (so the connection header of the answer is the relay's
 * choice, not an echo of the client's). `send` is written and the request is left open when
 * `hold` is set: a body that never finishes.
 */
export function ask(url: string, method: string, path: string, opts: { headers?: Record<string, string | number>; send?: Buffer | string; hold?: boolean } = {}): Promise<Answer> {
  const agent = new Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, agent, headers: opts.headers ?? {} }, (res) => {
      void answerBody(res).then(({ text, body }) => {
        agent.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      }, reject);
    });
    req.on('error', reject);
    if (opts.send !== undefined) req.write(opts.send);
    if (!opts.hold) req.end();
  });
}

/**
 * Raw bytes on a fresh socket; resolves with everything received once the relay closes it, or
 * once `giveUpMs` have passed (then the test's own assertions fail, instead of its timeout).
 */
export function rawExchange(port: number, text: string, giveUpMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(text));
    const guard = setTimeout(() => s.destroy(), giveUpMs);
    s.on('close', () => clearTimeout(guard));
    let out = '';
    s.on('data', (c) => (out += c));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}
