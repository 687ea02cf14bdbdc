/**
 * @module socketBounds
 * Per-socket memory bounds that ws has no public option for.
 */
import type WebSocket from 'ws';

/**
 * Changes the largest frame ws will buffer for this one socket from now on (its receiver
 * checks a frame's declared length before buffering any of it). Returns false if this ws
 * version keeps the bound elsewhere; the server-wide maxPayload then still holds.
 */
export function setFrameBound(ws: WebSocket, bytes: number): boolean {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: unknown } })._receiver;
  if (!receiver || typeof receiver._maxPayload !== 'number') return false;
  receiver._maxPayload = bytes;
  return true;
}

/** Closes with a close frame, and drops the socket if the peer has not answered in `graceMs`. */
export function closeSoon(ws: WebSocket, code: number, reason: string, graceMs = 1_000): void {
  if (ws.readyState === ws.CLOSED) return;
  if (ws.readyState === ws.OPEN) ws.close(code, reason);
  setTimeout(() => ws.terminate(), graceMs).unref();
}
