/**
 * @module platform/browserTransport
 * The engine's Transport over the browser's own fetch and WebSocket. The page's CSP limits
 * both to the relay's origin.
 *
 * Anonymous calls (claims, blob reads and writes, TURN credentials: RelayApi's `via: 'ingress'`)
 * go through `fetchUnlinked`, which keeps them off the connections that carry this device's
 * session as far as a page can: a page cannot open a socket of its own, but the browser keeps
 * requests that send no credentials in a connection pool of their own (Chromium's privacy-mode
 * socket groups, Firefox's anonymous connections), so `credentials: 'omit'` never rides a
 * connection that just carried a session call; and the relay answers every anonymous route
 * with `Connection: close` (server http/oneCallConnections.ts), so that pool never holds an
 * idle connection and each anonymous call opens a fresh one. `cache: 'no-store'` keeps answers
 * out of the HTTP cache (a blob read is not left where a carved disk finds it), and no referrer
 * is sent. Posts go over `WS /v1/post` (poster.ts), a WebSocket per burst, which a browser
 * always opens on a TCP connection of its own. What remains is in docs/protocol.md §7.
 */
import type { Transport, WebSocketLike } from '@hardline/client';

export const browserTransport: Transport = {
  fetch: (input, init) => fetch(input, init),
  fetchUnlinked: (input, init) => fetch(input, { ...init, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', keepalive: false }),
  openWebSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
};
