/**
 * @module transport
 * What the client core needs from its platform: fetch and a WebSocket constructor. Node
 * passes `ws`; the browser passes its globals. Keeping this injectable keeps the core portable.
 */
import { concatBytes } from '@hardline/protocol';

export type WebSocketLike = {
  binaryType: string;
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
};

export type Transport = {
  fetch: typeof fetch;
  /**
   * For anonymous calls: a fetch that never shares a connection with any other request, so
   * the relay cannot tie the call to this device's session by its connection. Node has one
   * (node/freshConnectionFetch.ts); a browser cannot choose its connections, so the web app's
   * (platform/browserTransport.ts) gets as close as a page can, and docs/protocol.md §7 says
   * what remains.
   */
  fetchUnlinked?: typeof fetch;
  openWebSocket(url: string): WebSocketLike;
};

export function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  // ws delivers fragmented messages as an array of buffers.
  if (Array.isArray(data)) return concatBytes(...(data as Uint8Array[]));
  return undefined;
}
