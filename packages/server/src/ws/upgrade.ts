/**
 * @module upgrade
 * Routes HTTP upgrades on the relay's single port to the two WebSocket endpoints. Each path has
 * its own frame bound, enforced by ws before a frame is buffered whole. A socket that carries no
 * session (every post socket, an inbox socket until its auth frame) takes an anonymous slot,
 * relay-wide and per source address; with none free the upgrade is refused with 503.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { MAX_POST_FRAME } from '@hardline/protocol';
import { WebSocketServer } from 'ws';
import { refuseSocket } from '../http/rawResponse.ts';
import { sourceKey } from '../limits/sourceLimits.ts';
import type { RelayContext } from '../relayContext.ts';
import { startHeartbeat } from './heartbeat.ts';
import { MAX_INBOX_FRAME } from './inboxMessages.ts';
import { handleInboxSocket } from './inboxSocket.ts';
import { handlePostSocket } from './postSocket.ts';

export type UpgradeRouter = {
  readonly handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer, conn: number) => void;
  readonly close: () => void;
};

/** How long a closing socket may take to answer the close handshake before it is dropped. */
const CLOSE_TIMEOUT_MS = 2_000;
const ANONYMOUS_RETRY_S = 5;

export function createUpgradeRouter(ctx: RelayContext, heartbeatMs: number): UpgradeRouter {
  // closeTimeout (ws 8.19+) is not in @types/ws yet.
  const common = { noServer: true, perMessageDeflate: false, closeTimeout: CLOSE_TIMEOUT_MS };
  const post = new WebSocketServer({ ...common, maxPayload: MAX_POST_FRAME });
  const inbox = new WebSocketServer({ ...common, maxPayload: MAX_INBOX_FRAME });
  const stops = [startHeartbeat(post, heartbeatMs), startHeartbeat(inbox, heartbeatMs)];

  return {
    handleUpgrade(req, socket, head, conn) {
      const path = (req.url ?? '').split('?')[0];
      const wss = path === '/v1/post' ? post : path === '/v1/inbox' ? inbox : undefined;
      if (!wss) {
        refuseSocket(socket, 404, { error: { code: 'NOT_FOUND', message: 'no such endpoint' } });
        return;
      }
      const slot = ctx.sources.reserve('anonymousSockets', sourceKey(req.socket.remoteAddress));
      if (typeof slot === 'string') {
        const message = slot === 'relay' ? 'the relay has too many connections without a session; retry shortly' : 'too many connections without a session from this address; retry shortly';
        refuseSocket(socket, 503, { error: { code: 'UNAVAILABLE', message } }, { 'Retry-After': String(ANONYMOUS_RETRY_S) });
        return;
      }
      socket.once('close', slot.release);
      wss.handleUpgrade(req, socket, head, (ws) => {
        wss.emit('connection', ws, req);
        if (wss === post) handlePostSocket(ctx, ws, conn, /[?&]wake=later(&|$)/.test(req.url ?? '') ? 'later' : 'now');
        else handleInboxSocket(ctx, ws, conn, slot.release);
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
