/**
 * @module oneCallConnections
 * Anonymous routes close their connection after answering: one call, one connection. A client
 * that pools connections (a browser, whose page cannot choose its sockets; Node's keep-alive
 * fetch) would otherwise send its next anonymous call, or a session call, on the same
 * connection, and the relay would see both come from one place (one `conn` in the observer
 * trace): a claim tied to the device's session, or two claims tied to each other. Closing it
 * leaves the client's pool with no idle connection to reuse, so its next call opens a new one.
 * The routes are those an Oblivious HTTP request may reach (ohttp/anonymousRoutes.ts).
 */
import { anonymousRoutes } from '../ohttp/anonymousRoutes.ts';
import type { Route } from './route.ts';

const ONE_CALL = new Set<Route>(anonymousRoutes);

export function closesConnection(route: Route): boolean {
  return ONE_CALL.has(route);
}
