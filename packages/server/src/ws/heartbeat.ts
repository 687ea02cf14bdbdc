/**
 * @module heartbeat
 * Pings every socket periodically and terminates those that did not answer the previous ping,
 * so that dead connections (a phone that lost its network) do not hold subscriptions forever.
 */
import type { WebSocket, WebSocketServer } from 'ws';

export function startHeartbeat(wss: WebSocketServer, intervalMs: number): () => void {
  const alive = new WeakSet<WebSocket>();
  wss.on('connection', (ws) => {
    alive.add(ws);
    const markAlive = (): void => {
      alive.add(ws);
    };
    // Any frame proves the peer is there; a busy client need not win the race with its pong.
    ws.on('pong', markAlive);
    ws.on('message', markAlive);
  });
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
