/**
 * @module platform/browserTransport
 * The engine's Transport over the browser's own fetch and WebSocket. The page's CSP limits
 * both to the relay's origin.
 */
import type { Transport, WebSocketLike } from '@hardline/client';

export const browserTransport: Transport = {
  fetch: (input, init) => fetch(input, init),
  openWebSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
};
