/**
 * @module httpHandler
 * The request listener: routing, bounded bodies, and one place where every thrown value
 * becomes `{"error":{"code","message"}}` with its status. Nothing a client sends can escape
 * as an unhandled rejection.
 *
 * A body is sized from its headers before the handler runs, but read only when the handler
 * asks for it, so a handler authenticates before it reads a large body; its memory is reserved
 * from the relay's body budget (limits/sourceLimits.ts) before it is buffered. A body left
 * unread, or cut off, closes the connection rather than being read to its end.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RelayError } from '../errors/relayError.ts';
import { isInternal, toWireError } from '../errors/wireError.ts';
import { countRefusal } from '../org/refusalCounts.ts';
import type { RelayContext } from '../relayContext.ts';
import { checkHost, type HostCheck } from './allowedHosts.ts';
import { parseJsonObject } from './jsonBody.ts';
import { checkDeclaredLength, readBody } from './readBody.ts';
import { sourceKey } from '../limits/sourceLimits.ts';
import { rawErrorResponse } from './rawResponse.ts';
import { JSON_BODY_LIMIT, type Route } from './route.ts';
import { matchRoute } from './router.ts';
import { closesConnection } from './oneCallConnections.ts';
import { serveStatic, type WebApp } from './staticApp.ts';

export type { WebApp } from './staticApp.ts';

/** What every response depends on: TLS (for HSTS) and the host names the relay answers to. */
export type Site = { readonly tls: boolean; readonly allowedHosts: ReadonlySet<string> };

/** One year; not includeSubDomains, which is the operator's call for their whole domain. */
export const HSTS = 'max-age=31536000';

