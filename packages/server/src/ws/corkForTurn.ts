/**
 * @module ws/corkForTurn
 * Pushes and post replies come in bursts: one commit resolves hundreds of posts in the same
 * tick. Corking the socket until the end of the tick turns hundreds of writev calls into one
 * (a CPU profile showed ~12% of relay time in writev at full load).
 */
import type WebSocket from 'ws';

const corked = new WeakSet<object>();

export function corkForTurn(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void; destroyed?: boolean } })._socket;
  if (!socket || corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(() => {
    corked.delete(socket);
    if (!socket.destroyed) socket.uncork();
  });
}
