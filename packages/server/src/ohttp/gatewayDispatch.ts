/**
 * @module gatewayDispatch
 * The Oblivious Gateway Resource (RFC 9458 §5): opens an encapsulated request, runs the binary
 * HTTP request inside it against the relay's own anonymous routes, and seals the answer.
 *
 * Errors before the request is opened (unknown key, bad ciphertext) are plain 400s, as §5.2
 * says they must be: there is no context to seal them with. Every error after that, the inner
 * route's included, goes back sealed, so the hop learns nothing from the outer status.
 *
 * The inner request runs with the outer connection's `conn` and `source`: those are the hop's,
 * which is the point. Only `content-type`, a `Capability` authorization and `hardline-wake:
 * later` (a post whose recipient's wake-up may wait, push/wakeUps.ts) are passed in; anything
 * else the client put in the inner header section is dropped.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { DecodeError, TooLargeError } from '@hardline/protocol';
import { decapsulateRequest, decodeBinaryHttpRequest, encapsulateResponse, encodeBinaryHttpResponse, type BinaryHttpField, type BinaryHttpRequest } from '@hardline/protocol/ohttp';
import { RelayError } from '../errors/relayError.ts';
import { UNATTRIBUTED_SOURCE } from '../limits/failureThrottle.ts';
import { isInternal, toWireError } from '../errors/wireError.ts';
import { parseJsonObject } from '../http/jsonBody.ts';
import { JSON_BODY_LIMIT, type RouteRequest, type RouteResponse } from '../http/route.ts';
import { matchRoute } from '../http/router.ts';
import type { RelayContext } from '../relayContext.ts';
import { anonymousRoutes } from './anonymousRoutes.ts';

/** What the hop's connection brings to the inner request: its counter and address key. */
export type OuterRequest = Pick<RouteRequest, 'conn' | 'source'>;

export async function openAndDispatch(ctx: RelayContext, encapsulated: Uint8Array, outer: OuterRequest): Promise<Uint8Array> {
  const { request, context } = await decapsulateRequest(ctx.ohttp.held(), encapsulated);
  const response = await dispatchInner(ctx, request, outer);
  return encapsulateResponse(context, encodeBinaryHttpResponse(response));
}

async function dispatchInner(ctx: RelayContext, bytes: Uint8Array, outer: OuterRequest): Promise<{ status: number; headers: BinaryHttpField[]; body: Uint8Array }> {
  const json = (status: number, body: unknown, extra: BinaryHttpField[] = []) => ({
    status,
    headers: [['content-type', 'application/json'] as const, ['cache-control', 'no-store'] as const, ...extra],
    body: new TextEncoder().encode(JSON.stringify(body ?? {})),
  });
  try {
    const inner = decodeBinaryHttpRequest(bytes);
    const result = await runRoute(ctx, inner, outer);
    return json(result.status, result.body);
  } catch (e) {
    if (isInternal(e)) ctx.internalError(e);
    const w = toWireError(e);
    const details = e instanceof RelayError ? e.details : undefined;
    const retry: BinaryHttpField[] = e instanceof RelayError && e.retryAfterSeconds !== undefined ? [['retry-after', String(e.retryAfterSeconds)]] : [];
    return json(w.status, { error: { code: w.code, message: w.message, ...details } }, retry);
  }
}

async function runRoute(ctx: RelayContext, inner: BinaryHttpRequest, outer: OuterRequest): Promise<RouteResponse> {
  const pathname = inner.path.split('?')[0] ?? '';
  const match = matchRoute(anonymousRoutes, inner.method, pathname);
  if (!match) throw new RelayError('FORBIDDEN', `${inner.method} ${pathname} is not reachable through the gateway: only posts, claims, commit locks, blobs and token keys are`);
  const headers = innerHeaders(inner.headers);
  const limit = match.route.bodyLimit ?? JSON_BODY_LIMIT;
  if (inner.body.length > limit) throw new TooLargeError('request body', inner.body.length, limit);
  const body = Buffer.from(inner.body);
  return match.route.handle(ctx, {
    params: match.params,
    headers,
    conn: outer.conn,
    // The hop's address, shared by all its users: per-address throttles must not apply to it.
    source: UNATTRIBUTED_SOURCE,
    bytes: async () => body,
    json: async () => parseJsonObject(body),
  });
}

function innerHeaders(fields: readonly BinaryHttpField[]): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of fields) {
    if (name === 'content-type') headers['content-type'] = value;
    else if (name === 'authorization') {
      // A session never goes through the gateway: it would name the device behind the hop.
      if (!value.startsWith('Capability ')) throw new RelayError('FORBIDDEN', 'sessions are not accepted through the gateway; only capabilities are');
      if (headers.authorization !== undefined) throw new DecodeError('more than one authorization field');
      headers.authorization = value;
    } else if (name === 'hardline-wake' && value === 'later') headers['hardline-wake'] = value;
  }
  return headers;
}