export function createHttpHandler(
  ctx: RelayContext,
  routes: readonly Route[],
  connOf: (req: IncomingMessage) => number,
  site: Site,
  webApp?: WebApp,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // Over TLS only: on plain http a browser ignores it, and localhost has no certificate.
    if (site.tls) res.setHeader('Strict-Transport-Security', HSTS);
    const host = checkHost(req.headers.host, site.allowedHosts);
    if (host !== 'allowed') {
      // Before routing or the app: a rebound name reaches nothing, not even the 404 page.
      res.setHeader('Connection', 'close');
      send(res, ...misdirected(host));
      return;
    }
    const served = webApp ? serveStatic(webApp, req, res) : Promise.resolve(false);
    served
      .then((done) => (done ? undefined : handle(ctx, routes, req, res, connOf(req))))
      .catch((e: unknown) => {
        // Only reachable if writing the response itself failed.
        ctx.internalError(e);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  };
}

/** Seconds a client should wait when the body budget is spent: slow bodies time out within a minute. */
const BODY_BUDGET_RETRY_S = 5;

async function handle(ctx: RelayContext, routes: readonly Route[], req: IncomingMessage, res: ServerResponse, conn: number): Promise<void> {
  let bodyRead: Promise<Buffer> | undefined;
  // An anonymous call gets a connection of its own: no later call may share it
  // (oneCallConnections.ts). Set once the body is read, so a refusal before then still closes
  // the way closeAfterAnswer does (answer first, then the connection).
  let oneCall = false;
  try {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const match = matchRoute(routes, req.method ?? '', pathname);
    if (!match) throw new RelayError('NOT_FOUND', 'no such endpoint');
    oneCall = closesConnection(match.route);
    const limit = match.route.bodyLimit ?? JSON_BODY_LIMIT;
    // Sized before any byte is read: a declared body over the bound never reaches the handler.
    checkDeclaredLength(req, limit);
    const source = sourceKey(req.socket.remoteAddress);
    if (!req.complete) bodyDeadline(req, res, ctx.limits.bodyTimeoutMs);
    const reserve = bodyBudget(ctx, source, res);
    const bytes = (): Promise<Buffer> => (bodyRead ??= readBody(req, limit, reserve));
    const result = await match.route.handle(ctx, {
      params: match.params,
      headers: req.headers,
      conn,
      source,
      bytes,
      json: async () => parseJsonObject(await bytes()),
    });
    // A body the handler did not want is not read to its end: the connection closes instead.
    if (!bodyRead && !req.complete) closeAfterAnswer(req, res);
    else if (oneCall) res.setHeader('Connection', 'close');
    if (result.contentType !== undefined && result.body instanceof Uint8Array) sendBytes(res, result.status, result.contentType, result.body);
    else send(res, result.status, result.body);
  } catch (e) {
    if (isInternal(e)) ctx.internalError(e);
    const w = toWireError(e);
    countRefusal(ctx, w.code);
    // Do not read the rest of an oversized, refused or unread body; close once the answer is out.
    if (w.status === 413 || !req.complete) closeAfterAnswer(req, res);
    else if (oneCall) res.setHeader('Connection', 'close');
    if (e instanceof RelayError && e.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(e.retryAfterSeconds));
    // A few errors carry a detail the caller needs to recover (a CAS conflict's current version).
    const details = e instanceof RelayError ? e.details : undefined;
    send(res, w.status, { error: { code: w.code, message: w.message, ...details } });
  }
}

/**
 * The body must be complete within `ms` of its headers, or the socket is destroyed (with a 408
 * if nothing was answered yet). Node's requestTimeout (headers and body together) backs it up.
 */
function bodyDeadline(req: IncomingMessage, res: ServerResponse, ms: number): void {
  const timer = setTimeout(() => {
    if (req.complete) return;
    const socket = req.socket;
    if (socket.writable && !res.headersSent) socket.write(rawErrorResponse('ERR_HTTP_REQUEST_TIMEOUT'));
    socket.destroy();
  }, ms);
  timer.unref();
  req.once('close', () => clearTimeout(timer));
}

/** How long a refused body may go on arriving after the answer, so the client gets to read it. */
const LINGER_MS = 1_000;

function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent) return;
  res.setHeader('Connection', 'close');
  // Node would destroy the socket as soon as the answer is flushed: with the client still
  // sending, that is a reset, and the client may never read the answer. Instead half-close and
  // stop reading (the rest of the body is neither buffered nor parsed), then destroy a moment
  // later, once the client has had time to read the answer.
  const socket = req.socket as typeof req.socket & { destroySoon?: () => void };
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    socket.removeAllListeners('data');
    socket.pause();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

/**
 * Reserves body bytes for one request from the relay-wide and per-address budgets; all of it
 * is given back when the response is done or the connection goes.
 */
function bodyBudget(ctx: RelayContext, source: string, res: ServerResponse): (bytes: number) => void {
  const held: { release: () => void }[] = [];
  res.once('close', () => {
    for (const h of held.splice(0)) h.release();
  });
  return (bytes) => {
    const r = ctx.sources.reserve('bodyBytes', source, bytes);
    if (r === 'relay') throw new RelayError('UNAVAILABLE', 'the relay is receiving too many request bodies at once; retry shortly', { retryAfterSeconds: BODY_BUDGET_RETRY_S });
    if (r === 'source') throw new RelayError('UNAVAILABLE', 'too many request bodies at once from this address; retry shortly', { retryAfterSeconds: BODY_BUDGET_RETRY_S });
    held.push(r);
  };
}

/** 421 for a host this relay does not answer to, 400 for a request without one. */
export function misdirected(check: Exclude<HostCheck, 'allowed'>): [number, { error: { code: string; message: string } }] {
  return check === 'missing'
    ? [400, { error: { code: 'VALIDATION', message: 'a Host header is required' } }]
    : [421, { error: { code: 'MISDIRECTED', message: 'this relay does not answer to that host name (see --allowed-hosts)' } }];
}

function sendBytes(res: ServerResponse, status: number, contentType: string, body: Uint8Array): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
