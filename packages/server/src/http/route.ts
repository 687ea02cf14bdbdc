/**
 * @module route
 * The shape of one HTTP endpoint. Handlers get parsed input and return a status and a JSON
 * body; errors are thrown as typed errors and mapped once, in httpHandler.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RelayContext } from '../relayContext.ts';
import type { JsonObject } from './jsonBody.ts';

export type RouteRequest = {
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Opaque per-connection id, for the observer trace only. */
  readonly conn: number;
  /**
   * The caller's source address key (limits/sourceLimits.ts), for the in-memory per-address
   * limits only: never log it, store it or pass it to the observer.
   */
  readonly source: string;
  /** The body is read only when one of these is first called: authenticate before a large one. */
  readonly json: () => Promise<JsonObject>;
  readonly bytes: () => Promise<Buffer>;
};

/**
 * `body` goes out as JSON, unless `contentType` is set: then it is the raw bytes of that type
 * (the Oblivious HTTP gateway's key config and encapsulated responses).
 */
export type RouteResponse = { readonly status: number; readonly body: unknown; readonly contentType?: string };

export type Route = {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Segments; one starting with ':' captures a parameter. */
  readonly path: string;
  /** Body bound in bytes; JSON_BODY_LIMIT unless the endpoint needs more. */
  readonly bodyLimit?: number;
  readonly handle: (ctx: RelayContext, req: RouteRequest) => Promise<RouteResponse>;
};

export const JSON_BODY_LIMIT = 64 * 1024;

export function ok(body: unknown, status = 200): RouteResponse {
  return { status, body };
}
