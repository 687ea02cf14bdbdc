/**
 * @module httpHandler
 * The request listener: routing, bounded bodies, and one place where every thrown value
 * becomes `{"error":{"code","message"}}` with its status. Nothing a client sends can escape
 * as an unhandled rejection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RelayError } from '../errors/relayError.ts';
import { isInternal, toWireError } from '../errors/wireError.ts';
import { countRefusal } from '../org/refusalCounts.ts';
import type { RelayContext } from '../relayContext.ts';
import { checkHost, type HostCheck } from './allowedHosts.ts';
import { parseJsonObject } from './jsonBody.ts';
import { readBody } from './readBody.ts';
import { JSON_BODY_LIMIT, type Route } from './route.ts';
import { matchRoute } from './router.ts';
import { serveStatic } from './staticApp.ts';

/** The built web app to serve at `/`, if any. */
export type WebApp = { readonly root: string; readonly tls: boolean };

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
    const served = webApp ? serveStatic(webApp.root, req, res, webApp.tls) : Promise.resolve(false);
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

async function handle(ctx: RelayContext, routes: readonly Route[], req: IncomingMessage, res: ServerResponse, conn: number): Promise<void> {
  try {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const match = matchRoute(routes, req.method ?? '', pathname);
    if (!match) throw new RelayError('NOT_FOUND', 'no such endpoint');
    const limit = match.route.bodyLimit ?? JSON_BODY_LIMIT;
    // Every POST and PUT body is read (bounded) before the handler runs, even where the handler
    // ignores it, so no endpoint can be used to stream unbounded bytes at the relay.
    const body = req.method === 'POST' || req.method === 'PUT' ? await readBody(req, limit) : Buffer.alloc(0);
    const bytes = async (): Promise<Buffer> => body;
    const result = await match.route.handle(ctx, {
      params: match.params,
      headers: req.headers,
      conn,
      bytes,
      json: async () => parseJsonObject(await bytes()),
    });
    if (result.contentType !== undefined && result.body instanceof Uint8Array) sendBytes(res, result.status, result.contentType, result.body);
    else send(res, result.status, result.body);
  } catch (e) {
    if (isInternal(e)) ctx.internalError(e);
    const w = toWireError(e);
    countRefusal(ctx, w.code);
    if (w.status === 413) {
      // Do not read the rest of an oversized body; close once the answer is out.
      res.setHeader('Connection', 'close');
      res.on('finish', () => setTimeout(() => req.destroy(), 1000).unref());
    }
    // A few errors carry a detail the caller needs to recover (a CAS conflict's current version).
    const details = e instanceof RelayError ? e.details : undefined;
    send(res, w.status, { error: { code: w.code, message: w.message, ...details } });
  }
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
