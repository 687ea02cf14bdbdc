/**
 * @module upgrade
 * Routes HTTP upgrades on the relay's single port to the two WebSocket endpoints. Each path has
 * its own frame bound, enforced by ws before a frame is buffered whole.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { MAX_POST_FRAME } from '@hardline/protocol';
import { WebSocketServer } from 'ws';
import type { RelayContext } from '../relayContext.ts';
import { startHeartbeat } from './heartbeat.ts';
import { MAX_INBOX_FRAME } from './inboxMessages.ts';
import { handleInboxSocket } from './inboxSocket.ts';
import { handlePostSocket } from './postSocket.ts';

export type UpgradeRouter = {
  readonly handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer, conn: number) => void;
  readonly close: () => void;
};

export function createUpgradeRouter(ctx: RelayContext, heartbeatMs: number): UpgradeRouter {
  const post = new WebSocketServer({ noServer: true, maxPayload: MAX_POST_FRAME, perMessageDeflate: false });
  const inbox = new WebSocketServer({ noServer: true, maxPayload: MAX_INBOX_FRAME, perMessageDeflate: false });
  const stops = [startHeartbeat(post, heartbeatMs), startHeartbeat(inbox, heartbeatMs)];

  return {
    handleUpgrade(req, socket, head, conn) {
      const path = (req.url ?? '').split('?')[0];
      const wss = path === '/v1/post' ? post : path === '/v1/inbox' ? inbox : undefined;
      if (!wss) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        wss.emit('connection', ws, req);
        if (wss === post) handlePostSocket(ctx, ws, conn);
        else handleInboxSocket(ctx, ws, conn);
      });
    },
    close() {
      for (const stop of stops) stop();
      for (const wss of [post, inbox]) {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
      }
    },
  };
}
