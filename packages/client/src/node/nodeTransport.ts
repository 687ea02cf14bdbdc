/**
 * @module node/nodeTransport
 * Node's fetch plus the `ws` package (Node 20 has no global WebSocket).
 */
import WebSocket from 'ws';
import type { Transport, WebSocketLike } from '../transport.ts';
import { freshConnectionFetch } from './freshConnectionFetch.ts';

export const nodeTransport: Transport = {
  fetch: (...args) => fetch(...args),
  fetchUnlinked: freshConnectionFetch,
  openWebSocket(url: string): WebSocketLike {
    return new WebSocket(url, { maxPayload: 1 << 20 }) as unknown as WebSocketLike;
  },
};
